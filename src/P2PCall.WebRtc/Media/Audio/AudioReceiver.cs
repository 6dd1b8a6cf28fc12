using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace P2PCall.WebRtc.Media.Audio;

/// <summary>Settings of an <see cref="AudioReceiver"/>.</summary>
public sealed class AudioReceiverOptions
{
    /// <summary>Jitter buffer delays.</summary>
    public AudioJitterBufferOptions JitterBuffer { get; init; } = new();

    /// <summary>Decoder settings.</summary>
    public AudioDecoderOptions Decoder { get; init; } = new();

    /// <summary>A sink that receives every decoded frame (for example a <see cref="WavAudioWriter"/>), or null.</summary>
    public IAudioSink? Sink { get; init; }

    /// <summary>Frames kept for <see cref="AudioReceiver.ReadFramesAsync"/> before the oldest are dropped. Default 50 (1 s).</summary>
    public int FrameQueueCapacity { get; init; } = 50;
}

/// <summary>Counters of an <see cref="AudioReceiver"/>.</summary>
/// <param name="FramesDecoded">Frames decoded from their own packet.</param>
/// <param name="ConcealedFrames">Lost frames filled by packet loss concealment.</param>
/// <param name="FecRecovered">Lost frames rebuilt from the next packet's in-band FEC.</param>
/// <param name="DecodeErrors">Packets the decoder rejected (replaced by concealment).</param>
/// <param name="UnknownPayloadType">Packets dropped because their payload type was not negotiated audio.</param>
/// <param name="HandlerErrors">Exceptions thrown by the sink or a <see cref="AudioReceiver.FrameReceived"/> handler (caught and counted).</param>
/// <param name="JitterBuffer">The jitter buffer's counters (late, duplicate, lost, dropped, buffered).</param>
public readonly record struct AudioReceiverStatistics(
    long FramesDecoded, long ConcealedFrames, long FecRecovered, long DecodeErrors, long UnknownPayloadType, long HandlerErrors, AudioJitterBufferStatistics JitterBuffer);

/// <summary>
/// The audio receive path: RTP packets of a <see cref="RemoteMediaStreamTrack"/> go into a jitter buffer;
/// every 20 ms (on the injected <see cref="TimeProvider"/>) one frame is taken out, decoded or concealed,
/// and delivered to <see cref="FrameReceived"/>, <see cref="ReadFramesAsync"/> and the optional sink. Playout
/// starts <see cref="AudioJitterBufferOptions.StartDelay"/> after the first packet arrives and keeps that phase; after a
/// silence long enough to stop playout (<see cref="AudioJitterBufferOptions.MaxConsecutiveUnderruns"/>), the next
/// packet starts it again the same way.
/// </summary>
public sealed class AudioReceiver : IDisposable, IAsyncDisposable, IMediaClockTarget
{
    private static readonly long FrameTicks = TimeSpan.FromMilliseconds(20).Ticks;
    private const int MaxCatchUpFrames = 5;

    private readonly RemoteMediaStreamTrack _track;
    private readonly AudioReceiverOptions _options;
    private readonly TimeProvider _time;
    private readonly AudioJitterBuffer _jitter;
    private readonly Dictionary<byte, RTCRtpCodecParameters> _codecs = [];
    private readonly Dictionary<byte, IAudioDecoder> _decoders = [];
    private readonly Channel<AudioFrame> _frames;
    private readonly Lock _gate = new();
    private readonly byte[] _payload = new byte[1500];
    private readonly byte[] _next = new byte[1500];
    private readonly short[] _pcm = new short[5760 * 2];
    private readonly IDisposable _timer;
    private readonly ITimer _firstSlot;
    private readonly FrameSchedule _schedule;
    private volatile bool _playoutScheduled;

    private IAudioDecoder? _lastDecoder;
    private long _framesOut;
    private long _decoded;
    private long _concealed;
    private long _fec;
    private long _decodeErrors;
    private long _unknown;
    private long _handlerErrors;
    private long _queueDrops;
    private int _disposed;

