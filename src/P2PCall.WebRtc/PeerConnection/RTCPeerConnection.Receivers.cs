using P2PCall.WebRtc.Jsep;
using P2PCall.WebRtc.Media.Audio;
using P2PCall.WebRtc.Media.Video;

namespace P2PCall.WebRtc;

/// <summary>Decoded media from remote tracks: receivers wired to the track, its negotiated codecs and keyframe requests.</summary>
public sealed partial class RTCPeerConnection
{
    /// <summary>
    /// Decodes a remote VP8 track: frames as <see cref="VideoReceiver.FrameDecoded"/> or
    /// <see cref="VideoReceiver.ReadFramesAsync"/>; lost frames ask the sender for a keyframe (PLI, RFC 4585 §6.3.1).
    /// Dispose the receiver to stop.
    /// </summary>
    /// <param name="track">A remote video track of this connection (from <see cref="IPeerConnection.Track"/>).</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <returns>The receiver, already taking the track's packets.</returns>
    public VideoReceiver CreateVideoReceiver(RemoteMediaStreamTrack track, VideoReceiverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(track);
        if (track.Kind != MediaKind.Video)
        {
            throw new ArgumentException("Not a video track.", nameof(track));
        }

        return new VideoReceiver(track, () => RequestKeyFrame(track), options);
    }

    /// <summary>
    /// Decodes a remote audio track with the codecs negotiated for it: 20 ms PCM frames as
    /// <see cref="AudioReceiver.FrameReceived"/> or <see cref="AudioReceiver.ReadFramesAsync"/>, loss concealed.
    /// Dispose the receiver to stop.
    /// </summary>
    /// <param name="track">A remote audio track of this connection.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <returns>The receiver, already taking the track's packets and playing out on the connection's clock.</returns>
    public AudioReceiver CreateAudioReceiver(RemoteMediaStreamTrack track, AudioReceiverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(track);
        if (track.Kind != MediaKind.Audio)
        {
            throw new ArgumentException("Not an audio track.", nameof(track));
        }

        JsepTransceiver? transceiver = null;
        lock (_gate)
        {
            foreach (var (t, remote) in _remoteTracks)
            {
                if (ReferenceEquals(remote, track))
                {
                    transceiver = t;
                    break;
                }
            }
        }

        var kind = "audio/";
        var codecs = transceiver?.NegotiatedCodecs
            .Select(c => new RTCRtpCodecParameters(c.PayloadType, kind + c.Name, c.ClockRate, c.Channels, c.Fmtp))
            .ToList();
        return new AudioReceiver(track, codecs, options, _time);
    }
}
