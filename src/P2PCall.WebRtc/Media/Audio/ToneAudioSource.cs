namespace P2PCall.WebRtc.Media.Audio;

/// <summary>A sine tone, the same in every channel (the default synthetic microphone).</summary>
public sealed class ToneAudioSource : IAudioSource
{
    private readonly double _step;
    private readonly double _amplitude;
    private double _phase;

    /// <summary>Creates a tone.</summary>
    /// <param name="frequency">The frequency in Hz. Default 440.</param>
    /// <param name="sampleRate">The sample rate. Default 48,000.</param>
    /// <param name="channels">1 or 2.</param>
    /// <param name="amplitude">Peak level, 0–1 of full scale. Default 0.3.</param>
    public ToneAudioSource(double frequency = 440, int sampleRate = 48_000, int channels = 1, double amplitude = 0.3)
    {
        AudioFormat.Validate(sampleRate, channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frequency);
        if (frequency >= sampleRate / 2.0)
        {
            throw new ArgumentOutOfRangeException(nameof(frequency), frequency, "The frequency must be below half the sample rate.");
        }

        SampleRate = sampleRate;
        Channels = channels;
        _step = 2 * Math.PI * frequency / sampleRate;
        _amplitude = Math.Clamp(amplitude, 0, 1) * short.MaxValue;
    }

    /// <inheritdoc />
    public int SampleRate { get; }

    /// <inheritdoc />
    public int Channels { get; }

    /// <inheritdoc />
    public AudioReadResult ReadFrame(Span<short> frame)
    {
        var samples = AudioFormat.FrameSamples(SampleRate);
        for (var i = 0; i < samples; i++)
        {
            var value = (short)Math.Round(_amplitude * Math.Sin(_phase));
            _phase += _step;
            if (_phase >= 2 * Math.PI)
            {
                _phase -= 2 * Math.PI;
            }

            for (var c = 0; c < Channels; c++)
            {
                frame[(i * Channels) + c] = value;
            }
        }

        return AudioReadResult.Frame;
    }
}

/// <summary>Digital silence, forever.</summary>
public sealed class SilenceAudioSource : IAudioSource
{
    /// <summary>Creates a silent source.</summary>
    /// <param name="sampleRate">The sample rate. Default 48,000.</param>
    /// <param name="channels">1 or 2.</param>
    public SilenceAudioSource(int sampleRate = 48_000, int channels = 1)
    {
        AudioFormat.Validate(sampleRate, channels);
        SampleRate = sampleRate;
        Channels = channels;
    }

    /// <inheritdoc />
    public int SampleRate { get; }

    /// <inheritdoc />
    public int Channels { get; }

    /// <inheritdoc />
    public AudioReadResult ReadFrame(Span<short> frame)
    {
        frame[..(AudioFormat.FrameSamples(SampleRate) * Channels)].Clear();
        return AudioReadResult.Frame;
    }
}
