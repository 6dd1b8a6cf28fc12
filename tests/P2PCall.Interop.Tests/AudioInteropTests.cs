using P2PCall.WebRtc;
using P2PCall.WebRtc.Media.Audio;

namespace P2PCall.Interop.Tests;

/// <summary>Real Opus both ways with Chromium 156: we decode its fake microphone; it decodes our Opus tone.</summary>
public sealed class AudioInteropTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [ChromiumTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task We_decode_chromiums_microphone_and_chromium_decodes_our_opus_tone(bool dotnetOffers)
    {
        await using var pc = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = true });
        var sender = (RTCRtpSender)pc.AddTrack(new LocalAudioTrack(new ToneAudioSource(440)));
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pc.ConnectionStateChange += (_, _) =>
        {
            if (pc.ConnectionState == RTCPeerConnectionState.Connected)
            {
                connected.TrySetResult();
            }
        };
        var remoteAudio = new TaskCompletionSource<RemoteMediaStreamTrack>(TaskCreationOptions.RunContinuationsAsynchronously);
        pc.Track += (_, e) =>
        {
            if (e.Track.Kind == MediaKind.Audio)
            {
                remoteAudio.TrySetResult((RemoteMediaStreamTrack)e.Track);
            }
        };
        var browser = await BrowserPeer.CreateAsync(chromium, pc);

        await (dotnetOffers ? browser.DotnetOffersAsync(pc) : browser.ChromiumOffersAsync(pc));
        await connected.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var track = await remoteAudio.Task.WaitAsync(TimeSpan.FromSeconds(30));
        using var receiver = new AudioReceiver(track, sender.Codecs);
        double loudest = 0;
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.FrameReceived += (_, frame) =>
        {
            double sum = 0;
            foreach (var s in frame.Samples.Span)
            {
                sum += (double)s * s;
            }

            var rms = Math.Sqrt(sum / Math.Max(1, frame.Samples.Length));
            loudest = Math.Max(loudest, rms);
            if (rms > 300)
            {
                heard.TrySetResult();
            }
        };

        // Chromium's fake microphone beeps: we decode it and hear it.
        await heard.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // Chromium parses our Opus: it counts our packets and finds the in-band FEC (LBRR) our encoder adds.
        var fec = await browser.WaitForInboundAsync("audio", "fecPacketsReceived", 0);
        Assert.True(loudest > 300);
        Assert.True(fec > 0);
        Assert.True(await browser.WaitForInboundAsync("audio", "packetsReceived", 50) > 50);

        // Chromium decodes it: played in an <audio> element (headless Chromium pulls its jitter buffer only for
        // such a sink), the decoded PCM read back in the page is our 440 Hz tone, and getStats agrees.
        await browser.PlayRemoteAudioAsync();
        var decoded = await BrowserAudioAssert.HearsToneAsync(() => browser.MeasureRemoteAudioAsync());
        Assert.Equal(48_000, decoded.SampleRate);
        await BrowserAudioAssert.StatsShowDecodingAsync(browser.AudioStatsAsync);
    }
}
