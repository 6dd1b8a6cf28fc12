using P2PCall.WebRtc.Media.Audio;
using P2PCall.WebRtc.Media.Video;
using P2PCall.WebRtc.Net;
using P2PCall.WebRtc.Tests.Net;
using P2PCall.WebRtc.Tests.PeerConnection;
using Xunit.Abstractions;

namespace P2PCall.WebRtc.Tests.Media;

/// <summary>
/// A .NET-to-.NET call (ICE, DTLS, SRTP) over the simulated network that loses 5 % of the datagrams each way once
/// media flows: video is repaired by NACK retransmission (RFC 4585 §6.2.1) and keeps decoding; audio keeps flowing
/// with the losses concealed.
/// </summary>
public sealed class MediaUnderLossTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Under_5_percent_loss_video_is_repaired_by_nack_and_audio_is_concealed()
    {
        using var network = new SimulatedNetwork(TimeProvider.System, seed: 5);
        var hostA = network.AddHost("a", SimulatedTestNetwork.AddressA);
        var hostB = network.AddHost("b", SimulatedTestNetwork.AddressB);
        var clean = new LinkConditions { Delay = TimeSpan.FromMilliseconds(5) };
        network.SetLinkBothWays(hostA, hostB, clean);
        await using var pair = new PeerPair(hostA, hostB);
        var camera = new LocalVideoTrack(new TestPatternVideoSource(320, 240, 30));
        var videoSender = (RTCRtpSender)pair.A.AddTrack(camera);
        pair.A.AddTrack(new LocalAudioTrack(new ToneAudioSource(440)));
        pair.B.AddTrack(new TestTrack(MediaKind.Audio));
        pair.B.AddTrack(new TestTrack(MediaKind.Video));
        long previews = 0;
        camera.FrameCaptured += (_, _) => Interlocked.Increment(ref previews);
        var connected = Task.WhenAll(
            PeerPair.WaitForStateAsync(pair.A, s => s == RTCPeerConnectionState.Connected),
            PeerPair.WaitForStateAsync(pair.B, s => s == RTCPeerConnectionState.Connected));
        await pair.NegotiateAsync();
        await connected;
        var (audioAtB, videoAtB) = await pair.RemoteTracksAsync(atA: false);

        using var video = pair.B.CreateVideoReceiver(videoAtB);
        using var audio = pair.B.CreateAudioReceiver(audioAtB);
        var counters = new List<int>();
        var lossy = 0;
        var videoDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        video.FrameDecoded += (_, frame) =>
        {
            Assert.True(TestPattern.TryReadCounter(frame, out var counter));
            lock (counters)
            {
                counters.Add(counter);
                if (Volatile.Read(ref lossy) != 0 && counters.Count >= 150 && videoSender.RetransmittedPacketsSent >= 5)
                {
                    videoDone.TrySetResult();
                }
            }
        };
        var audioDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        audio.FrameReceived += (_, _) =>
        {
            var s = audio.Statistics;
            if (Volatile.Read(ref lossy) != 0 && s.ConcealedFrames + s.FecRecovered >= 3 && s.FramesDecoded >= 100)
            {
                audioDone.TrySetResult();
            }
        };

        network.SetLinkBothWays(hostA, hostB, clean with { LossProbability = 0.05 });
        Volatile.Write(ref lossy, 1);
        await Task.WhenAll(videoDone.Task, audioDone.Task).WaitAsync(Deadline);

        int[] seen;
        lock (counters)
        {
            seen = [.. counters];
        }

        var a = audio.Statistics;
        output.WriteLine($"lost {network.Statistics.Lost}; video: decoded {video.FramesDecoded}, dropped {video.FramesDropped}, PLI {video.KeyFramesRequested}, " +
            $"NACKs sent {videoAtB.NackCount}, recovered {videoAtB.PacketsRecovered}, abandoned {videoAtB.PacketsAbandoned}, " +
            $"NACKs received {videoSender.NackCount}, retransmitted {videoSender.RetransmittedPacketsSent}; " +
            $"audio: decoded {a.FramesDecoded}, concealed {a.ConcealedFrames}, FEC {a.FecRecovered}");
        Assert.True(network.Statistics.Lost > 0);
        for (var i = 1; i < seen.Length; i++)
        {
            Assert.True(seen[i] > seen[i - 1], $"frame counter went from {seen[i - 1]} to {seen[i]}");
        }

        Assert.True(seen[^1] - seen[0] >= 149);
        Assert.True(videoAtB.NackCount > 0);
        Assert.True(videoAtB.PacketsRecovered > 0);
        Assert.True(videoSender.NackCount > 0);
        Assert.True(videoSender.RetransmittedPacketsSent >= 5);
        // The preview is raised after a frame is sent, so the newest decoded frame may still be ahead of it.
        Assert.True(Interlocked.Read(ref previews) >= seen.Length - 1, $"{previews} previews for {seen.Length} decoded frames");
        Assert.True(a.ConcealedFrames + a.FecRecovered >= 3);
        Assert.True(pair.A.GetStats().Outbound.Single(o => o.Kind == MediaKind.Video).RetransmittedPacketsSent >= 5);
        Assert.True(pair.B.GetStats().Inbound.Single(i => i.Kind == MediaKind.Video).NackCount > 0);
    }
}
