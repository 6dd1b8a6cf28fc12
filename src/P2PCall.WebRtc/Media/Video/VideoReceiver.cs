using System.Runtime.CompilerServices;
using System.Threading.Channels;
using P2PCall.WebRtc.Media.Video.Vpx;

namespace P2PCall.WebRtc.Media.Video;

/// <summary>Settings of a <see cref="VideoReceiver"/>.</summary>
public sealed class VideoReceiverOptions
{
    /// <summary>Frames kept for <see cref="VideoReceiver.ReadFramesAsync"/> before the oldest are dropped. Default 8.</summary>
    public int FrameQueueCapacity { get; init; } = 8;

    /// <summary>How long (media time) a missing packet is waited for, for a NACK retransmission, before its frame is dropped. Default 300 ms.</summary>
    public TimeSpan MaxPacketWait { get; init; } = TimeSpan.FromMilliseconds(300);
}

/// <summary>
/// Turns RTP packets of one VP8 stream into decoded <see cref="I420Frame"/>s: RFC 7741 depacketizing (waiting a
/// bounded time for packets repaired by NACK), libvpx decoding, and a keyframe request (through the callback given,
/// e.g. <see cref="RTCPeerConnection.RequestKeyFrame"/>) when a frame is lost or cannot be decoded, until the next
/// keyframe arrives. Feed it from one thread (the network thread); <see cref="FrameDecoded"/> is raised on that
/// thread, after the receiver's lock is released (a handler may dispose the receiver or block without holding it). <see cref="RTCPeerConnection.CreateVideoReceiver"/> wires one to a remote track.
/// </summary>
public sealed class VideoReceiver : IDisposable
{
    private readonly Vp8Depacketizer _depacketizer;
    private readonly Vp8Decoder _decoder = new();
    private readonly Lock _receiveGate = new(); // one packet at a time; Dispose waits for the one in progress
    private readonly Action _requestKeyFrame;
    private readonly Channel<I420Frame> _frames;
    private readonly RemoteMediaStreamTrack? _track;
    private readonly List<I420Frame> _ready = []; // decoded under the lock, raised after it
    private bool _keyframeRequestPending; // noted under the lock, requested after it
    private const int KeyframeRequestEvery = 15;
    private bool _needKeyframe = true;
    private int _framesWaitingForKeyframe;
    private long _dropsSeen;
    private long _queueDrops;
    private int _streaming;
    private int _disposed;

