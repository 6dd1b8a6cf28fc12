using System.Buffers.Binary;
using System.Text;

namespace P2PCall.WebRtc.Rtcp;

/// <summary>A goodbye packet (BYE, PT 203; RFC 3550 §6.6): the sources leaving and an optional reason.</summary>
internal readonly ref struct RtcpGoodbye
{
    private readonly ReadOnlySpan<byte> _body;

    private RtcpGoodbye(ReadOnlySpan<byte> body, int count, ReadOnlySpan<byte> reason)
    {
        _body = body;
        SourceCount = count;
        Reason = reason;
    }

    /// <summary>The number of SSRC/CSRC identifiers (SC).</summary>
    public int SourceCount { get; }

    /// <summary>The UTF-8 reason for leaving; empty when absent.</summary>
    public ReadOnlySpan<byte> Reason { get; }

    /// <summary>Reads identifier <paramref name="index"/>.</summary>
    /// <param name="index">0 ≤ index &lt; <see cref="SourceCount"/>.</param>
    /// <returns>The SSRC or CSRC.</returns>
    public uint GetSsrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, SourceCount);
        return BinaryPrimitives.ReadUInt32BigEndian(_body[(4 * index)..]);
    }

    /// <summary>Reads a BYE.</summary>
    /// <param name="packet">A framed packet.</param>
    /// <param name="bye">The view.</param>
    /// <param name="error">Why it is not valid.</param>
    /// <returns><see langword="true"/> for a valid BYE.</returns>
    public static bool TryParse(RtcpPacketView packet, out RtcpGoodbye bye, out RtcpParseError error)
    {
        bye = default;
        if (packet.PacketType != RtcpPacketType.Goodbye)
        {
            error = RtcpParseError.WrongPacketType;
            return false;
        }

        ReadOnlySpan<byte> body = packet.Body;
        int ids = 4 * packet.Count;
        if (body.Length < ids)
        {
            error = RtcpParseError.BodyTooShort;
            return false;
        }

        ReadOnlySpan<byte> reason = default;
        if (body.Length > ids)
        {
            // RFC 3550 §6.6: optional reason = length octet + text, padded to 32 bits.
            int length = body[ids];
            if (length > body.Length - ids - 1)
            {
                error = RtcpParseError.MalformedByeReason;
                return false;
            }

            reason = body.Slice(ids + 1, length);
        }

        bye = new RtcpGoodbye(body, packet.Count, reason);
        error = RtcpParseError.None;
        return true;
    }

    /// <summary>The size of a BYE.</summary>
    /// <param name="sourceCount">0–31 identifiers.</param>
    /// <param name="reason">The reason, or <see langword="null"/>; at most 255 UTF-8 bytes.</param>
    /// <returns>Bytes.</returns>
    public static int GetSerializedLength(int sourceCount, string? reason)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sourceCount, 31);
        int length = RtcpPacketView.HeaderLength + (4 * sourceCount);
        if (!string.IsNullOrEmpty(reason))
        {
            int text = Encoding.UTF8.GetByteCount(reason);
            if (text > 255)
            {
                throw new ArgumentException("A BYE reason holds at most 255 bytes (RFC 3550 §6.6).", nameof(reason));
            }

            length += (1 + text + 3) & ~3;
        }

        return length;
    }

    /// <summary>Writes a BYE.</summary>
    /// <param name="destination">The buffer.</param>
    /// <param name="ssrcs">0–31 sources leaving.</param>
    /// <param name="reason">An optional reason.</param>
    /// <param name="written">Bytes written, 0 on failure.</param>
    /// <returns><see langword="false"/> when the buffer is too small.</returns>
    public static bool TryWrite(Span<byte> destination, ReadOnlySpan<uint> ssrcs, string? reason, out int written)
    {
        written = 0;
        int length = GetSerializedLength(ssrcs.Length, reason);
        if (destination.Length < length)
        {
            return false;
        }

        destination[..length].Clear();
        RtcpPacketView.WriteHeader(destination, ssrcs.Length, RtcpPacketType.Goodbye, length);
        int offset = RtcpPacketView.HeaderLength;
        foreach (uint ssrc in ssrcs)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], ssrc);
            offset += 4;
        }

        if (!string.IsNullOrEmpty(reason))
        {
            destination[offset] = (byte)Encoding.UTF8.GetBytes(reason, destination[(offset + 1)..]);
        }

        written = length;
        return true;
    }
}
