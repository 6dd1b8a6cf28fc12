namespace P2PCall.WebRtc.Media.Audio;

/// <summary>Encodes 20 ms PCM frames into RTP payloads of one codec.</summary>
public interface IAudioEncoder : IDisposable
{
    /// <summary>The codec name as in SDP, for example <c>opus</c> or <c>PCMU</c>.</summary>
    string CodecName { get; }

    /// <summary>The payload type the encoded packets carry (the negotiated one).</summary>
    byte PayloadType { get; }

    /// <summary>The PCM sample rate the encoder expects.</summary>
    int SampleRate { get; }

    /// <summary>The number of interleaved channels the encoder expects.</summary>
    int Channels { get; }

    /// <summary>Samples per channel in one frame (20 ms at <see cref="SampleRate"/>).</summary>
    int FrameSamplesPerChannel { get; }

    /// <summary>How far the RTP timestamp advances per frame, in the RTP clock (RFC 3551 §4.1).</summary>
    int RtpTimestampIncrement { get; }

    /// <summary>Encodes one frame of <see cref="FrameSamplesPerChannel"/> × <see cref="Channels"/> interleaved samples.</summary>
    /// <param name="pcm">The interleaved input samples.</param>
    /// <param name="destination">Where the payload is written; 1500 bytes always suffice.</param>
    /// <returns>The payload length in bytes.</returns>
    int Encode(ReadOnlySpan<short> pcm, Span<byte> destination);
}

/// <summary>Decodes RTP payloads of one codec into PCM and conceals lost frames.</summary>
public interface IAudioDecoder : IDisposable
{
    /// <summary>The codec name as in SDP.</summary>
    string CodecName { get; }

    /// <summary>The PCM sample rate the decoder produces.</summary>
    int SampleRate { get; }

    /// <summary>The number of interleaved channels the decoder produces.</summary>
    int Channels { get; }

    /// <summary>Samples per channel in one 20 ms frame at <see cref="SampleRate"/>.</summary>
    int FrameSamplesPerChannel { get; }

    /// <summary>True when <see cref="Conceal"/> can rebuild a lost frame from the next packet (Opus in-band FEC).</summary>
    bool CanRecoverFromNextPacket { get; }

    /// <summary>Decodes one payload.</summary>
    /// <param name="payload">The RTP payload.</param>
    /// <param name="pcm">Output, interleaved; room for at least 120 ms (5760 samples per channel) is always enough.</param>
    /// <returns>Samples per channel written, or -1 when the payload is invalid.</returns>
    int Decode(ReadOnlySpan<byte> payload, Span<short> pcm);

    /// <summary>Produces a replacement for one lost 20 ms frame.</summary>
    /// <param name="nextPayload">The packet after the lost one, when already received (may be empty).</param>
    /// <param name="pcm">Output, interleaved.</param>
    /// <param name="recovered">True when the frame was rebuilt from forward error correction data in <paramref name="nextPayload"/>.</param>
    /// <returns>Samples per channel written.</returns>
    int Conceal(ReadOnlySpan<byte> nextPayload, Span<short> pcm, out bool recovered);
}
