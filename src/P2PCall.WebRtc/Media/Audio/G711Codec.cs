namespace P2PCall.WebRtc.Media.Audio;

/// <summary>The two G.711 laws (RFC 3551 §4.5.14).</summary>
public enum G711Law
{
    /// <summary>µ-law, SDP name PCMU, static payload type 0.</summary>
    MuLaw,

    /// <summary>A-law, SDP name PCMA, static payload type 8.</summary>
    ALaw,
}

/// <summary>G.711 encoder: 8 kHz mono, one byte per sample, 160 samples per 20 ms (RFC 3551 §4.5.14).</summary>
public sealed class G711Encoder : IAudioEncoder
{
    private readonly G711Law _law;

    /// <summary>Creates an encoder.</summary>
    /// <param name="law">µ-law (PCMU) or A-law (PCMA).</param>
    /// <param name="payloadType">The negotiated payload type; by default the static one (0 or 8).</param>
    public G711Encoder(G711Law law, byte? payloadType = null)
    {
        _law = law;
        PayloadType = payloadType ?? (law == G711Law.MuLaw ? (byte)0 : (byte)8);
    }

    /// <inheritdoc />
    public string CodecName => _law == G711Law.MuLaw ? "PCMU" : "PCMA";

    /// <inheritdoc />
    public byte PayloadType { get; }

    /// <inheritdoc />
    public int SampleRate => 8000;

    /// <inheritdoc />
    public int Channels => 1;

    /// <inheritdoc />
    public int FrameSamplesPerChannel => 160;

    /// <inheritdoc />
    public int RtpTimestampIncrement => 160; // RFC 3551 §4.5.14: 8000 Hz clock, one tick per sample

    /// <inheritdoc />
    public int Encode(ReadOnlySpan<short> pcm, Span<byte> destination)
    {
        var count = Math.Min(pcm.Length, destination.Length);
        if (_law == G711Law.MuLaw)
        {
            for (var i = 0; i < count; i++)
            {
                destination[i] = G711.LinearToMuLaw(pcm[i]);
            }
        }
        else
        {
            for (var i = 0; i < count; i++)
            {
                destination[i] = G711.LinearToALaw(pcm[i]);
            }
        }

        return count;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}

/// <summary>G.711 decoder: 8 kHz mono. Lost frames are concealed by repeating the last frame, fading out.</summary>
public sealed class G711Decoder : IAudioDecoder
{
    private readonly G711Law _law;
    private readonly short[] _last = new short[160];
    private int _lastLength;
    private int _concealedInRow;

    /// <summary>Creates a decoder.</summary>
    /// <param name="law">µ-law (PCMU) or A-law (PCMA).</param>
    public G711Decoder(G711Law law) => _law = law;

    /// <inheritdoc />
    public string CodecName => _law == G711Law.MuLaw ? "PCMU" : "PCMA";

    /// <inheritdoc />
    public int SampleRate => 8000;

    /// <inheritdoc />
    public int Channels => 1;

    /// <inheritdoc />
    public int FrameSamplesPerChannel => 160;

    /// <inheritdoc />
    public bool CanRecoverFromNextPacket => false;

    /// <inheritdoc />
    public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        if (payload.IsEmpty || pcm.Length < payload.Length)
        {
            return -1;
        }

        for (var i = 0; i < payload.Length; i++)
        {
            pcm[i] = _law == G711Law.MuLaw ? G711.MuLawToLinear(payload[i]) : G711.ALawToLinear(payload[i]);
        }

        _lastLength = Math.Min(payload.Length, _last.Length);
        pcm[.._lastLength].CopyTo(_last);
        _concealedInRow = 0;
        return payload.Length;
    }

    /// <inheritdoc />
    public int Conceal(ReadOnlySpan<byte> nextPayload, Span<short> pcm, out bool recovered)
    {
        recovered = false;
        var length = Math.Min(FrameSamplesPerChannel, pcm.Length);
        pcm[..length].Clear();

        // Repeat the last good frame at half the level per lost frame; silence after three.
        _concealedInRow++;
        if (_concealedInRow <= 3)
        {
            var shift = _concealedInRow;
            for (var i = 0; i < Math.Min(length, _lastLength); i++)
            {
                pcm[i] = (short)(_last[i] >> shift);
            }
        }

        return length;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
