using P2PCall.WebRtc;

namespace P2PCall.Interop.Tests;

/// <summary>The seed's "chat" data channels between .NET and Chromium 156, both ways round, over SCTP/DTLS.</summary>
public sealed class DataChannelInteropTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [ChromiumTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Chat_flows_both_ways_on_both_channels(bool dotnetOffers)
    {
        await using var pc = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = true });
        var chat = pc.CreateDataChannel("chat");
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        chat.Open += (_, _) => opened.TrySetResult();
        var fromChromium = new TaskCompletionSource<IDataChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new List<string>();
        var gotText = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gotBinary = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pc.DataChannel += (_, e) =>
        {
            fromChromium.TrySetResult(e.Channel);
            e.Channel.Message += (_, m) =>
            {
                lock (received)
                {
                    received.Add(m.IsBinary ? "bin:" + m.Data.Length : m.Text!);
                }

                (m.IsBinary ? gotBinary : gotText).TrySetResult();
            };
        };
        var browser = await BrowserPeer.CreateAsync(chromium, pc);

        await (dotnetOffers ? browser.DotnetOffersAsync(pc) : browser.ChromiumOffersAsync(pc));
        await opened.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var remote = await fromChromium.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await browser.WaitForAsync("() => chat.readyState === 'open' && remoteChannels.length === 1");

        chat.Send("hello from .NET");
        chat.Send(new byte[256 * 1024]);
        await browser.EvaluateAsync("() => { chat.send('hello from Chromium'); chat.send(new Uint8Array(256 * 1024)); }");
        await gotText.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await gotBinary.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await browser.WaitForAsync("() => got.length >= 2");

        Assert.Equal("chat", remote.Label);
        Assert.Equal(["hello from .NET", "bin:262144"], await browser.EvaluateAsync<string[]>("() => got"));
        lock (received)
        {
            Assert.Equal(["hello from Chromium", "bin:262144"], received);
        }
    }
}