    /// <summary>Starts receiving a remote audio track.</summary>
    /// <param name="track">The remote track (from the peer connection's track event).</param>
    /// <param name="codecs">The negotiated codecs with the remote side's payload types; <see cref="AudioCodecs.Defaults"/> when null.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="timeProvider">The playout clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="Opus.Native.OpusLibraryUnavailableException">Native Opus is forced and libopus is missing.</exception>
    public AudioReceiver(RemoteMediaStreamTrack track, IReadOnlyList<RTCRtpCodecParameters>? codecs = null, AudioReceiverOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(track);
        _track = track;
        _options = options ?? new AudioReceiverOptions();
        _time = timeProvider ?? TimeProvider.System;
        // The receiver waits the start delay in time (SchedulePlayout); the buffer then plays at its first pull.
        var jitter = _options.JitterBuffer;
        _jitter = new AudioJitterBuffer(new AudioJitterBufferOptions
        {
            StartDelay = TimeSpan.Zero,
            TargetDelay = jitter.TargetDelay,
            MaxDelay = jitter.MaxDelay,
            FrameDuration = jitter.FrameDuration,
            MaxConsecutiveUnderruns = jitter.MaxConsecutiveUnderruns,
        });
        foreach (var codec in codecs ?? AudioCodecs.Defaults)
        {
            if (AudioCodecs.IsSupported(codec))
            {
                _codecs.TryAdd(codec.PayloadType, codec);
            }
        }

        if (_codecs.Values.Any(c => c.MimeType.EndsWith("/opus", StringComparison.OrdinalIgnoreCase))
            && AudioCodecs.UsesNativeOpus(_options.Decoder.OpusImplementation))
        {
            // Decoders are made on the playout thread when the first packet arrives: a forced but missing libopus
            // fails here, on the caller's thread, with the library's name, rather than there on every tick.
            Opus.Native.OpusLibrary.EnsureAvailable();
        }

        _frames = Channel.CreateBounded<AudioFrame>(
            new BoundedChannelOptions(Math.Max(1, _options.FrameQueueCapacity)) { FullMode = BoundedChannelFullMode.DropOldest },
            _ => Interlocked.Increment(ref _queueDrops));
        _schedule = new FrameSchedule(_time, TimeSpan.FromTicks(FrameTicks));
        _firstSlot = _time.CreateTimer(static s => ((AudioReceiver)s!).OnFirstSlot(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _track.RtpReceived += OnRtp;
        _timer = MediaClock.Subscribe(_time, this);
    }

    /// <summary>
    /// A frame was decoded or concealed, every 20 ms while audio flows. Raised on the playout timer thread,
    /// outside any lock; the frame's memory belongs to the handler.
    /// </summary>
    public event EventHandler<AudioFrame>? FrameReceived;

    /// <summary>The current counters.</summary>
    public AudioReceiverStatistics Statistics
    {
        get
        {
            lock (_gate)
            {
                return new AudioReceiverStatistics(_decoded, _concealed, _fec, _decodeErrors, Interlocked.Read(ref _unknown), Interlocked.Read(ref _handlerErrors), _jitter.Statistics);
            }
        }
    }

    /// <summary>Frames dropped from the <see cref="ReadFramesAsync"/> queue because it was full (the reader lagged, or nobody reads).</summary>
    public long FramesDroppedFromQueue => Interlocked.Read(ref _queueDrops);

    /// <summary>
    /// The decoded frames as an async stream, 20 ms each: bounded by <see cref="AudioReceiverOptions.FrameQueueCapacity"/>,
    /// the oldest dropped when the reader lags (<see cref="FramesDroppedFromQueue"/>); ends when the receiver is disposed.
    /// </summary>
    /// <param name="cancellationToken">Ends the enumeration.</param>
    public async IAsyncEnumerable<AudioFrame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var frame in _frames.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return frame;
        }
    }

    /// <summary>Adds a packet as if it arrived from the track (the track's handler calls this).</summary>
    internal void OnRtp(RtpPacketInfo info, ReadOnlySpan<byte> payload)
    {
        if (!_codecs.ContainsKey(info.PayloadType))
        {
            Interlocked.Increment(ref _unknown); // comfort noise, DTMF or another stream's type: not ours to decode
            return;
        }

        if (_jitter.Insert(info, payload) && !_playoutScheduled)
        {
            SchedulePlayout();
        }
    }

    /// <summary>
    /// Puts the playout slots on the first packet's phase: the first is the start delay after it arrived, then one
    /// every 20 ms. On the shared clock's phase instead, the first packet waited 0–20 ms for a tick at random.
    /// </summary>
    private void SchedulePlayout()
    {
        lock (_gate)
        {
            if (!_playoutScheduled && _disposed == 0)
            {
                SchedulePlayoutLocked();
            }
        }
    }

