using P2PCall.WebRtc.Media.Audio;
using P2PCall.WebRtc.Tests.PeerConnection;

namespace P2PCall.WebRtc.Tests.Media.Audio;

/// <summary>The audio layer on a real call: two RTCPeerConnections over loopback UDP (ICE, DTLS, SRTP), real time.</summary>
public class AudioCallTests
{
    [Fact]
    public async Task A_local_audio_track_sends_by_itself_once_connected_and_is_heard_at_440_Hz()
    {
        await using var pair = new PeerPair();
        var trackA = new LocalAudioTrack(new ToneAudioSource(440), "tone");
        pair.A.AddTrack(trackA); // no AudioSender by hand: the connection starts one, as a browser does
        var senderB = (RTCRtpSender)pair.B.AddTrack(new LocalAudioTrack(new SilenceAudioSource()));
        pair.A.AddTrack(new TestTrack(MediaKind.Video));
        pair.B.AddTrack(new TestTrack(MediaKind.Video));
        var connectedA = PeerPair.WaitForStateAsync(pair.A, s => s == RTCPeerConnectionState.Connected);
        var connectedB = PeerPair.WaitForStateAsync(pair.B, s => s == RTCPeerConnectionState.Connected);
        await pair.NegotiateAsync();
        await Task.WhenAll(connectedA, connectedB);
        var (audioAtB, _) = await pair.RemoteTracksAsync(atA: false);

        var frames = new List<AudioFrame>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var receiver = new AudioReceiver(audioAtB, senderB.Codecs);
        receiver.FrameReceived += (_, f) =>
        {
            lock (frames)
            {
                frames.Add(f);
                if (frames.Count >= 40)
                {
                    enough.TrySetResult();
                }
            }
        };
        await enough.Task.WaitAsync(PeerPair.Deadline);

        Assert.Equal("audio/opus", senderB.Codecs[0].MimeType);
        short[] samples;
        lock (frames)
        {
            samples = AudioTestKit.Concat(frames.Skip(10).Take(30));
        }

        Assert.InRange(AudioTestKit.DominantFrequency(samples, 48_000), 435, 445);
        Assert.True(AudioTestKit.Rms(samples) > 2000, "the received audio is not silent");
    }
}
