using P2PCall.WebRtc;
using P2PCall.WebRtc.Media.Video;

namespace P2PCall.Interop.Tests;

/// <summary>VP8 from .NET to Chromium 156: its decoder counts our frames at our resolution.</summary>
public sealed class VideoInteropTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [ChromiumFact]
    public async Task Chromium_decodes_our_vp8_test_pattern()
    {
        await using var pc = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = true });
        pc.AddTrack(new LocalVideoTrack(new TestPatternVideoSource(640, 480, 30)));
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pc.ConnectionStateChange += (_, _) =>
        {
            if (pc.ConnectionState == RTCPeerConnectionState.Connected)
            {
                connected.TrySetResult();
            }
        };
        var browser = await BrowserPeer.CreateAsync(chromium, pc);

        await browser.DotnetOffersAsync(pc);
        await connected.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var decoded = await browser.WaitForInboundAsync("video", "framesDecoded", 10);
        var width = await browser.InboundAsync("video", "frameWidth");

        Assert.True(decoded > 10);
        Assert.Equal(640, width);
    }
}
