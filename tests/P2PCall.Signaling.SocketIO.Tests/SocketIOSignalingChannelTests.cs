using System.Net;
using System.Net.Sockets;
using P2PCall.Core.Signaling;
using P2PCall.WebRtc;

namespace P2PCall.Signaling.SocketIO.Tests;

/// <summary>The channel against the real reference server (node samples/signaling-server/server.js) on 127.0.0.1.</summary>
public sealed class SocketIOSignalingChannelTests
{
    private static readonly string ChromiumOffer = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "chromium-156-offer.sdp"));

    [Fact]
    public async Task Relays_all_seven_messages_both_ways_byte_for_byte()
    {
        await using var server = await SignalingServer.StartAsync();
        await using var a = NewChannel(server, "A");
        await using var b = NewChannel(server, "B");
        var atA = new ChannelRecorder(a);
        var atB = new ChannelRecorder(b);
        await a.ConnectAsync();
        await b.ConnectAsync();

        foreach (var (from, to, toRecorder) in new[] { (a, b, atB), (b, a, atA) })
        {
            foreach (var message in AllMessages(from.LocalUserId, to.LocalUserId))
            {
                await from.SendAsync(message);

                // What .NET put on the wire is the seed's JSON, byte-for-byte (the server logs each raw packet).
                var wire = await server.NextWirePacketAsync(from.LocalUserId);
                // Engine.IO message packet data = socket.io EVENT packet: type 2, then the JSON array [event, payload].
                Assert.Equal($"2[\"{message.EventName}\",{SignalingJson.Serialize(message)}]", wire);

                var received = Assert.IsAssignableFrom<SignalingMessage>(await toRecorder.NextSignalAsync());
                Assert.Equal(message, received);
                Assert.Equal(SignalingJson.Serialize(message), SignalingJson.Serialize(received));
            }
        }

        Assert.Equal(0, a.MalformedCount);
        Assert.Equal(0, b.MalformedCount);
    }

    [Fact]
    public async Task Message_from_a_browser_style_client_arrives_as_the_record_it_encodes()
    {
        await using var server = await SignalingServer.StartAsync();
        await using var b = NewChannel(server, "B");
        var atB = new ChannelRecorder(b);
        await b.ConnectAsync();
        await using var browser = await RawPeer.ConnectAsync(server, "A");

        var offer = new OfferMessage("B", "A", new RTCSessionDescriptionInit(RTCSdpType.Offer, ChromiumOffer));
        await browser.EmitAsync("offer", SignalingJson.Serialize(offer));

        Assert.Equal(offer, await atB.NextSignalAsync());

        // And the browser receives what .NET sends as the object JSON.stringify would have written.
        var answer = new AnswerMessage("A", "B", new RTCSessionDescriptionInit(RTCSdpType.Answer, "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=é \"q\"\r\n"));
        await b.SendAsync(answer);
        var payload = await browser.NextAsync("answer");
        Assert.Equal(SignalingJson.Serialize(answer), payload.GetRawText());
    }

    [Fact]
    public async Task Message_for_an_offline_user_raises_SignalingRelayException()
    {
        await using var server = await SignalingServer.StartAsync();
        await using var a = NewChannel(server, "A");
        var atA = new ChannelRecorder(a);
        await a.ConnectAsync();

        await a.SendAsync(new CallMessage("nobody", "A"));

        var error = Assert.IsType<SignalingRelayException>(await atA.NextSignalAsync());
        Assert.Equal("nobody", error.TargetUid);
        Assert.Equal("call", error.EventName);
        Assert.Equal("target offline", error.Reason);
    }

    [Fact]
    public async Task Spoofed_sender_is_refused_by_the_server_and_by_the_channel()
    {
        await using var server = await SignalingServer.StartAsync();
        await using var b = NewChannel(server, "B");
        var atB = new ChannelRecorder(b);
        await b.ConnectAsync();
        await using var mallory = await RawPeer.ConnectAsync(server, "M");

        await mallory.EmitAsync("call", """{"targetUid":"B","userId":"A"}""");
        var refusal = await mallory.NextAsync("relay-error");
        Assert.Equal("userId does not match the connection", refusal.GetProperty("reason").GetString());

        // The spoofed call never reached B: the first thing B sees is M's honest call sent afterwards.
        await mallory.EmitAsync("call", """{"targetUid":"B","userId":"M"}""");
        Assert.Equal(new CallMessage("B", "M"), await atB.NextSignalAsync());

        // The channel does not even try to send as somebody else.
        await Assert.ThrowsAsync<SignalingException>(() => b.SendAsync(new CallMessage("M", "A")));
    }

    [Fact]
    public async Task Malformed_payload_raises_a_counted_SignalingFormatException_and_the_channel_keeps_working()
    {
        await using var server = await SignalingServer.StartAsync();
        await using var b = NewChannel(server, "B");
        var atB = new ChannelRecorder(b);
        await b.ConnectAsync();
        await using var peer = await RawPeer.ConnectAsync(server, "M");

        await peer.EmitAsync("offer", """{"targetUid":"B","userId":"M","offer":42}""");
        await peer.EmitAsync("candidate", """{"targetUid":"B","userId":"M","candidate":{"candidate":"candidate:1 1 udp 1 127.0.0.1 9 typ host","sdpMLineIndex":"zero"}}""");
        await peer.EmitAsync("hangup", """{"targetUid":"B","userId":"M"}""");

        var first = Assert.IsType<SignalingFormatException>(await atB.NextSignalAsync());
        Assert.Equal("offer", first.EventName);
        var second = Assert.IsType<SignalingFormatException>(await atB.NextSignalAsync());
        Assert.Equal("candidate", second.EventName);
        Assert.Equal(new HangupMessage("B", "M"), await atB.NextSignalAsync());
        Assert.Equal(2, b.MalformedCount);
        Assert.True(b.IsConnected);
    }

    [Fact]
    public async Task Unreachable_server_fails_with_SignalingException_within_the_connect_timeout()
    {
        var port = UnusedPort();
        await using var channel = new SocketIOSignalingChannel(new SocketIOSignalingOptions
        {
            ServerUri = new Uri($"http://127.0.0.1:{port}"),
            UserId = "A",
            ConnectTimeout = TimeSpan.FromSeconds(2),
        });

        var connect = channel.ConnectAsync();
        // Far beyond the connect timeout: the channel must give up by itself, with the typed error.
        await Assert.ThrowsAsync<SignalingException>(() => connect.WaitAsync(NodeProcess.Deadline));
        Assert.False(channel.IsConnected);
    }

    [Fact]
    public async Task Server_restart_reconnects_and_messages_flow_again()
    {
        await using var server = await SignalingServer.StartAsync();
        await using var a = NewChannel(server, "A");
        await using var b = NewChannel(server, "B");
        var atA = new ChannelRecorder(a);
        var atB = new ChannelRecorder(b);
        await a.ConnectAsync();
        await b.ConnectAsync();
        Assert.True((await atA.NextAsync<SignalingConnectionChangedEventArgs>()).IsConnected);
        Assert.True((await atB.NextAsync<SignalingConnectionChangedEventArgs>()).IsConnected);

        await server.StopAsync();
        var lostA = await atA.NextAsync<SignalingConnectionChangedEventArgs>();
        Assert.False(lostA.IsConnected);
        Assert.True(lostA.WillReconnect);
        Assert.False((await atB.NextAsync<SignalingConnectionChangedEventArgs>()).IsConnected);

        // Sent while the server is down: waits for the reconnection instead of vanishing.
        var queued = a.SendAsync(new CallMessage("nobody", "A"));
        Assert.False(queued.IsCompleted);

        await server.StartAgainAsync();
        Assert.True((await atA.NextAsync<SignalingConnectionChangedEventArgs>()).IsConnected);
        Assert.True((await atB.NextAsync<SignalingConnectionChangedEventArgs>()).IsConnected);
        await queued.WaitAsync(NodeProcess.Deadline);
        Assert.Equal("nobody", Assert.IsType<SignalingRelayException>(await atA.NextSignalAsync()).TargetUid);

        var offer = new OfferMessage("B", "A", new RTCSessionDescriptionInit(RTCSdpType.Offer, ChromiumOffer));
        await a.SendAsync(offer);
        Assert.Equal(offer, await atB.NextSignalAsync());
        await b.SendAsync(new HangupMessage("A", "B"));
        Assert.Equal(new HangupMessage("A", "B"), await atA.NextSignalAsync());
        Assert.Equal(1, a.ReconnectCount);
        Assert.Equal(1, b.ReconnectCount);

        await a.DisposeAsync();
        await b.DisposeAsync();
        Assert.All(a.BackgroundTasks.Concat(b.BackgroundTasks), t => Assert.True(t.IsCompleted));
    }

    [Fact]
    public async Task Send_while_disconnected_fails_with_SignalingException_after_the_send_timeout()
    {
        await using var server = await SignalingServer.StartAsync();
        await using var a = new SocketIOSignalingChannel(new SocketIOSignalingOptions
        {
            ServerUri = server.Uri,
            UserId = "A",
            SendTimeout = TimeSpan.FromMilliseconds(200),
            ReconnectDelay = TimeSpan.FromSeconds(1),
            ConnectTimeout = TimeSpan.FromSeconds(1),
        });
        var atA = new ChannelRecorder(a);
        await a.ConnectAsync();
        await server.StopAsync();
        Assert.False((await atA.NextAsync<SignalingConnectionChangedEventArgs>(c => !c.IsConnected)).IsConnected);

        await Assert.ThrowsAsync<SignalingException>(() => a.SendAsync(new CallMessage("B", "A")).WaitAsync(NodeProcess.Deadline));
    }

    [Fact]
    public async Task Send_before_connect_fails_with_SignalingException()
    {
        await using var a = new SocketIOSignalingChannel(new SocketIOSignalingOptions { ServerUri = new Uri("http://127.0.0.1:1"), UserId = "A" });

        await Assert.ThrowsAsync<SignalingException>(() => a.SendAsync(new CallMessage("B", "A")));
    }

    [Fact]
    public async Task A_second_connection_for_the_same_user_replaces_the_first_which_does_not_reconnect()
    {
        await using var server = await SignalingServer.StartAsync();
        await using var first = NewChannel(server, "U");
        await using var second = NewChannel(server, "U");
        await using var other = NewChannel(server, "S");
        var atFirst = new ChannelRecorder(first);
        var atSecond = new ChannelRecorder(second);
        await first.ConnectAsync();
        await other.ConnectAsync();
        await second.ConnectAsync();

        var lost = await atFirst.NextAsync<SignalingConnectionChangedEventArgs>(c => !c.IsConnected);
        Assert.False(lost.WillReconnect);
        Assert.False(first.IsConnected);
        await Assert.ThrowsAsync<SignalingException>(() => first.SendAsync(new CallMessage("S", "U")));

        await other.SendAsync(new CallMessage("U", "S"));
        Assert.Equal(new CallMessage("U", "S"), await atSecond.NextSignalAsync());
        Assert.True(second.IsConnected);
    }

    [Fact]
    public async Task Dispose_unregisters_from_the_server_and_is_idempotent()
    {
        await using var server = await SignalingServer.StartAsync();
        var a = NewChannel(server, "A");
        await a.ConnectAsync();
        await a.DisposeAsync();
        await a.DisposeAsync();
        Assert.NotEmpty(a.BackgroundTasks);
        Assert.All(a.BackgroundTasks, t => Assert.True(t.IsCompleted));

        await server.Node.WaitForAsync(l => l.TryGetProperty("msg", out var m) && m.GetString() == "disconnected"
            && l.GetProperty("userId").GetString() == "A");
        Assert.False(a.IsConnected);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => a.SendAsync(new CallMessage("B", "A")));
    }

    internal static IEnumerable<SignalingMessage> AllMessages(string from, string to) =>
    [
        new CallMessage(to, from),
        new AcceptMessage(to, from),
        new RejectMessage(to, from, RejectReasons.Busy),
        new OfferMessage(to, from, new RTCSessionDescriptionInit(RTCSdpType.Offer, ChromiumOffer)),
        new AnswerMessage(to, from, new RTCSessionDescriptionInit(RTCSdpType.Answer, ChromiumOffer.Replace("a=setup:actpass", "a=setup:active", StringComparison.Ordinal) + "a=x-note:é ü 日本 😀 \"q\" \\ <&> +\r\n")),
        new CandidateMessage(to, from, new RTCIceCandidateInit("candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0 ufrag abcd", "0", 0, "abcd")),
        new HangupMessage(to, from),
    ];

    private static SocketIOSignalingChannel NewChannel(SignalingServer server, string userId) =>
        new(new SocketIOSignalingOptions
        {
            ServerUri = server.Uri,
            UserId = userId,
            ReconnectDelay = TimeSpan.FromMilliseconds(100),
            ReconnectDelayMax = TimeSpan.FromSeconds(1),
        });

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
