namespace P2PCall.WebRtc.Media.Audio;

/// <summary>ITU-T G.711 companding: 16-bit linear PCM to and from 8-bit µ-law and A-law.</summary>
internal static class G711
{
    // ITU-T G.711 Table 2 (µ-law): bias 0x84 (33 in the 14-bit domain, shifted), magnitude clipped at 8159 × 4.
    private const int MuLawBias = 0x84;
    private const int MuLawClip = 32635;

    /// <summary>Encodes one sample to µ-law (G.711 Table 2). 0 encodes to 0xFF.</summary>
    public static byte LinearToMuLaw(short sample)
    {
        int value = sample;
        var sign = 0;
        if (value < 0)
        {
            sign = 0x80;
            value = -value;
        }

        value = Math.Min(value, MuLawClip) + MuLawBias;

        // G.711 µ-law: the segment (exponent) is the position of the highest set bit above bit 7.
        var exponent = 31 - int.LeadingZeroCount(value) - 7;
        var mantissa = (value >> (exponent + 3)) & 0x0F;

        // G.711 µ-law: all bits are transmitted inverted.
        return (byte)~(sign | (exponent << 4) | mantissa);
    }

    /// <summary>Decodes one µ-law byte to linear PCM (G.711 Table 2).</summary>
    public static short MuLawToLinear(byte code)
    {
        int inverted = (byte)~code;
        var exponent = (inverted >> 4) & 0x07;
        var mantissa = inverted & 0x0F;
        var magnitude = (((mantissa << 3) + MuLawBias) << exponent) - MuLawBias;
        return (short)((inverted & 0x80) != 0 ? -magnitude : magnitude);
    }

    /// <summary>Encodes one sample to A-law (G.711 Table 1). 0 encodes to 0xD5.</summary>
    public static byte LinearToALaw(short sample)
    {
        int value = sample;
        int mask;
        if (value >= 0)
        {
            mask = 0xD5; // sign bit 1 for positive values, even bits inverted (G.711 A-law)
        }
        else
        {
            mask = 0x55;
            value = -value - 1;
        }

        // A-law works on 13-bit magnitudes: 12 bits of magnitude in 8 segments.
        var magnitude = value >> 3;
        int code;
        if (magnitude < 32)
        {
            code = magnitude >> 1; // segment 0: step 2, like segment 1
        }
        else
        {
            var segment = 31 - int.LeadingZeroCount(magnitude) - 4; // magnitude in [2^(s+4), 2^(s+5)), s = 1..7
            code = (segment << 4) | ((magnitude >> segment) & 0x0F);
        }

        return (byte)(code ^ mask);
    }

    /// <summary>Decodes one A-law byte to linear PCM (G.711 Table 1).</summary>
    public static short ALawToLinear(byte code)
    {
        var value = code ^ 0x55;
        var mantissa = (value & 0x0F) << 4;
        var segment = (value & 0x70) >> 4;
        var magnitude = segment switch
        {
            0 => mantissa + 8,
            1 => mantissa + 0x108,
            _ => (mantissa + 0x108) << (segment - 1),
        };
        return (short)((value & 0x80) != 0 ? magnitude : -magnitude);
    }
}
