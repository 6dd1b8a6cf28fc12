using System.Text.Json;
using P2PCall.Signaling.SocketIO.Tests;

namespace P2PCall.Samples.Tests;

/// <summary>The sample console run as a process, as a user runs it: real UDP on loopback, exit codes, the --json report.</summary>
[Collection(SampleProcessCollection.Name)]
public class SampleCommandTests
{
    /// <summary>The test pattern of these calls: a quarter of the default's pixels at half its rate, for a machine shared with other tests.</summary>
    private const string SmallVideo = "320x240@15";

    [Fact]
    public async Task Demo_connects_and_media_and_chat_flow_both_ways()
    {
        var result = await SampleProcess.RunAsync("demo", "--duration", "3", "--json", "--loopback-only", "--video", SmallVideo);

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.True(json.GetProperty("connected").GetBoolean(), result.ToString());
        Assert.True(json.GetProperty("connectMs").GetDouble() > 0);
        Assert.True(json.GetProperty("audioFramesReceived").GetInt32() > 0, result.ToString());
        Assert.True(json.GetProperty("videoFramesReceived").GetInt32() > 0, result.ToString());
        Assert.True(json.GetProperty("chatSent").GetInt32() > 0, result.ToString());
        Assert.True(json.GetProperty("chatReceived").GetInt32() > 0, result.ToString());
        Assert.True(json.GetProperty("endReason").GetString() == "LocalHangup", result.ToString());
        foreach (var side in new[] { "caller", "callee" })
        {
            var s = json.GetProperty(side);
            Assert.True(s.GetProperty("audioFramesReceived").GetInt32() > 0, $"{side}: {result}");
            Assert.True(s.GetProperty("videoFramesReceived").GetInt32() > 0, $"{side}: {result}");
            Assert.True(s.GetProperty("chatReceived").GetInt32() > 0, $"{side}: {result}");
            Assert.True(s.GetProperty("pongsSent").GetInt32() > 0, $"{side}: {result}");
        }

        Assert.True(json.GetProperty("callee").GetProperty("endReason").GetString() == "RemoteHangup", result.ToString());
        Assert.True(result.Error.Length == 0, result.ToString());
    }

    [Fact]
    public async Task Demo_records_what_each_side_received_as_wav_and_y4m()
    {
        var dir = Directory.CreateTempSubdirectory("p2pcall-record-");
        try
        {
            var result = await SampleProcess.RunAsync("demo", "--duration", "2", "--json", "--record-dir", dir.FullName, "--video", SmallVideo);

            Assert.True(result.ExitCode == 0, result.ToString());
            foreach (var user in new[] { "alice", "bob" })
            {
                using (var wav = new P2PCall.WebRtc.Media.Audio.WavAudioSource(Path.Combine(dir.FullName, $"{user}-received-audio.wav")))
                {
                    Assert.True(wav.Duration > TimeSpan.Zero, user);
                }

                using var y4m = new P2PCall.WebRtc.Media.Video.Y4mReader(File.OpenRead(Path.Combine(dir.FullName, $"{user}-received-video.y4m")));
                Assert.Equal(320, y4m.Width);
                Assert.Equal(240, y4m.Height);
                Assert.NotNull(y4m.ReadFrame());
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Call_to_a_server_that_is_not_running_fails_with_one_error_line()
    {
        var server = $"http://127.0.0.1:{FreePort.Get()}";

        var result = await SampleProcess.RunAsync("call", "--server", server, "--user", "A", "--peer", "B", "--json", "--loopback-only", "--video", SmallVideo);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith($"error: cannot reach the signaling server {server}", line, StringComparison.Ordinal);
        var json = result.Json();
        Assert.False(json.GetProperty("connected").GetBoolean());
        Assert.Equal("ServerUnreachable", json.GetProperty("endReason").GetString());
    }

    [Fact]
    public async Task Bad_arguments_exit_2_with_one_error_line()
    {
        var result = await SampleProcess.RunAsync("call", "--server", "http://127.0.0.1:1", "--user", "A");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: call needs --peer ID", Assert.Single(result.ErrorLines));
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task Help_prints_the_commands_and_exits_0()
    {
        var result = await SampleProcess.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("listen --server URL --user ID", result.Output, StringComparison.Ordinal);
        Assert.Contains("--record-dir DIR", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_to_a_peer_that_is_offline_fails_with_one_error_line()
    {
        await using var server = await SignalingServer.StartAsync();

        var result = await SampleProcess.RunAsync("call", "--server", server.Uri.ToString(), "--user", "A", "--peer", "nobody", "--json", "--loopback-only", "--video", SmallVideo);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: nobody is not online", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        Assert.Equal("PeerUnavailable", result.Json().GetProperty("endReason").GetString());
    }

    [Fact]
    public async Task Listen_and_call_through_the_node_server_connect_with_media_and_chat_both_ways()
    {
        await using var server = await SignalingServer.StartAsync();
        var url = server.Uri.ToString();
        var listener = SampleProcess.RunAsync("listen", "--server", url, "--user", "B", "--once", "--duration", "90", "--json", "--loopback-only", "--video", SmallVideo);
        await server.WaitConnectedAsync("B");

        var caller = await SampleProcess.RunAsync("call", "--server", url, "--user", "A", "--peer", "B", "--duration", "3", "--json", "--loopback-only", "--video", SmallVideo);
        var callee = await listener;

        var both = $"caller: {caller}\nlistener: {callee}";
        Assert.True(caller.ExitCode == 0, both);
        Assert.True(callee.ExitCode == 0, both);
        foreach (var (result, endReason) in new[] { (caller, "LocalHangup"), (callee, "RemoteHangup") })
        {
            var json = result.Json();
            Assert.True(json.GetProperty("connected").GetBoolean(), result.ToString());
            Assert.True(json.GetProperty("audioFramesReceived").GetInt32() > 0, result.ToString());
            Assert.True(json.GetProperty("videoFramesReceived").GetInt32() > 0, result.ToString());
            Assert.True(json.GetProperty("chatSent").GetInt32() > 0, result.ToString());
            Assert.True(json.GetProperty("chatReceived").GetInt32() > 0, result.ToString());
            Assert.True(json.GetProperty("endReason").GetString() == endReason, result.ToString());
        }

        Assert.Equal("A", callee.Json().GetProperty("peer").GetString());
    }

    [Fact]
    public async Task A_call_declined_with_ask_fails_on_both_sides_with_one_error_line()
    {
        await using var server = await SignalingServer.StartAsync();
        var url = server.Uri.ToString();
        var listener = SampleProcess.RunWithInputAsync("n\n", "listen", "--server", url, "--user", "B", "--ask", "--once", "--duration", "90", "--json", "--loopback-only", "--video", SmallVideo);
        await server.WaitConnectedAsync("B");

        var caller = await SampleProcess.RunAsync("call", "--server", url, "--user", "A", "--peer", "B", "--json", "--loopback-only", "--video", SmallVideo);
        var callee = await listener;

        var both = $"caller: {caller}\nlistener: {callee}";
        Assert.True(caller.ExitCode == 1, both);
        Assert.True(caller.ErrorLines is [var line] && line.StartsWith("error: B rejected the call", StringComparison.Ordinal), both);
        Assert.Equal("Rejected", caller.Json().GetProperty("endReason").GetString());
        Assert.True(callee.ExitCode == 1, callee.ToString());
        Assert.Equal("error: declined the call from A", callee.ErrorLines[^1]);
        Assert.Contains("A is calling. Accept? [y/N]", callee.Error, StringComparison.Ordinal);
    }
}