    private void SchedulePlayoutLocked()
    {
        _schedule.StartAfter(_time.GetTimestamp(), _options.JitterBuffer.StartDelay);
        _playoutScheduled = true;

        // The first slot exactly on time, by a one-shot timer: the shared clock's next tick can be up to 5 ms after it.
        // The later slots keep to the clock (they are then served a fixed 0–5 ms late, which only adds margin).
        _firstSlot.Change(_options.JitterBuffer.StartDelay, Timeout.InfiniteTimeSpan);
    }

    private void OnFirstSlot()
    {
        var now = _time.GetTimestamp();
        if (_schedule.IsDue(now))
        {
            OnTimer(now);
        }
    }

    /// <summary>Playout stopped after a long silence: the next packet sets a new phase (a restarted sender has its own).</summary>
    private void UnschedulePlayoutLocked()
    {
        _schedule.Stop();
        _playoutScheduled = false;
        if (!_jitter.IsIdle)
        {
            SchedulePlayoutLocked(); // a packet came in while we stopped, and saw playout still scheduled
        }
    }

    void IMediaClockTarget.OnTick(long now)
    {
        if (_schedule.IsDue(now))
        {
            OnTimer(now);
        }
    }

    private void OnTimer(long now)
    {
        // Frames due from elapsed time, so a late callback catches up instead of drifting.
        long due;
        lock (_gate)
        {
            if (_disposed != 0)
            {
                return;
            }

            due = Math.Min(_schedule.Take(now), MaxCatchUpFrames);
        }

        for (; due > 0; due--)
        {
            var frame = PullFrame();
            if (frame is null)
            {
                continue;
            }

            _frames.Writer.TryWrite(frame);
            try
            {
                _options.Sink?.Write(frame);
                FrameReceived?.Invoke(this, frame);
            }
            catch (Exception)
            {
                // An exception thrown back into a timer callback would end the process: count it and go on.
                Interlocked.Increment(ref _handlerErrors);
            }
        }
    }

    /// <summary>Takes one 20 ms slot out of the jitter buffer and decodes or conceals it; null when nothing is due.</summary>
    internal AudioFrame? PullFrame()
    {
        lock (_gate)
        {
            if (_disposed != 0)
            {
                return null;
            }

            var slot = _jitter.Pull(_payload, out var length, _next, out var nextLength, out var payloadType);
            IAudioDecoder? decoder;
            int samples;
            switch (slot)
            {
                case JitterBufferSlot.Packet:
                    decoder = DecoderFor(payloadType);
                    samples = decoder.Decode(_payload.AsSpan(0, length), _pcm);
                    if (samples > 0)
                    {
                        _decoded++;
                        break;
                    }

                    _decodeErrors++;
                    samples = Conceal(decoder, ReadOnlySpan<byte>.Empty);
                    break;
                case JitterBufferSlot.Lost:
                    decoder = nextLength > 0 ? DecoderFor(payloadType) : _lastDecoder;
                    if (decoder is null)
                    {
                        return null; // nothing decoded yet: nothing to conceal
                    }

                    samples = Conceal(decoder, _next.AsSpan(0, nextLength));
                    break;
                default:
                    if (_jitter.IsIdle)
                    {
                        UnschedulePlayoutLocked();
                    }

                    return null;
            }

            _lastDecoder = decoder;
            var copy = _pcm.AsSpan(0, samples * decoder.Channels).ToArray();
            var timestamp = TimeSpan.FromTicks(_framesOut * FrameTicks);
            _framesOut++;
            return new AudioFrame(copy, decoder.SampleRate, decoder.Channels, timestamp);
        }
    }

    private int Conceal(IAudioDecoder decoder, ReadOnlySpan<byte> next)
    {
        var samples = decoder.Conceal(next, _pcm, out var recovered);
        if (recovered)
        {
            _fec++;
        }
        else
        {
            _concealed++;
        }

        return samples;
    }

    private IAudioDecoder DecoderFor(byte payloadType)
    {
        if (!_decoders.TryGetValue(payloadType, out var decoder))
        {
            decoder = AudioCodecs.CreateDecoder(_codecs[payloadType], _options.Decoder);
            _decoders[payloadType] = decoder;
        }

        return decoder;
    }

    /// <summary>Stops playout, detaches from the track and completes <see cref="ReadFramesAsync"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _track.RtpReceived -= OnRtp;
        _timer.Dispose();
        lock (_gate)
        {
            _firstSlot.Dispose(); // under the lock: SchedulePlayoutLocked re-arms it only while not disposed
            foreach (var decoder in _decoders.Values)
            {
                decoder.Dispose();
            }

            _decoders.Clear();
        }

        _frames.Writer.TryComplete();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
