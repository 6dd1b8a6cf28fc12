using System.Buffers.Binary;

namespace P2PCall.WebRtc.Rtcp;

/// <summary>The common part of RTPFB/PSFB feedback messages (RFC 4585 §6.1).</summary>
internal static class RtcpFeedbackHeader
{
    /// <summary>Sender SSRC + media source SSRC.</summary>
    public const int Length = 8;

    /// <summary>Checks packet type, format and the 8-byte SSRC pair.</summary>
    /// <param name="packet">The framed packet.</param>
    /// <param name="packetType">The expected PT.</param>
    /// <param name="format">The expected FMT.</param>
    /// <param name="error">Why not.</param>
    /// <returns><see langword="true"/> when the packet is that feedback type and long enough.</returns>
    public static bool Check(RtcpPacketView packet, byte packetType, int format, out RtcpParseError error)
    {
        if (packet.PacketType != packetType || packet.Format != format)
        {
            error = RtcpParseError.WrongPacketType;
            return false;
        }

        if (packet.Body.Length < Length)
        {
            error = RtcpParseError.BodyTooShort;
            return false;
        }

        error = RtcpParseError.None;
        return true;
    }

    /// <summary>Writes header and SSRC pair.</summary>
    /// <param name="destination">The buffer (at least 12 bytes).</param>
    /// <param name="packetType">PT.</param>
    /// <param name="format">FMT.</param>
    /// <param name="packetLength">Whole packet length.</param>
    /// <param name="senderSsrc">The packet sender's SSRC.</param>
    /// <param name="mediaSsrc">The media source SSRC.</param>
    public static void Write(Span<byte> destination, byte packetType, int format, int packetLength, uint senderSsrc, uint mediaSsrc)
    {
        RtcpPacketView.WriteHeader(destination, format, packetType, packetLength);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], mediaSsrc);
    }
}
