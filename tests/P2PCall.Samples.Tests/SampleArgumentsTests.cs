using P2PCall.Samples.Cli;

namespace P2PCall.Samples.Tests;

public class SampleArgumentsTests
{
    private static SampleArguments Parse(params string[] args)
    {
        Assert.True(SampleArguments.TryParse(args, out var parsed, out var error), error);
        return parsed;
    }

    private static string Fails(params string[] args)
    {
        Assert.False(SampleArguments.TryParse(args, out _, out var error));
        Assert.NotNull(error);
        Assert.DoesNotContain('\n', error);
        return error;
    }

    [Fact]
    public void Demo_without_options_runs_ten_seconds()
    {
        var a = Parse("demo");
        Assert.Equal(SampleCommand.Demo, a.Command);
        Assert.Null(a.Duration);
        Assert.Equal(TimeSpan.FromSeconds(10), a.CallDuration);
        Assert.False(a.Json);
    }

    [Fact]
    public void Shared_options_are_read_with_a_space_or_an_equals_sign()
    {
        var a = Parse("demo", "--duration", "2.5", "--json", "--loopback-only", "--stun=stun:stun.example.org:3478", "--stun", "turn:t.example.org", "--record-dir", "out");
        Assert.Equal(TimeSpan.FromSeconds(2.5), a.Duration);
        Assert.True(a.Json);
        Assert.True(a.LoopbackOnly);
        Assert.Equal(["stun:stun.example.org:3478", "turn:t.example.org"], a.Stun);
        Assert.Equal("out", a.RecordDir);
    }

    [Fact]
    public void Call_reads_server_user_and_peer()
    {
        var a = Parse("call", "--server", "http://127.0.0.1:3000", "--user", "A", "--peer", "B");
        Assert.Equal(SampleCommand.Call, a.Command);
        Assert.Equal(new Uri("http://127.0.0.1:3000"), a.Server);
        Assert.Equal("A", a.User);
        Assert.Equal("B", a.Peer);
    }

    [Fact]
    public void Listen_reads_ask_and_once()
    {
        var a = Parse("listen", "--server=ws://localhost:3000", "--user=B", "--ask", "--once");
        Assert.Equal(SampleCommand.Listen, a.Command);
        Assert.True(a.Ask);
        Assert.True(a.Once);
    }

    [Theory]
    [InlineData("320x240", 320, 240, 30)]
    [InlineData("160x120@15", 160, 120, 15)]
    public void Video_reads_size_and_frame_rate(string text, int width, int height, int fps) =>
        Assert.Equal((width, height, fps), Parse("demo", "--video", text).Video);

    [Fact]
    public void Video_defaults_to_640x480_at_30() => Assert.Equal((640, 480, 30), Parse("demo").Video);

    [Theory]
    [InlineData()]
    [InlineData("--help")]
    [InlineData("call", "-h")]
    public void No_arguments_or_help_asks_for_the_usage(params string[] args) => Assert.Equal(SampleCommand.Help, Parse(args).Command);

    [Theory]
    [InlineData("unknown command 'dial'", "dial")]
    [InlineData("unknown option '--durration'", "demo", "--durration", "3")]
    [InlineData("--duration needs a value", "demo", "--duration")]
    [InlineData("--duration must be a number", "demo", "--duration", "ten")]
    [InlineData("--duration must be a number", "demo", "--duration", "0")]
    [InlineData("--json takes no value", "demo", "--json=yes")]
    [InlineData("call needs --server URL", "call", "--user", "A", "--peer", "B")]
    [InlineData("call needs --user ID", "call", "--server", "http://127.0.0.1:1", "--peer", "B")]
    [InlineData("call needs --peer ID", "call", "--server", "http://127.0.0.1:1", "--user", "A")]
    [InlineData("--server must be an http", "call", "--server", "ftp://x", "--user", "A", "--peer", "B")]
    [InlineData("--stun must be a stun:", "demo", "--stun", "stun.example.org")]
    [InlineData("--video must be WxH", "demo", "--video", "640")]
    [InlineData("--video must be WxH", "demo", "--video", "641x480")]
    [InlineData("--video must be WxH", "demo", "--video", "640x480@0")]
    [InlineData("demo runs both sides itself", "demo", "--user", "A")]
    [InlineData("--ask and --once are options of listen", "call", "--server", "http://h", "--user", "A", "--peer", "B", "--ask")]
    [InlineData("--peer must differ from --user", "call", "--server", "http://h", "--user", "A", "--peer", "A")]
    [InlineData("--user given twice", "listen", "--server", "http://h", "--user", "A", "--user", "B")]
    [InlineData("--audio-file '/nonexistent.wav' does not exist", "demo", "--audio-file", "/nonexistent.wav")]
    public void Bad_arguments_fail_with_one_line_that_names_the_problem(string expected, params string[] args) =>
        Assert.StartsWith(expected, Fails(args), StringComparison.Ordinal);
}
