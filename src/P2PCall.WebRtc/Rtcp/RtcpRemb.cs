using System.Buffers.Binary;

namespace P2PCall.WebRtc.Rtcp;

/// <summary>
/// Receiver estimated maximum bitrate (PSFB FMT 15 with the "REMB" identifier;
/// draft-alvestrand-rmcat-remb-03 §2.2): a bitrate as 18-bit mantissa × 2^exponent and the SSRCs it covers.
/// </summary>
internal readonly ref struct RtcpRemb
{
    private const int FixedLength = RtcpFeedbackHeader.Length + 8;
    private const int MaxMantissa = (1 << 18) - 1;
    private readonly ReadOnlySpan<byte> _ssrcs;

    private RtcpRemb(uint senderSsrc, ulong bitrate, ReadOnlySpan<byte> ssrcs)
    {
        SenderSsrc = senderSsrc;
        Bitrate = bitrate;
        _ssrcs = ssrcs;
    }

    /// <summary>The SSRC of the packet sender.</summary>
    public uint SenderSsrc { get; }

    /// <summary>The estimated maximum bitrate in bits per second.</summary>
    public ulong Bitrate { get; }

    /// <summary>The number of SSRCs the estimate applies to.</summary>
    public int SsrcCount => _ssrcs.Length / 4;

    /// <summary>Reads SSRC <paramref name="index"/>.</summary>
    /// <param name="index">0 ≤ index &lt; <see cref="SsrcCount"/>.</param>
    /// <returns>The SSRC.</returns>
    public uint GetSsrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, SsrcCount);
        return BinaryPrimitives.ReadUInt32BigEndian(_ssrcs[(4 * index)..]);
    }

    /// <summary>Whether an application-layer feedback body carries the "REMB" unique identifier.</summary>
    /// <param name="body">The PSFB body (after the common header).</param>
    /// <returns><see langword="true"/> for REMB.</returns>
    public static bool HasRembIdentifier(ReadOnlySpan<byte> body) =>
        body.Length >= RtcpFeedbackHeader.Length + 4 && body.Slice(RtcpFeedbackHeader.Length, 4).SequenceEqual("REMB"u8);

    /// <summary>Reads a REMB.</summary>
    /// <param name="packet">A framed packet.</param>
    /// <param name="remb">The view.</param>
    /// <param name="error">Why it is not valid.</param>
    /// <returns><see langword="true"/> for a valid REMB.</returns>
    public static bool TryParse(RtcpPacketView packet, out RtcpRemb remb, out RtcpParseError error)
    {
        remb = default;
        if (!RtcpFeedbackHeader.Check(packet, RtcpPacketType.PayloadFeedback, RtcpPacketType.FormatApplicationLayerFeedback, out error))
        {
            return false;
        }

        ReadOnlySpan<byte> body = packet.Body;
        if (!HasRembIdentifier(body))
        {
            error = RtcpParseError.NotRemb;
            return false;
        }

        if (body.Length < FixedLength)
        {
            error = RtcpParseError.BodyTooShort;
            return false;
        }

        // draft-alvestrand-rmcat-remb §2.2: Num SSRC (8 bits), BR Exp (6 bits), BR Mantissa (18 bits), SSRCs.
        int count = body[12];
        uint word = BinaryPrimitives.ReadUInt32BigEndian(body[12..]);
        int exponent = (int)((word >> 18) & 0x3F);
        ulong mantissa = word & MaxMantissa;
        if (body.Length - FixedLength < 4 * count)
        {
            error = RtcpParseError.MalformedFeedback;
            return false;
        }

        // A 6-bit exponent can shift an 18-bit mantissa past 64 bits; saturate rather than wrap.
        ulong bitrate = mantissa > (ulong.MaxValue >> exponent) ? ulong.MaxValue : mantissa << exponent;
        remb = new RtcpRemb(BinaryPrimitives.ReadUInt32BigEndian(body), bitrate, body.Slice(FixedLength, 4 * count));
        error = RtcpParseError.None;
        return true;
    }

    /// <summary>The size of a REMB covering <paramref name="ssrcCount"/> SSRCs.</summary>
    /// <param name="ssrcCount">0–255.</param>
    /// <returns>Bytes.</returns>
    public static int GetSerializedLength(int ssrcCount) => RtcpPacketView.HeaderLength + FixedLength + (4 * ssrcCount);

    /// <summary>Writes a REMB; the bitrate is rounded down to what mantissa × 2^exp can express.</summary>
    /// <param name="destination">The buffer.</param>
    /// <param name="senderSsrc">Our SSRC.</param>
    /// <param name="bitrate">The estimate in bits per second.</param>
    /// <param name="ssrcs">0–255 SSRCs it applies to.</param>
    /// <param name="written">Bytes written, 0 on failure.</param>
    /// <returns><see langword="false"/> when the buffer is too small.</returns>
    public static bool TryWrite(Span<byte> destination, uint senderSsrc, ulong bitrate, ReadOnlySpan<uint> ssrcs, out int written)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ssrcs.Length, 255);
        written = 0;
        int length = GetSerializedLength(ssrcs.Length);
        if (destination.Length < length)
        {
            return false;
        }

        int exponent = 0;
        while (bitrate >> exponent > MaxMantissa)
        {
            exponent++;
        }

        uint mantissa = (uint)(bitrate >> exponent);
        RtcpFeedbackHeader.Write(destination, RtcpPacketType.PayloadFeedback, RtcpPacketType.FormatApplicationLayerFeedback, length, senderSsrc, 0);
        "REMB"u8.CopyTo(destination[12..]);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], ((uint)ssrcs.Length << 24) | ((uint)exponent << 18) | mantissa);
        int offset = 20;
        foreach (uint ssrc in ssrcs)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], ssrc);
            offset += 4;
        }

        written = length;
        return true;
    }
}
