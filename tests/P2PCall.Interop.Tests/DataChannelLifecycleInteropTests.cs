using P2PCall.WebRtc;

namespace P2PCall.Interop.Tests;

/// <summary>
/// Closing channels by stream reset (RFC 8831 §6.7, RFC 6525) and partially reliable channels (RFC 3758, DCEP
/// types) against Chromium 156, whose SCTP is dcsctp.
/// </summary>
public sealed class DataChannelLifecycleInteropTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static async Task<(RTCPeerConnection Pc, BrowserPeer Browser, IDataChannel Chat, IDataChannel Remote)> ConnectAsync(ChromiumFixture chromium, bool dotnetOffers)
    {
        var pc = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = true });
        var chat = pc.CreateDataChannel("chat");
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        chat.Open += (_, _) => opened.TrySetResult();
        var fromChromium = new TaskCompletionSource<IDataChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
        pc.DataChannel += (_, e) => fromChromium.TrySetResult(e.Channel);
        var browser = await BrowserPeer.CreateAsync(chromium, pc);
        await (dotnetOffers ? browser.DotnetOffersAsync(pc) : browser.ChromiumOffersAsync(pc));
        await opened.Task.WaitAsync(Deadline);
        var remote = await fromChromium.Task.WaitAsync(Deadline);
        await browser.WaitForAsync("() => chat.readyState === 'open' && remoteChannels.length === 1");
        return (pc, browser, chat, remote);
    }

    private static Task Closed(IDataChannel channel)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.Closed += (_, _) => closed.TrySetResult();
        if (channel.ReadyState == RTCDataChannelState.Closed)
        {
            closed.TrySetResult();
        }

        return closed.Task.WaitAsync(Deadline);
    }

    [ChromiumTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_channel_closed_by_dotnet_closes_in_chromium_and_one_closed_by_chromium_closes_in_dotnet(bool dotnetOffers)
    {
        var (pc, browser, chat, remote) = await ConnectAsync(chromium, dotnetOffers);
        await using var _ = pc;
        var chatClosed = Closed(chat);

        chat.Send("bye");
        chat.Close();

        await chatClosed;
        await browser.WaitForAsync("() => remoteChannels[0].readyState === 'closed'");
        Assert.Equal(["bye"], await browser.EvaluateAsync<string[]>("() => got"));

        var remoteClosed = Closed(remote);
        await browser.EvaluateAsync("() => chat.close()");
        await remoteClosed;
        await browser.WaitForAsync("() => chat.readyState === 'closed'");

        // The association is still up: a new channel opens on a freed stream id and carries data.
        await browser.EvaluateAsync("() => { pc.ondatachannel = e => { e.channel.onmessage = m => e.channel.send('echo:' + m.data); }; }");
        var again = pc.CreateDataChannel("again");
        var reply = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        again.Message += (_, m) => reply.TrySetResult(m.Text!);
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        again.Open += (_, _) => open.TrySetResult();
        if (again.ReadyState == RTCDataChannelState.Open)
        {
            open.TrySetResult();
        }

        await open.Task.WaitAsync(Deadline);
        again.Send("ping");
        Assert.Equal("echo:ping", await reply.Task.WaitAsync(Deadline));
        Assert.Equal(chat.Id, again.Id);
    }

    [ChromiumTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Partially_reliable_channels_open_both_ways_with_their_options(bool dotnetOffers)
    {
        var (pc, browser, _, _) = await ConnectAsync(chromium, dotnetOffers);
        await using var _ = pc;
        var fromChromium = new TaskCompletionSource<IDataChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lossyText = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        pc.DataChannel += (_, e) =>
        {
            e.Channel.Message += (_, m) => lossyText.TrySetResult(m.Text!); // subscribed in the event: nothing is missed
            fromChromium.TrySetResult(e.Channel);
        };

        await browser.EvaluateAsync("""
            () => {
              window.lossy = pc.createDataChannel("lossy", { ordered: false, maxRetransmits: 0 });
              window.timedFromDotnet = null;
              pc.ondatachannel = e => { window.timedFromDotnet = e.channel; e.channel.onmessage = m => e.channel.send('echo:' + m.data); };
              lossy.onopen = () => lossy.send("unreliable hello");
            }
            """);
        var lossy = await fromChromium.Task.WaitAsync(Deadline);
        var timed = pc.CreateDataChannel("timed", new RTCDataChannelInit { MaxPacketLifeTime = TimeSpan.FromMilliseconds(500) });
        var echo = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        timed.Message += (_, m) => echo.TrySetResult(m.Text!);
        timed.Open += (_, _) => timed.Send("timed hello");

        Assert.Equal("lossy", lossy.Label);
        Assert.False(lossy.Ordered);
        Assert.Equal(0, lossy.MaxRetransmits);
        Assert.Equal("echo:timed hello", await echo.Task.WaitAsync(Deadline));
        Assert.Equal(500, await browser.EvaluateAsync<int>("() => timedFromDotnet.maxPacketLifeTime"));
        Assert.True(await browser.EvaluateAsync<bool>("() => timedFromDotnet.ordered && timedFromDotnet.maxRetransmits === null"));
        Assert.Equal("unreliable hello", await lossyText.Task.WaitAsync(Deadline)); // loopback loses nothing: it arrives
    }

    [ChromiumFact]
    public async Task Chromium_closing_its_peer_connection_closes_the_dotnet_channels()
    {
        var (pc, browser, chat, remote) = await ConnectAsync(chromium, dotnetOffers: true);
        await using var _ = pc;
        var both = Task.WhenAll(Closed(chat), Closed(remote));

        await browser.EvaluateAsync("() => pc.close()");

        await both;
    }
}
