using Concentus;
using Concentus.Enums;

namespace P2PCall.WebRtc.Media.Audio;

/// <summary>Settings of the Opus encoder (RFC 7587).</summary>
public sealed class OpusEncoderSettings
{
    /// <summary>1 (mono) or 2 (stereo). Default 1.</summary>
    public int Channels { get; init; } = 1;

    /// <summary>Target bitrate in bits per second (6,000–510,000). Default 32,000.</summary>
    public int Bitrate { get; init; } = 32_000;

    /// <summary>Adds in-band forward error correction (LBRR) for the previous frame to each packet (RFC 7587 §6.1 <c>useinbandfec</c>).</summary>
    public bool UseInbandFec { get; init; }

    /// <summary>The loss rate the encoder plans FEC for, in percent. Default 10 when FEC is on.</summary>
    public int ExpectedPacketLossPercent { get; init; } = 10;

    /// <summary>Encoder complexity 0–10. Default 5, a good trade-off for managed code.</summary>
    public int Complexity { get; init; } = 5;

    /// <summary>Throws when channels or bitrate are outside what Opus supports (RFC 6716 §2.1.1).</summary>
    internal void Validate()
    {
        if (Channels is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException("settings", Channels, "Opus channels must be 1 or 2.");
        }

        if (Bitrate is < 6_000 or > 510_000)
        {
            throw new ArgumentOutOfRangeException("settings", Bitrate, "Opus bitrate must be between 6000 and 510000 bit/s.");
        }
    }
}

/// <summary>Opus encoder (Concentus, fully managed): 48 kHz, 20 ms frames, 960 samples per channel.</summary>
public sealed class OpusAudioEncoder : IAudioEncoder
{
    private readonly IOpusEncoder _encoder;

    static OpusAudioEncoder() => OpusCodecFactory.AttemptToUseNativeLibrary = false;

    /// <summary>Creates an encoder.</summary>
    /// <param name="payloadType">The negotiated payload type.</param>
    /// <param name="settings">Channels, bitrate and FEC.</param>
    public OpusAudioEncoder(byte payloadType, OpusEncoderSettings? settings = null)
    {
        settings ??= new OpusEncoderSettings();
        settings.Validate();

        PayloadType = payloadType;
        Channels = settings.Channels;
        UseInbandFec = settings.UseInbandFec;
        _encoder = OpusCodecFactory.CreateEncoder(48_000, Channels, OpusApplication.OPUS_APPLICATION_VOIP);
        _encoder.Bitrate = settings.Bitrate;
        _encoder.Complexity = Math.Clamp(settings.Complexity, 0, 10);
        _encoder.UseInbandFEC = settings.UseInbandFec;
        _encoder.PacketLossPercent = settings.UseInbandFec ? Math.Clamp(settings.ExpectedPacketLossPercent, 1, 100) : 0;
        if (settings.UseInbandFec)
        {
            // RFC 6716 §2.1.7: FEC (LBRR) exists only in the SILK and hybrid modes. Without this hint the
            // encoder moves a steady signal to CELT-only after about a second and FEC silently stops.
            _encoder.SignalType = OpusSignal.OPUS_SIGNAL_VOICE;
        }
    }

    /// <summary>True when packets carry in-band FEC.</summary>
    public bool UseInbandFec { get; }

    /// <inheritdoc />
    public string CodecName => "opus";

    /// <inheritdoc />
    public byte PayloadType { get; }

    /// <inheritdoc />
    public int SampleRate => 48_000;

    /// <inheritdoc />
    public int Channels { get; }

    /// <inheritdoc />
    public int FrameSamplesPerChannel => 960;

    /// <inheritdoc />
    public int RtpTimestampIncrement => 960; // RFC 7587 §4.1: the RTP clock is always 48 kHz

    /// <inheritdoc />
    public int Encode(ReadOnlySpan<short> pcm, Span<byte> destination)
    {
        // Concentus: frame size is per channel, the buffer is interleaved.
        return _encoder.Encode(pcm[..(FrameSamplesPerChannel * Channels)], FrameSamplesPerChannel, destination, destination.Length);
    }

    /// <inheritdoc />
    public void Dispose() => (_encoder as IDisposable)?.Dispose();
}

/// <summary>
/// Opus decoder (Concentus): 48 kHz output, mono or stereo whatever the sender encoded (RFC 7587 §3.4).
/// A lost frame is rebuilt from the next packet's in-band FEC when that packet is at hand, otherwise
/// concealed by Opus packet loss concealment.
/// </summary>
public sealed class OpusAudioDecoder : IAudioDecoder
{
    private readonly IOpusDecoder _decoder;

    static OpusAudioDecoder() => OpusCodecFactory.AttemptToUseNativeLibrary = false;

    /// <summary>Creates a decoder.</summary>
    /// <param name="channels">Output channels, 1 or 2.</param>
    /// <param name="useInbandFec">Use the next packet's FEC data to rebuild a lost frame.</param>
    public OpusAudioDecoder(int channels = 1, bool useInbandFec = true)
    {
        if (channels is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Opus channels must be 1 or 2.");
        }

        Channels = channels;
        CanRecoverFromNextPacket = useInbandFec;
        _decoder = OpusCodecFactory.CreateDecoder(48_000, channels);
    }

    /// <inheritdoc />
    public string CodecName => "opus";

    /// <inheritdoc />
    public int SampleRate => 48_000;

    /// <inheritdoc />
    public int Channels { get; }

    /// <inheritdoc />
    public int FrameSamplesPerChannel => 960;

    /// <inheritdoc />
    public bool CanRecoverFromNextPacket { get; }

    /// <inheritdoc />
    public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        if (payload.IsEmpty)
        {
            return -1;
        }

        try
        {
            return _decoder.Decode(payload, pcm, pcm.Length / Channels, false);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or OpusException)
        {
            return -1; // a corrupt packet never escapes into the receive path
        }
    }

    /// <inheritdoc />
    public int Conceal(ReadOnlySpan<byte> nextPayload, Span<short> pcm, out bool recovered)
    {
        recovered = false;
        var frame = pcm[..(FrameSamplesPerChannel * Channels)];
        try
        {
            if (CanRecoverFromNextPacket && OpusPacket.HasInbandFec(nextPayload))
            {
                // RFC 7587 §3.2 / RFC 6716 §2.1.7: decode_fec on the next packet yields the lost frame from its LBRR data.
                var samples = _decoder.Decode(nextPayload, frame, FrameSamplesPerChannel, true);
                if (samples > 0)
                {
                    recovered = true;
                    return samples;
                }
            }

            // Opus packet loss concealment: an empty packet asks the decoder to extrapolate.
            return _decoder.Decode(ReadOnlySpan<byte>.Empty, frame, FrameSamplesPerChannel, false);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or OpusException)
        {
            frame.Clear();
            return FrameSamplesPerChannel;
        }
    }

    /// <inheritdoc />
    public void Dispose() => (_decoder as IDisposable)?.Dispose();
}
