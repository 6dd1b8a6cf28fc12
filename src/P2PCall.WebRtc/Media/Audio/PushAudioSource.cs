namespace P2PCall.WebRtc.Media.Audio;

/// <summary>
/// A source the application feeds with its own PCM (a real microphone, a mixer). Pushed audio of any
/// length is queued in a bounded buffer and read out in 20 ms frames; when the buffer is full, pushes are
/// refused rather than adding latency. Thread-safe.
/// </summary>
public sealed class PushAudioSource : IAudioSource
{
    private readonly Lock _gate = new();
    private readonly short[] _ring;
    private int _head;
    private int _count;
    private bool _completed;

    /// <summary>Creates a source.</summary>
    /// <param name="sampleRate">The sample rate of the pushed audio. Default 48,000.</param>
    /// <param name="channels">1 or 2.</param>
    /// <param name="capacity">The most audio queued. Default 200 ms.</param>
    public PushAudioSource(int sampleRate = 48_000, int channels = 1, TimeSpan? capacity = null)
    {
        AudioFormat.Validate(sampleRate, channels);
        SampleRate = sampleRate;
        Channels = channels;
        var frames = Math.Max(1, (int)((capacity ?? TimeSpan.FromMilliseconds(200)).TotalMilliseconds / 20));
        _ring = new short[frames * AudioFormat.FrameSamples(sampleRate) * channels];
    }

    /// <inheritdoc />
    public int SampleRate { get; }

    /// <inheritdoc />
    public int Channels { get; }

    /// <summary>Interleaved samples queued now.</summary>
    public int QueuedSamples
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Queues interleaved samples; copied.</summary>
    /// <param name="samples">Interleaved samples at <see cref="SampleRate"/> and <see cref="Channels"/>.</param>
    /// <returns>False, and nothing queued, when they do not fit or the source is completed.</returns>
    public bool TryPush(ReadOnlySpan<short> samples)
    {
        lock (_gate)
        {
            if (_completed || samples.Length > _ring.Length - _count)
            {
                return false;
            }

            var tail = (_head + _count) % _ring.Length;
            var first = Math.Min(samples.Length, _ring.Length - tail);
            samples[..first].CopyTo(_ring.AsSpan(tail));
            samples[first..].CopyTo(_ring);
            _count += samples.Length;
            return true;
        }
    }

    /// <summary>Queues a frame; it must match <see cref="SampleRate"/> and <see cref="Channels"/>.</summary>
    /// <param name="frame">The frame; copied.</param>
    /// <returns>False when it does not fit.</returns>
    public bool TryPush(AudioFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.SampleRate != SampleRate || frame.Channels != Channels)
        {
            throw new ArgumentException($"Expected {SampleRate} Hz × {Channels}, got {frame.SampleRate} Hz × {frame.Channels}.", nameof(frame));
        }

        return TryPush(frame.Samples.Span);
    }

    /// <summary>Marks the end: once the queue drains, the source reports <see cref="AudioReadResult.Ended"/>.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
        }
    }

    /// <inheritdoc />
    public AudioReadResult ReadFrame(Span<short> frame)
    {
        var needed = AudioFormat.FrameSamples(SampleRate) * Channels;
        lock (_gate)
        {
            if (_count < needed)
            {
                if (!_completed)
                {
                    return AudioReadResult.NoData;
                }

                if (_count == 0)
                {
                    return AudioReadResult.Ended;
                }

                frame[.._count].Clear();
                frame[_count..needed].Clear();
                needed = _count; // the last partial frame, padded with silence
            }

            var first = Math.Min(needed, _ring.Length - _head);
            _ring.AsSpan(_head, first).CopyTo(frame);
            _ring.AsSpan(0, needed - first).CopyTo(frame[first..]);
            _head = (_head + needed) % _ring.Length;
            _count -= needed;
            return AudioReadResult.Frame;
        }
    }
}
