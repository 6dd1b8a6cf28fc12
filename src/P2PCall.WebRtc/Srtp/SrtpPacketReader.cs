using System.Buffers.Binary;

namespace P2PCall.WebRtc.Srtp;

/// <summary>
/// Just enough RTP and RTCP header parsing to find where encryption starts (RFC 3550 §5.1, §6.4),
/// with bounds checks. Padding is left alone: it is part of the encrypted payload (RFC 3711 §3.1).
/// </summary>
internal static class SrtpPacketReader
{
    /// <summary>The fixed RTP header length.</summary>
    public const int RtpFixedHeaderLength = 12;

    /// <summary>Reads an RTP header: its length (fixed part, CSRC list, extension), SSRC and sequence number.</summary>
    /// <param name="packet">The packet (the part before any tag).</param>
    /// <param name="headerLength">Length of the header.</param>
    /// <param name="ssrc">The SSRC.</param>
    /// <param name="sequenceNumber">The sequence number.</param>
    /// <returns>False when the packet is shorter than its header claims or the version is not 2.</returns>
    public static bool TryReadRtpHeader(ReadOnlySpan<byte> packet, out int headerLength, out uint ssrc, out ushort sequenceNumber)
    {
        headerLength = 0;
        ssrc = 0;
        sequenceNumber = 0;
        if (packet.Length < RtpFixedHeaderLength || (packet[0] >> 6) != 2)
        {
            return false;
        }

        // RFC 3550 §5.1: CC (4 bits) CSRC identifiers follow the fixed header.
        int length = RtpFixedHeaderLength + (4 * (packet[0] & 0x0F));
        if ((packet[0] & 0x10) != 0)
        {
            // RFC 3550 §5.3.1: a 4-byte extension header whose second half is the length in 32-bit words.
            if (length + 4 > packet.Length)
            {
                return false;
            }

            length += 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(length + 2)));
        }

        if (length > packet.Length)
        {
            return false;
        }

        headerLength = length;
        sequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(2));
        ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(8));
        return true;
    }

    /// <summary>Reads the sender SSRC of the first RTCP packet of a compound packet.</summary>
    /// <param name="packet">The packet.</param>
    /// <param name="ssrc">The SSRC (bytes 4–7).</param>
    /// <returns>False when shorter than 8 bytes or the version is not 2.</returns>
    public static bool TryReadRtcpHeader(ReadOnlySpan<byte> packet, out uint ssrc)
    {
        ssrc = 0;
        if (packet.Length < SrtpCipher.RtcpHeaderLength || (packet[0] >> 6) != 2)
        {
            return false;
        }

        ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(4));
        return true;
    }
}
