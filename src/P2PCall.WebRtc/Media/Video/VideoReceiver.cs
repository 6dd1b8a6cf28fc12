using P2PCall.WebRtc.Media.Video.Vpx;

namespace P2PCall.WebRtc.Media.Video;

/// <summary>
/// Turns RTP packets of one VP8 stream into decoded <see cref="I420Frame"/>s: RFC 7741 depacketizing, libvpx decoding,
/// and a keyframe request (through the callback given, e.g. <see cref="RTCPeerConnection.RequestKeyFrame"/>) when a frame
/// is lost or cannot be decoded, until the next keyframe arrives. Feed it from one thread (the network thread);
/// <see cref="FrameDecoded"/> is raised on that thread.
/// </summary>
public sealed class VideoReceiver : IDisposable
{
    private readonly Vp8Depacketizer _depacketizer = new();
    private readonly Vp8Decoder _decoder = new();
    private readonly Action _requestKeyFrame;
    private bool _needKeyframe = true;
    private long _dropsSeen;
    private bool _disposed;

    /// <summary>Creates a receiver.</summary>
    /// <param name="requestKeyFrame">Called when a keyframe is needed (sends a PLI in a call).</param>
    public VideoReceiver(Action requestKeyFrame)
    {
        ArgumentNullException.ThrowIfNull(requestKeyFrame);
        _requestKeyFrame = requestKeyFrame;
    }

    /// <summary>Raised with each decoded frame, on the thread that called <see cref="OnRtpPacket"/>.</summary>
    public event EventHandler<I420Frame>? FrameDecoded;

    /// <summary>Frames decoded.</summary>
    public long FramesDecoded { get; private set; }

    /// <summary>Frames dropped: incomplete, undecodable, or waiting for a keyframe.</summary>
    public long FramesDropped { get; private set; }

    /// <summary>Keyframe requests made.</summary>
    public long KeyFramesRequested { get; private set; }

    /// <summary>Feeds one RTP packet (matches <see cref="RtpPayloadHandler"/>, so it can subscribe to <see cref="RemoteMediaStreamTrack.RtpReceived"/>).</summary>
    /// <param name="info">The RTP header fields.</param>
    /// <param name="payload">The RTP payload.</param>
    public void OnRtpPacket(RtpPacketInfo info, ReadOnlySpan<byte> payload)
    {
        if (_disposed)
        {
            return;
        }

        bool complete = _depacketizer.Push(info.SequenceNumber, info.Timestamp, info.Marker, payload, out Vp8AssembledFrame assembled);
        if (_depacketizer.DroppedFrames != _dropsSeen)
        {
            FramesDropped += _depacketizer.DroppedFrames - _dropsSeen;
            _dropsSeen = _depacketizer.DroppedFrames;
            NeedKeyframe(); // a gap: later interframes reference what was lost
        }

        if (!complete)
        {
            return;
        }

        if (assembled.AfterGap && !assembled.IsKeyframe && !_needKeyframe)
        {
            NeedKeyframe(); // RTP sequence gap between frames: a whole frame was lost
        }

        if (_needKeyframe && !assembled.IsKeyframe)
        {
            FramesDropped++;
            return;
        }

        TimeSpan ts = TimeSpan.FromTicks(assembled.RtpTimestamp * TimeSpan.TicksPerSecond / 90_000);
        if (!_decoder.TryDecode(assembled.Data, ts, out I420Frame? frame))
        {
            FramesDropped++;
            NeedKeyframe();
            return;
        }

        _needKeyframe = false;
        if (frame is not null)
        {
            FramesDecoded++;
            FrameDecoded?.Invoke(this, frame);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _decoder.Dispose();
    }

    private void NeedKeyframe()
    {
        _needKeyframe = true;
        KeyFramesRequested++;
        _requestKeyFrame();
    }
}
