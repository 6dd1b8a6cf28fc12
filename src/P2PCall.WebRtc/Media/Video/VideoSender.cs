using P2PCall.WebRtc.Media.Video.Vpx;

namespace P2PCall.WebRtc.Media.Video;

/// <summary>The one thing a <see cref="VideoSender"/> needs from the RTP layer; <see cref="RTCRtpSender"/> in a call.</summary>
internal interface IVideoRtpTransport
{
    /// <summary>Sends one RTP packet; false when it could not be sent.</summary>
    bool SendRtp(byte payloadType, uint timestamp, bool marker, ReadOnlySpan<byte> payload);
}

/// <summary>
/// Reads a <see cref="IVideoSource"/> at its frame rate on a <see cref="TimeProvider"/> timer, encodes VP8 and sends
/// RFC 7741 packets through an <see cref="RTCRtpSender"/>; a PLI/FIR (<see cref="RTCRtpSender.KeyFrameRequested"/>)
/// makes the next frame a keyframe. RTP timestamps use the 90 kHz video clock (RFC 7741 §4.1).
/// </summary>
public sealed class VideoSender : IDisposable
{
    private readonly IVideoSource _source;
    private readonly IVideoRtpTransport _transport;
    private readonly byte _payloadType;
    private readonly Vp8Encoder _encoder;
    private readonly Vp8Packetizer _packetizer;
    private readonly TimeProvider _time;
    private readonly RTCRtpSender? _sender;
    private readonly object _gate = new(); // the encoder, against Dispose
    private readonly Lock _pumpGate = new(); // one frame at a time, in order; held while the source is read
    private readonly uint _timestampBase;
    private readonly byte[] _packet;
    private ITimer? _timer;
    private long _startTicks;
    private long _frames;
    private int _keyframeRequested;
    private long _errors;
    private int _ticking;
    private bool _disposed;

    /// <summary>Creates a sender over a negotiated <see cref="RTCRtpSender"/>.</summary>
    /// <param name="sender">The RTP sender.</param>
    /// <param name="source">The frames to send.</param>
    /// <param name="payloadType">The negotiated VP8 payload type.</param>
    /// <param name="bitrateKbps">Target bitrate in kbit/s.</param>
    /// <param name="timeProvider">Clock for the frame timer; <see cref="TimeProvider.System"/> by default.</param>
    public VideoSender(RTCRtpSender sender, IVideoSource source, byte payloadType, int bitrateKbps = 1000, TimeProvider? timeProvider = null)
        : this(new SenderTransport(sender), source, payloadType, bitrateKbps, timeProvider)
    {
        _sender = sender;
        sender.KeyFrameRequested += OnKeyFrameRequested;
    }

    internal VideoSender(IVideoRtpTransport transport, IVideoSource source, byte payloadType, int bitrateKbps = 1000, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(source);
        _transport = transport;
        _source = source;
        _payloadType = payloadType;
        _time = timeProvider ?? TimeProvider.System;
        _encoder = new Vp8Encoder(new Vp8EncoderSettings { Width = source.Width, Height = source.Height, FrameRate = source.FrameRate, BitrateKbps = bitrateKbps });
        _packetizer = new Vp8Packetizer(1100, Random.Shared.Next(0x8000));
        _packet = new byte[_packetizer.MaxPayloadSize];
        _timestampBase = (uint)Random.Shared.Next(); // RFC 3550 §5.1: random initial timestamp
    }

    /// <summary>Frames encoded and sent.</summary>
    public long FramesSent => Interlocked.Read(ref _frames);

    /// <summary>Starts the frame timer.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _startTicks = _time.GetTimestamp();
        TimeSpan period = TimeSpan.FromSeconds(1.0 / _source.FrameRate);
        _timer ??= _time.CreateTimer(static s => ((VideoSender)s!).OnTimerTick(), this, TimeSpan.Zero, period);
    }

    /// <summary>
    /// Makes the next frame a keyframe. Never waits: a PLI arrives on the socket's receive thread, which must not stall
    /// behind a frame being read and encoded.
    /// </summary>
    public void RequestKeyFrame() => Volatile.Write(ref _keyframeRequested, 1);

    private void OnTimerTick()
    {
        // A tick that finds the previous frame still encoding is skipped, rather than parking a pool thread on our lock.
        if (Interlocked.Exchange(ref _ticking, 1) != 0)
        {
            return;
        }

        try
        {
            SendNextFrame();
        }
#pragma warning disable CA1031 // an exception escaping a timer callback would end the process
        catch (Exception e)
#pragma warning restore CA1031
        {
            LastError = e; // a failing source or encoder: counted, and the next tick tries again
            Interlocked.Increment(ref _errors);
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }

    /// <summary>Frames whose read, encode or send threw on the timer (the timer goes on); see <see cref="LastError"/>.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>The most recent exception thrown while sending a frame on the timer.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Called with each frame read from the source, outside the sender's lock (the track's local preview).</summary>
    internal Action<I420Frame>? FrameRead { get; set; }

    /// <summary>Reads, encodes and sends one frame now (the timer calls this each period).</summary>
    public void SendNextFrame()
    {
        I420Frame? frame;
        lock (_pumpGate)
        {
            if (Volatile.Read(ref _disposed))
            {
                return;
            }

            // The source is app code: read it under _pumpGate only, not under _gate, which Dispose (and so closing the
            // connection) waits for; a source that waited for a thread closing the call deadlocked.
            TimeSpan elapsed = _time.GetElapsedTime(_startTicks);
            frame = _source.ReadFrame(elapsed);
            if (frame is null)
            {
                return;
            }

            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                EncodeAndSend(frame, elapsed);
            }
        }

        FrameRead?.Invoke(frame);
    }

    private void EncodeAndSend(I420Frame frame, TimeSpan elapsed)
    {
        if (Interlocked.Exchange(ref _keyframeRequested, 0) != 0)
        {
            _encoder.ForceKeyframe();
        }

        Vp8EncodedFrame? encoded = _encoder.Encode(frame);
        if (encoded is null)
        {
            return;
        }

        uint rtpTimestamp = _timestampBase + (uint)(elapsed.Ticks * 90_000 / TimeSpan.TicksPerSecond);
        byte[] data = encoded.Value.Data;
        int count = _packetizer.GetPacketCount(data.Length);
        for (int i = 0; i < count; i++)
        {
            int length = _packetizer.WritePacket(data, i, _packet, out bool marker);
            _transport.SendRtp(_payloadType, rtpTimestamp, marker, _packet.AsSpan(0, length));
        }

        _frames++;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_sender is not null)
        {
            _sender.KeyFrameRequested -= OnKeyFrameRequested;
        }

        _timer?.Dispose();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _encoder.Dispose();
        }
    }

    private void OnKeyFrameRequested(object? sender, EventArgs e) => RequestKeyFrame();

    private sealed class SenderTransport(RTCRtpSender sender) : IVideoRtpTransport
    {
        public bool SendRtp(byte payloadType, uint timestamp, bool marker, ReadOnlySpan<byte> payload)
            => sender.SendRtp(payloadType, timestamp, marker, payload);
    }
}
