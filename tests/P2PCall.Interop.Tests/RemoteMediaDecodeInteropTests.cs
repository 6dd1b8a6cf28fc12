using P2PCall.WebRtc;
using P2PCall.WebRtc.Media.Audio;
using P2PCall.WebRtc.Media.Video;

namespace P2PCall.Interop.Tests;

/// <summary>
/// Chromium 156's fake camera (VP8, 640×480) and fake microphone (Opus) decoded by .NET and read through the
/// receivers' async streams, as an app would render them.
/// </summary>
public sealed class RemoteMediaDecodeInteropTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const int FramesWanted = 30;
    private const double AudibleRms = 300;

    [ChromiumFact]
    public async Task We_decode_chromiums_vp8_camera_and_opus_microphone_from_the_async_streams()
    {
        await using var pc = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = true });
        pc.AddTrack(new LocalAudioTrack(new ToneAudioSource(440)));
        pc.AddTrack(new LocalVideoTrack(new TestPatternVideoSource(320, 240, 15)));
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pc.ConnectionStateChange += (_, _) =>
        {
            if (pc.ConnectionState == RTCPeerConnectionState.Connected)
            {
                connected.TrySetResult();
            }
        };
        var remoteAudio = new TaskCompletionSource<RemoteMediaStreamTrack>(TaskCreationOptions.RunContinuationsAsynchronously);
        var remoteVideo = new TaskCompletionSource<RemoteMediaStreamTrack>(TaskCreationOptions.RunContinuationsAsynchronously);
        pc.Track += (_, e) => (e.Track.Kind == MediaKind.Audio ? remoteAudio : remoteVideo).TrySetResult((RemoteMediaStreamTrack)e.Track);
        var browser = await BrowserPeer.CreateAsync(chromium, pc);

        await browser.DotnetOffersAsync(pc);
        await connected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        using var video = pc.CreateVideoReceiver(await remoteVideo.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        using var audio = pc.CreateAudioReceiver(await remoteAudio.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(45));

        var sizes = new List<(int Width, int Height)>();
        var loudest = 0.0;
        var reading = Task.WhenAll(
            Task.Run(async () =>
            {
                await foreach (var frame in video.ReadFramesAsync(deadline.Token))
                {
                    sizes.Add((frame.Width, frame.Height));
                    if (sizes.Count >= FramesWanted)
                    {
                        return;
                    }
                }
            }),
            Task.Run(async () =>
            {
                await foreach (var frame in audio.ReadFramesAsync(deadline.Token))
                {
                    loudest = Math.Max(loudest, Rms(frame.Samples.Span));
                    if (loudest > AudibleRms)
                    {
                        return;
                    }
                }
            }));
        try
        {
            await reading;
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"in 45 s: {sizes.Count} video frames (decoded {video.FramesDecoded}, dropped {video.FramesDropped}), loudest audio RMS {loudest:F0}");
        }

        Assert.True(sizes.Count >= FramesWanted);
        Assert.All(sizes, s => Assert.Equal((640, 480), s));
        Assert.True(loudest > AudibleRms, $"Chromium's microphone is silent at RMS {loudest:F0}");
        Assert.True(video.FramesDecoded >= FramesWanted);
    }

    private static double Rms(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            sum += (double)s * s;
        }

        return Math.Sqrt(sum / Math.Max(1, samples.Length));
    }
}
