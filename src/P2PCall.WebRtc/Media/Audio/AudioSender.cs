using System.Security.Cryptography;

namespace P2PCall.WebRtc.Media.Audio;

/// <summary>Settings of an <see cref="AudioSender"/>.</summary>
public sealed class AudioSenderOptions
{
    /// <summary>Encoder settings.</summary>
    public AudioEncoderOptions Encoder { get; init; } = new();
}

/// <summary>
/// The audio send pump: every 20 ms (on the injected <see cref="TimeProvider"/>) it reads a frame from the
/// source, converts it to the codec's rate and channels, encodes it and hands it to the RTP sender with
/// the RTP timestamp and marker bit of RFC 3551 §4.1. The codec is the first of the negotiated codecs we
/// support, chosen at <see cref="Start"/>. The first frame leaves from <see cref="Start"/> itself and the next ones
/// every 20 ms from there (the shared clock serves each sender within 5 ms of its own phase).
/// </summary>
public sealed class AudioSender : IDisposable, IAsyncDisposable, IMediaClockTarget
{
    private const int MaxCatchUpFrames = 5;

    private readonly IAudioSource _source;
    private readonly IAudioRtpTransport _transport;
    private readonly AudioSenderOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Lock _pumpGate = new(); // one pump at a time (Start's first frame, the clock's ticks); held while the source is read
    private readonly byte[] _payload = new byte[1500];
    private readonly FrameSchedule _schedule;

    private IDisposable? _timer;
    private IAudioEncoder? _encoder;
    private AudioResampler? _resampler;
    private short[] _sourceFrame = [];
    private short[] _codecFrame = [];
    private uint _rtpTimestamp = (uint)RandomNumberGenerator.GetInt32(int.MaxValue); // RFC 3550 §5.1: random start
    private bool _marker;
    private bool _endPending;
    private int _disposed;

    /// <summary>Creates a sender for a negotiated <see cref="RTCRtpSender"/>.</summary>
    /// <param name="source">The audio to send, for example a <see cref="LocalAudioTrack"/>.</param>
    /// <param name="sender">The RTP sender of the audio transceiver.</param>
    /// <param name="options">Settings; when null, the encoder uses <see cref="AudioCodecs.DefaultEncoderOptions"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    public AudioSender(IAudioSource source, RTCRtpSender sender, AudioSenderOptions? options = null, TimeProvider? timeProvider = null)
        : this(source, new RtpSenderAudioTransport(sender ?? throw new ArgumentNullException(nameof(sender))), options, timeProvider)
    {
    }

    internal AudioSender(IAudioSource source, IAudioRtpTransport transport, AudioSenderOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        AudioFormat.Validate(source.SampleRate, source.Channels);
        _source = source;
        _transport = transport;
        _options = options ?? new AudioSenderOptions { Encoder = AudioCodecs.DefaultEncoderOptions };
        _time = timeProvider ?? TimeProvider.System;
        _schedule = new FrameSchedule(_time, TimeSpan.FromMilliseconds(20));
    }

    /// <summary>The encoder in use, once started.</summary>
    public IAudioEncoder? Encoder => _encoder;

    /// <summary>True between <see cref="Start"/> and <see cref="Stop"/>.</summary>
    public bool IsRunning => _timer is not null;

    /// <summary>Frames encoded and handed to the transport.</summary>
    public long FramesSent { get; private set; }

    /// <summary>Frames the transport refused (not connected yet, direction inactive).</summary>
    public long FramesNotSent { get; private set; }

    /// <summary>20 ms slots with no audio from the source (nothing sent; the next packet starts a talk spurt).</summary>
    public long FramesSkipped { get; private set; }

    /// <summary>The exception that stopped the pump, when the source or encoder failed.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>
    /// The source ended or failed (see <see cref="LastError"/>); the pump has stopped. Raised on the timer thread, never
    /// from <see cref="Start"/> (when the first frame finds the source ended, the clock's next tick raises it).
    /// </summary>
    public event EventHandler? SourceEnded;

    /// <summary>
    /// Chooses the codec from the negotiated list, sends the first frame (on the calling thread: the source has been
    /// capturing since it was opened, and a call's first audio should not wait for a timer) and starts the 20 ms pump.
    /// Idempotent. After <see cref="Stop"/>, the first frame leaves no sooner than the next would have.
    /// </summary>
    /// <exception cref="NotSupportedException">No negotiated codec is Opus, PCMU or PCMA.</exception>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this); // under the lock: Dispose cannot slip in before we subscribe
            if (_timer is not null)
            {
                return;
            }

            if (_encoder is null)
            {
                var codec = AudioCodecs.Select(_transport.Codecs)
                    ?? throw new NotSupportedException("None of the negotiated codecs is Opus, PCMU or PCMA: " + string.Join(", ", _transport.Codecs.Select(c => c.MimeType)));
                _encoder = AudioCodecs.CreateEncoder(codec, _options.Encoder);
                _resampler = new AudioResampler(_source.SampleRate, _source.Channels, _encoder.SampleRate, _encoder.Channels);
                _sourceFrame = new short[AudioFormat.FrameSamples(_source.SampleRate) * _source.Channels];
                _codecFrame = new short[_encoder.FrameSamplesPerChannel * _encoder.Channels];
            }

