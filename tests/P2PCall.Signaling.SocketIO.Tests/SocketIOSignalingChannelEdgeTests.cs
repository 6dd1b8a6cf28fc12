using P2PCall.Core.Signaling;
using P2PCall.WebRtc;

namespace P2PCall.Signaling.SocketIO.Tests;

/// <summary>Limits, cancellation and handler behaviour of the channel, against the real reference server.</summary>
public sealed class SocketIOSignalingChannelEdgeTests
{
    [Fact]
    public async Task Send_beyond_the_queue_limit_while_disconnected_fails_at_once()
    {
        await using var server = await SignalingServer.StartAsync();
        await using var a = new SocketIOSignalingChannel(new SocketIOSignalingOptions
        {
            ServerUri = server.Uri,
            UserId = "A",
            SendQueueLimit = 1,
            ReconnectDelay = TimeSpan.FromMilliseconds(100),
        });
        var atA = new ChannelRecorder(a);
        await a.ConnectAsync();
        await server.StopAsync();
        await atA.NextAsync<SignalingConnectionChangedEventArgs>(c => !c.IsConnected);

        var waiting = a.SendAsync(new CallMessage("nobody", "A"));
        var refused = await Assert.ThrowsAsync<SignalingException>(() => a.SendAsync(new CallMessage("nobody", "A")));
        Assert.Contains("1 messages already wait", refused.Message, StringComparison.Ordinal);

        // The one that waited goes out once the server is back.
        await server.StartAgainAsync();
        await waiting.WaitAsync(NodeProcess.Deadline);
        Assert.IsType<SignalingRelayException>(await atA.NextSignalAsync());
    }

    [Fact]
    public async Task Caller_cancellation_of_a_waiting_send_passes_through_and_the_message_is_not_sent_later()
    {
        await using var server = await SignalingServer.StartAsync();
        await using var a = new SocketIOSignalingChannel(new SocketIOSignalingOptions
        {
            ServerUri = server.Uri,
            UserId = "A",
            ReconnectDelay = TimeSpan.FromMilliseconds(100),
        });
        var atA = new ChannelRecorder(a);
        await a.ConnectAsync();
        await server.StopAsync();
        await atA.NextAsync<SignalingConnectionChangedEventArgs>(c => !c.IsConnected);

        using var cts = new CancellationTokenSource();
        var cancelled = a.SendAsync(new CallMessage("cancelled", "A"), cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(NodeProcess.Deadline));

        await server.StartAgainAsync();
        await atA.NextAsync<SignalingConnectionChangedEventArgs>(c => c.IsConnected);
        await a.SendAsync(new CallMessage("after", "A"));
        // Only the second message reached the server: its relay error is the first one A gets.
        Assert.Equal("after", Assert.IsType<SignalingRelayException>(await atA.NextSignalAsync()).TargetUid);
    }

    [Fact]
    public async Task Oversized_message_is_refused_by_the_server_as_a_relay_error()
    {
        await using var server = await SignalingServer.StartAsync();
        await using var a = NewChannel(server, "A");
        await using var b = NewChannel(server, "B");
        var atA = new ChannelRecorder(a);
        var atB = new ChannelRecorder(b);
        await a.ConnectAsync();
        await b.ConnectAsync();

        var sdp = "v=0\r\n" + string.Concat(Enumerable.Repeat("a=x-padding:0123456789abcdef0123456789abcdef\r\n", 7000));
        await a.SendAsync(new OfferMessage("B", "A", new RTCSessionDescriptionInit(RTCSdpType.Offer, sdp)));
        var error = Assert.IsType<SignalingRelayException>(await atA.NextSignalAsync());
        Assert.StartsWith("payload too large", error.Reason, StringComparison.Ordinal);

        await a.SendAsync(new CallMessage("B", "A"));
        Assert.Equal(new CallMessage("B", "A"), await atB.NextSignalAsync());
    }

    [Fact]
    public async Task User_id_query_name_is_configurable()
    {
        await using var server = await SignalingServer.StartAsync(new Dictionary<string, string> { ["USER_ID_QUERY"] = "uid" });
        await using var a = new SocketIOSignalingChannel(new SocketIOSignalingOptions { ServerUri = server.Uri, UserId = "A", UserIdQueryName = "uid" });
        await using var b = new SocketIOSignalingChannel(new SocketIOSignalingOptions { ServerUri = server.Uri, UserId = "B", UserIdQueryName = "uid" });
        var atB = new ChannelRecorder(b);
        await a.ConnectAsync();
        await b.ConnectAsync();

        await a.SendAsync(new AcceptMessage("B", "A"));

        Assert.Equal(new AcceptMessage("B", "A"), await atB.NextSignalAsync());
    }

    [Fact]
    public async Task Server_refusing_the_registration_fails_connect_with_SignalingException()
    {
        await using var server = await SignalingServer.StartAsync(new Dictionary<string, string> { ["USER_ID_QUERY"] = "uid" });
        await using var a = NewChannel(server, "A"); // sends userId, the server wants uid

        var error = await Assert.ThrowsAsync<SignalingException>(() => a.ConnectAsync().WaitAsync(NodeProcess.Deadline));
        Assert.False(a.IsConnected);
        Assert.Contains("uid is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_throwing_handler_does_not_stop_delivery_and_a_handler_may_dispose_the_channel()
    {
        await using var server = await SignalingServer.StartAsync();
        await using var a = NewChannel(server, "A");
        var b = NewChannel(server, "B");
        var seen = new List<SignalingMessage>();
        var disposedFromHandler = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.MessageReceived += (_, e) =>
        {
            seen.Add(e.Message);
            switch (e.Message)
            {
                case CallMessage:
                    throw new InvalidOperationException("a careless handler");
                case HangupMessage:
                    _ = DisposeAndSignalAsync();
                    break;
            }
        };
        await a.ConnectAsync();
        await b.ConnectAsync();

        await a.SendAsync(new CallMessage("B", "A"));
        await a.SendAsync(new HangupMessage("B", "A"));
        await disposedFromHandler.Task.WaitAsync(NodeProcess.Deadline);

        Assert.Equal([new CallMessage("B", "A"), new HangupMessage("B", "A")], seen);
        Assert.False(b.IsConnected);

        async Task DisposeAndSignalAsync()
        {
            await b.DisposeAsync();
            disposedFromHandler.TrySetResult();
        }
    }

    private static SocketIOSignalingChannel NewChannel(SignalingServer server, string userId) =>
        new(new SocketIOSignalingOptions
        {
            ServerUri = server.Uri,
            UserId = userId,
            ReconnectDelay = TimeSpan.FromMilliseconds(100),
            ReconnectDelayMax = TimeSpan.FromSeconds(1),
        });
}
