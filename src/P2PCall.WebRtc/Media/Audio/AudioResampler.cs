namespace P2PCall.WebRtc.Media.Audio;

/// <summary>
/// Converts 20 ms frames between sample rates and channel counts: channels are mixed first (mono to
/// stereo duplicates, stereo to mono averages), then integer down-sampling averages each group of input
/// samples (a box low-pass) and any other ratio interpolates linearly. Adequate for speech and tones; not a
/// high-fidelity resampler. Allocation-free after construction.
/// </summary>
internal sealed class AudioResampler
{
    private readonly int _inRate;
    private readonly int _inChannels;
    private readonly int _outRate;
    private readonly int _outChannels;
    private readonly short[] _mixed;
    private readonly short[] _previous;

    public AudioResampler(int inRate, int inChannels, int outRate, int outChannels)
    {
        _inRate = inRate;
        _inChannels = inChannels;
        _outRate = outRate;
        _outChannels = outChannels;
        _mixed = new short[AudioFormat.FrameSamples(inRate) * outChannels];
        _previous = new short[outChannels];
    }

    public bool IsIdentity => _inRate == _outRate && _inChannels == _outChannels;

    /// <summary>Converts one 20 ms frame; <paramref name="output"/> receives <c>outRate / 50 * outChannels</c> samples.</summary>
    public void Convert(ReadOnlySpan<short> input, Span<short> output)
    {
        var inFrames = AudioFormat.FrameSamples(_inRate);
        var outFrames = AudioFormat.FrameSamples(_outRate);
        var channels = _outChannels;

        Span<short> mixed = _mixed;
        for (var i = 0; i < inFrames; i++)
        {
            if (_inChannels == channels)
            {
                for (var c = 0; c < channels; c++)
                {
                    mixed[(i * channels) + c] = input[(i * channels) + c];
                }
            }
            else if (channels == 2)
            {
                mixed[i * 2] = mixed[(i * 2) + 1] = input[i];
            }
            else
            {
                mixed[i] = (short)((input[i * 2] + input[(i * 2) + 1]) >> 1);
            }
        }

        if (inFrames == outFrames)
        {
            mixed[..(inFrames * channels)].CopyTo(output);
            return;
        }

        if (inFrames % outFrames == 0)
        {
            var ratio = inFrames / outFrames;
            for (var j = 0; j < outFrames; j++)
            {
                for (var c = 0; c < channels; c++)
                {
                    var sum = 0;
                    for (var k = 0; k < ratio; k++)
                    {
                        sum += mixed[(((j * ratio) + k) * channels) + c];
                    }

                    output[(j * channels) + c] = (short)(sum / ratio);
                }
            }

            return;
        }

        // Linear interpolation; x[-1] is the last sample of the previous frame, so no look-ahead is needed.
        for (var j = 0; j < outFrames; j++)
        {
            var position = ((double)(j + 1) * inFrames / outFrames) - 1;
            var left = (int)Math.Floor(position);
            var fraction = position - left;
            for (var c = 0; c < channels; c++)
            {
                double a = left < 0 ? _previous[c] : mixed[(left * channels) + c];
                double b = left + 1 < inFrames ? mixed[((left + 1) * channels) + c] : a;
                output[(j * channels) + c] = (short)Math.Round(a + ((b - a) * fraction));
            }
        }

        for (var c = 0; c < channels; c++)
        {
            _previous[c] = mixed[((inFrames - 1) * channels) + c];
        }
    }
}