            _marker = true; // RFC 3551 §4.1: the first packet of a talk spurt carries the marker
            var now = _time.GetTimestamp();
            _schedule.Start(_schedule.IsStarted ? Math.Max(now, _schedule.NextDue) : now); // never faster than real time
            _timer = MediaClock.Subscribe(_time, this);
        }

        OnTimer(_time.GetTimestamp(), fromStart: true); // frame 0 is due now
    }

    /// <summary>Stops the pump; a later <see cref="Start"/> resumes with a new talk spurt.</summary>
    public void Stop()
    {
        IDisposable? timer;
        lock (_gate)
        {
            timer = _timer;
            _timer = null;
        }

        timer?.Dispose();
    }

    void IMediaClockTarget.OnTick(long now)
    {
        if (_schedule.IsDue(now) || Volatile.Read(ref _endPending))
        {
            OnTimer(now, fromStart: false);
        }
    }

    /// <summary>Encodes and sends the frames due at <paramref name="now"/> (normally one).</summary>
    private void OnTimer(long now, bool fromStart)
    {
        if (Pump(now, fromStart))
        {
            SourceEnded?.Invoke(this, EventArgs.Empty);
        }
    }

    /// <summary>
    /// Reads, encodes and sends the frames due. The source (app code) is read under <c>_pumpGate</c> only, never under
    /// <c>_gate</c>, which Stop, Dispose and closing the connection take: a source that waited for one of those on
    /// another thread deadlocked. Returns true when the source ended or failed and <see cref="SourceEnded"/> is due now.
    /// </summary>
    private bool Pump(long now, bool fromStart)
    {
        lock (_pumpGate)
        {
            long due;
            lock (_gate)
            {
                if (_timer is null || _encoder is null || _disposed != 0)
                {
                    return false;
                }

                if (_endPending)
                {
                    return EndLocked(fromStart);
                }

                // Frames due from elapsed time, so a late timer callback catches up instead of drifting.
                due = _schedule.Take(now);
                if (due > MaxCatchUpFrames)
                {
                    // Far behind (the process stalled): skip ahead in RTP time rather than bursting.
                    _rtpTimestamp += (uint)((due - 1) * _encoder.RtpTimestampIncrement);
                    _marker = true;
                    due = 1;
                }
            }

            for (; due > 0; due--)
            {
                var ended = false;
                try
                {
                    var result = _source.ReadFrame(_sourceFrame);
                    lock (_gate)
                    {
                        if (_timer is null || _disposed != 0)
                        {
                            return false; // stopped or disposed while the source was read
                        }

                        ended = result == AudioReadResult.Ended || EncodeAndSendLocked(result);
                    }
                }
                catch (Exception e)
                {
                    // A failing source (for example a file read error) ends the pump; an exception escaping a
                    // timer callback would end the process.
                    LastError = e;
                    ended = true;
                }

                if (ended)
                {
                    lock (_gate)
                    {
                        return _timer is not null && EndLocked(fromStart);
                    }
                }
            }

            return false;
        }
    }

    /// <summary>The source ended: stops the pump; true when <see cref="SourceEnded"/> is to be raised now.</summary>
    private bool EndLocked(bool fromStart)
    {
        if (fromStart)
        {
            // Not raised on the caller of Start: a handler that starts again would recurse. The next tick raises it.
            Volatile.Write(ref _endPending, true);
            _schedule.Stop();
            return false;
        }

        Volatile.Write(ref _endPending, false);
        _timer?.Dispose();
        _timer = null;
        return true;
    }

    /// <summary>Encodes and sends one frame read from the source (or skips a slot with no data); false to go on.</summary>
    private bool EncodeAndSendLocked(AudioReadResult result)
    {
        var encoder = _encoder!;
        if (result == AudioReadResult.NoData)
        {
            // RFC 3551 §4.1: time keeps running through silence; the next packet starts a talk spurt.
            FramesSkipped++;
            _rtpTimestamp += (uint)encoder.RtpTimestampIncrement;
            _marker = true;
            return false;
        }

        ReadOnlySpan<short> pcm = _sourceFrame;
        if (!_resampler!.IsIdentity)
        {
            _resampler.Convert(_sourceFrame, _codecFrame);
            pcm = _codecFrame;
        }

        var length = encoder.Encode(pcm, _payload);
        if (length > 0 && _transport.SendRtp(encoder.PayloadType, _rtpTimestamp, _marker, _payload.AsSpan(0, length)))
        {
            FramesSent++;
            _marker = false;
        }
        else
        {
            FramesNotSent++;
        }

        // RFC 3551 §4.1 / RFC 7587 §4.1: the timestamp advances by the samples per frame at the RTP clock.
        _rtpTimestamp += (uint)encoder.RtpTimestampIncrement;
        return false;
    }

    /// <summary>Stops the pump and releases the encoder.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Stop();
        lock (_gate)
        {
            _encoder?.Dispose();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
