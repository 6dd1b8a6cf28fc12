using System.Security.Cryptography;
using System.Text;

namespace P2PCall.WebRtc.Tests.PeerConnection;

/// <summary>Data channels between two RTCPeerConnections over loopback UDP: SCTP over DTLS, DCEP, as the seed uses them.</summary>
public class DataChannelTests
{
    private static async Task<(IDataChannel ChatA, IDataChannel ChatB, IDataChannel FromB, IDataChannel FromA)> ConnectWithChatAsync(PeerPair pair)
    {
        var fromB = new TaskCompletionSource<IDataChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
        var fromA = new TaskCompletionSource<IDataChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.A.DataChannel += (_, e) => fromB.TrySetResult(e.Channel);
        pair.B.DataChannel += (_, e) => fromA.TrySetResult(e.Channel);
        var chatA = pair.A.CreateDataChannel("chat");
        var chatB = pair.B.CreateDataChannel("chat");
        var openA = Opened(chatA);
        var openB = Opened(chatB);

        await pair.NegotiateAsync();

        await Task.WhenAll(openA, openB).WaitAsync(PeerPair.Deadline);
        return (chatA, chatB, await fromB.Task.WaitAsync(PeerPair.Deadline), await fromA.Task.WaitAsync(PeerPair.Deadline));
    }

    private static Task Opened(IDataChannel channel)
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.Open += (_, _) => open.TrySetResult();
        if (channel.ReadyState == RTCDataChannelState.Open)
        {
            open.TrySetResult();
        }

        return open.Task;
    }

    private static Task<RTCDataChannelMessageEventArgs> NextMessage(IDataChannel channel)
    {
        var next = new TaskCompletionSource<RTCDataChannelMessageEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.Message += (_, m) => next.TrySetResult(m);
        return next.Task.WaitAsync(PeerPair.Deadline);
    }

    [Fact]
    public async Task Both_sides_open_chat_and_each_receives_the_others_as_in_the_seed()
    {
        await using var pair = new PeerPair();

        var (chatA, chatB, fromB, fromA) = await ConnectWithChatAsync(pair);

        Assert.Equal("chat", fromB.Label);
        Assert.Equal("chat", fromA.Label);
        Assert.NotEqual(chatA.Id, chatB.Id);
        Assert.Equal(chatA.Id % 2, fromB.Id % 2 == 0 ? 1 : 0); // the DTLS client's ids are even, the server's odd
        var atB = NextMessage(fromA);
        chatA.Send("hello B");
        Assert.Equal("hello B", (await atB).Text);
        var atA = NextMessage(fromB);
        chatB.Send([1, 2, 3]);
        var binary = await atA;
        Assert.True(binary.IsBinary);
        Assert.Equal([1, 2, 3], binary.Data.ToArray());
        var empty = NextMessage(fromA);
        chatA.Send(string.Empty);
        Assert.Equal(string.Empty, (await empty).Text);
    }

    [Fact]
    public async Task A_256_KiB_message_arrives_whole_and_a_larger_one_is_a_typed_error()
    {
        await using var pair = new PeerPair();
        var (chatA, _, _, fromA) = await ConnectWithChatAsync(pair);
        var big = RandomNumberGenerator.GetBytes(256 * 1024);

        var atB = NextMessage(fromA);
        chatA.Send(big);

        Assert.Equal(big, (await atB).Data.ToArray());
        Assert.Throws<ArgumentException>(() => chatA.Send(new byte[(256 * 1024) + 1]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // RFC 8899 path MTU discovery: 16 KiB packets on loopback
    public async Task Bulk_transfer_with_buffered_amount_flow_control_arrives_complete_and_in_order(bool pathMtuDiscovery)
    {
        await using var pair = new PeerPair(sctpPathMtuDiscovery: pathMtuDiscovery);
        var (chatA, _, _, fromA) = await ConnectWithChatAsync(pair);
        const int messages = 1024; // 64 MiB in 64 KiB messages
        using var sent = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var received = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var count = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fromA.Message += (_, m) =>
        {
            received.AppendData(m.Data.Span);
            if (++count == messages)
            {
                done.TrySetResult();
            }
        };
        var low = new SemaphoreSlim(0);
        chatA.BufferedAmountLowThreshold = 1024 * 1024;
        chatA.BufferedAmountLow += (_, _) => low.Release();

        for (var i = 0; i < messages; i++)
        {
            while (chatA.BufferedAmount > 4 * 1024 * 1024)
            {
                await low.WaitAsync(TimeSpan.FromSeconds(1));
            }

            var chunk = RandomNumberGenerator.GetBytes(64 * 1024);
            chunk[0] = (byte)i;
            sent.AppendData(chunk);
            chatA.Send(chunk);
        }

        await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(sent.GetHashAndReset(), received.GetHashAndReset());
    }

    [Fact]
    public async Task Sending_on_a_closed_channel_is_an_invalid_state_error_and_handlers_may_close()
    {
        await using var pair = new PeerPair();
        var (chatA, _, _, fromA) = await ConnectWithChatAsync(pair);
        var closedInHandler = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fromA.Message += (_, _) =>
        {
            fromA.Close();
            closedInHandler.TrySetResult();
        };

        var closedAtA = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        chatA.Closed += (_, _) => closedAtA.TrySetResult();
        chatA.Send("close yourself");
        await closedInHandler.Task.WaitAsync(PeerPair.Deadline);

        // B's close resets its stream; A resets its own in turn (RFC 8831 §6.7) and both end closed.
        await closedAtA.Task.WaitAsync(PeerPair.Deadline);
        Assert.Equal(RTCDataChannelState.Closed, chatA.ReadyState);
        Assert.Throws<InvalidStateException>(() => chatA.Send("too late"));
    }
}
