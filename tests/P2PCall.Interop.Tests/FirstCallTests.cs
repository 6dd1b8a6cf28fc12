using P2PCall.WebRtc;

namespace P2PCall.Interop.Tests;

/// <summary>
/// The first real call: our RTCPeerConnection and a headless Chromium 156 with fake devices connect over
/// loopback (ICE, DTLS, SRTP), both ways round; each side authenticates the other's SRTP.
/// </summary>
public sealed class FirstCallTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    // An Opus frame of silence (RFC 6716 §3.1: TOC 0xF8 = CELT FB 20 ms, mono, one frame) that any decoder accepts.
    private static readonly byte[] OpusSilence = [0xF8, 0xFF, 0xFE];

    private sealed class LocalTrack(MediaKind kind) : IMediaStreamTrack
    {
        public string Id { get; } = Guid.NewGuid().ToString();
        public MediaKind Kind { get; } = kind;
        public string Label => "dotnet " + Kind;
        public bool Enabled { get; set; } = true;
        public MediaStreamTrackState ReadyState => MediaStreamTrackState.Live;
        public event EventHandler? Ended;

        public void Stop() => Ended?.Invoke(this, EventArgs.Empty);
    }

    private static (RTCPeerConnection Pc, RTCRtpSender Audio, Dictionary<MediaKind, long> Received, TaskCompletionSource Connected) NewDotnetPeer()
    {
        var pc = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = true });
        var audio = (RTCRtpSender)pc.AddTrack(new LocalTrack(MediaKind.Audio));
        pc.AddTrack(new LocalTrack(MediaKind.Video));
        var received = new Dictionary<MediaKind, long> { [MediaKind.Audio] = 0, [MediaKind.Video] = 0 };
        pc.Track += (_, e) => ((RemoteMediaStreamTrack)e.Track).RtpReceived += (_, _) =>
        {
            lock (received)
            {
                received[e.Track.Kind]++;
            }
        };
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pc.ConnectionStateChange += (_, _) =>
        {
            if (pc.ConnectionState == RTCPeerConnectionState.Connected)
            {
                connected.TrySetResult();
            }
            else if (pc.ConnectionState == RTCPeerConnectionState.Failed)
            {
                connected.TrySetException(new InvalidOperationException("failed: " + pc.FailureReason));
            }
        };
        return (pc, audio, received, connected);
    }

    private static async Task ExchangeMediaAsync(BrowserPeer browser, RTCRtpSender audio, Dictionary<MediaKind, long> received)
    {
        var payloadType = audio.Codecs.First(c => c.MimeType == "audio/opus").PayloadType;
        uint timestamp = 0;
        var deadline = TimeProvider.System.GetTimestamp();
        while (true)
        {
            for (var i = 0; i < 5; i++)
            {
                audio.SendRtp(payloadType, timestamp += 960, marker: false, OpusSilence);
            }

            long gotAudio, gotVideo;
            lock (received)
            {
                gotAudio = received[MediaKind.Audio];
                gotVideo = received[MediaKind.Video];
            }

            var chromiumGot = await browser.InboundAsync("audio", "packetsReceived");
            if (gotAudio > 10 && gotVideo > 10 && chromiumGot > 10)
            {
                return;
            }

            Assert.True(TimeProvider.System.GetElapsedTime(deadline) < TimeSpan.FromSeconds(30),
                $"media did not flow: .NET got audio {gotAudio} video {gotVideo}, Chromium got {chromiumGot}");
            await Task.Delay(100);
        }
    }

    [ChromiumFact]
    public async Task Dotnet_offers_chromium_answers_and_srtp_flows_both_ways()
    {
        var (pc, audio, received, connected) = NewDotnetPeer();
        await using var _ = pc;
        var browser = await BrowserPeer.CreateAsync(chromium, pc);

        await browser.DotnetOffersAsync(pc);

        await connected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await browser.WaitForAsync("() => pc.connectionState === 'connected'");
        await ExchangeMediaAsync(browser, audio, received);
        Assert.True(pc.SrtpPacketsDropped == 0, pc.SrtpDropSummary);
    }

    [ChromiumFact]
    public async Task Chromium_offers_dotnet_answers_and_srtp_flows_both_ways()
    {
        var (pc, audio, received, connected) = NewDotnetPeer();
        await using var _ = pc;
        var browser = await BrowserPeer.CreateAsync(chromium, pc);

        await browser.ChromiumOffersAsync(pc);

        await connected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await browser.WaitForAsync("() => pc.connectionState === 'connected'");
        await ExchangeMediaAsync(browser, audio, received);
        Assert.True(pc.SrtpPacketsDropped == 0, pc.SrtpDropSummary);
    }
}