    /// <summary>Creates a receiver fed by hand through <see cref="OnRtpPacket"/>.</summary>
    /// <param name="requestKeyFrame">Called when a keyframe is needed (sends a PLI in a call).</param>
    /// <param name="options">Settings; defaults when null.</param>
    public VideoReceiver(Action requestKeyFrame, VideoReceiverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(requestKeyFrame);
        options ??= new VideoReceiverOptions();
        _requestKeyFrame = requestKeyFrame;
        _depacketizer = new Vp8Depacketizer(options.MaxPacketWait);
        _frames = Channel.CreateBounded<I420Frame>(
            new BoundedChannelOptions(Math.Max(1, options.FrameQueueCapacity)) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true },
            _ => Interlocked.Increment(ref _queueDrops));
    }

    /// <summary>Creates a receiver that takes the packets of a remote video track until disposed.</summary>
    /// <param name="track">The remote track.</param>
    /// <param name="requestKeyFrame">Called when a keyframe is needed.</param>
    /// <param name="options">Settings; defaults when null.</param>
    public VideoReceiver(RemoteMediaStreamTrack track, Action requestKeyFrame, VideoReceiverOptions? options = null)
        : this(requestKeyFrame, options)
    {
        ArgumentNullException.ThrowIfNull(track);
        _track = track;
        track.RtpReceived += OnRtpPacket;
    }

    /// <summary>
    /// Raised with each decoded frame, on the thread that called <see cref="OnRtpPacket"/>, outside the receiver's lock;
    /// the frame belongs to the handler. The next packet is not read while a handler runs: keep handlers short.
    /// </summary>
    public event EventHandler<I420Frame>? FrameDecoded;

    /// <summary>Frames decoded.</summary>
    public long FramesDecoded { get; private set; }

    /// <summary>Frames dropped: incomplete, undecodable, or waiting for a keyframe.</summary>
    public long FramesDropped { get; private set; }

    /// <summary>Keyframe requests made.</summary>
    public long KeyFramesRequested { get; private set; }

    /// <summary>Decoded frames dropped from the <see cref="ReadFramesAsync"/> queue because the reader lagged.</summary>
    public long FramesDroppedFromQueue => Interlocked.Read(ref _queueDrops);

    /// <summary>
    /// The decoded frames as an async stream. Frames are queued from this call on; the queue is bounded and drops
    /// the oldest frame when the reader lags (counted in <see cref="FramesDroppedFromQueue"/>). Ends when the receiver is
    /// disposed. One reader at a time.
    /// </summary>
    /// <param name="cancellationToken">Ends the enumeration.</param>
    public IAsyncEnumerable<I420Frame> ReadFramesAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Exchange(ref _streaming, 1);
        return ReadQueuedAsync(cancellationToken);
    }

    private async IAsyncEnumerable<I420Frame> ReadQueuedAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var frame in _frames.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return frame;
        }
    }

    /// <summary>Feeds one RTP packet (matches <see cref="RtpPayloadHandler"/>, so it can subscribe to <see cref="RemoteMediaStreamTrack.RtpReceived"/>).</summary>
    /// <param name="info">The RTP header fields.</param>
    /// <param name="payload">The RTP payload.</param>
    public void OnRtpPacket(RtpPacketInfo info, ReadOnlySpan<byte> payload)
    {
        I420Frame[]? ready = null;
        bool requestKeyframe;
        lock (_receiveGate)
        {
            if (_disposed != 0)
            {
                return;
            }

            ReceiveLocked(info, payload);
            if (_ready.Count > 0)
            {
                ready = [.. _ready];
                _ready.Clear();
            }

            requestKeyframe = _keyframeRequestPending;
            _keyframeRequestPending = false;
        }

        if (requestKeyframe)
        {
            _requestKeyFrame(); // app code too (the public constructors take it): outside the lock
        }

        if (ready is null || FrameDecoded is not { } handler)
        {
            return;
        }

        // User code never runs under our lock (a handler that waited on a thread feeding or disposing us deadlocked).
        foreach (var frame in ready)
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                return; // a handler disposed the receiver
            }

            handler(this, frame);
        }
    }

    private void ReceiveLocked(RtpPacketInfo info, ReadOnlySpan<byte> payload)
    {
        bool complete = _depacketizer.Push(info.SequenceNumber, info.Timestamp, info.Marker, payload, out Vp8AssembledFrame assembled);
        while (complete)
        {
            OnFrame(assembled);
            complete = _depacketizer.TryReadFrame(out assembled);
        }

        if (_depacketizer.DroppedFrames != _dropsSeen)
        {
            FramesDropped += _depacketizer.DroppedFrames - _dropsSeen;
            _dropsSeen = _depacketizer.DroppedFrames;
        }
    }

    /// <summary>Detaches from the track, frees the decoder and ends <see cref="ReadFramesAsync"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_track is not null)
        {
            _track.RtpReceived -= OnRtpPacket;
        }

        _frames.Writer.TryComplete();
        lock (_receiveGate)
        {
            // A packet being depacketized or decoded on the socket thread finishes first: the native decoder and
            // the pooled depacketizer slots are never freed under it (a SIGSEGV in vpx_codec_decode before).
            _decoder.Dispose();
            _depacketizer.Dispose();
        }
    }

    private void OnFrame(in Vp8AssembledFrame assembled)
    {
        if (assembled.AfterGap && !assembled.IsKeyframe && !_needKeyframe)
        {
            NeedKeyframe(); // packets were given up on: later interframes reference what was lost
        }

        if (_needKeyframe && !assembled.IsKeyframe)
        {
            // Joined mid-stream or the request was lost: ask on the first frame that cannot be used, then every 15th.
            if (_framesWaitingForKeyframe++ % KeyframeRequestEvery == 0)
            {
                KeyFramesRequested++;
                _keyframeRequestPending = true;
            }

            FramesDropped++;
            return;
        }

        _framesWaitingForKeyframe = 0;

        TimeSpan ts = TimeSpan.FromTicks(assembled.RtpTimestamp * TimeSpan.TicksPerSecond / 90_000);
        if (!_decoder.TryDecode(assembled.Data.Span, ts, out I420Frame? frame))
        {
            FramesDropped++;
            NeedKeyframe();
            return;
        }

        _needKeyframe = false;
        if (frame is not null)
        {
            FramesDecoded++;
            if (Volatile.Read(ref _streaming) != 0)
            {
                _frames.Writer.TryWrite(frame);
            }

            _ready.Add(frame);
        }
    }

    private void NeedKeyframe()
    {
        _needKeyframe = true;
        _framesWaitingForKeyframe = 1; // this request counts as the first
        KeyFramesRequested++;
        _keyframeRequestPending = true;
    }
}
