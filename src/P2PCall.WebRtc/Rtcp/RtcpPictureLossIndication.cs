using System.Buffers.Binary;

namespace P2PCall.WebRtc.Rtcp;

/// <summary>Picture loss indication (PSFB FMT 1; RFC 4585 §6.3.1): no FCI, answer with a key frame.</summary>
internal readonly ref struct RtcpPictureLossIndication
{
    /// <summary>The wire size of a PLI.</summary>
    public const int Length = RtcpPacketView.HeaderLength + RtcpFeedbackHeader.Length;

    private RtcpPictureLossIndication(uint senderSsrc, uint mediaSsrc)
    {
        SenderSsrc = senderSsrc;
        MediaSsrc = mediaSsrc;
    }

    /// <summary>The SSRC of the packet sender.</summary>
    public uint SenderSsrc { get; }

    /// <summary>The SSRC of the media source that should send a key frame.</summary>
    public uint MediaSsrc { get; }

    /// <summary>Reads a PLI.</summary>
    /// <param name="packet">A framed packet.</param>
    /// <param name="pli">The view.</param>
    /// <param name="error">Why it is not valid.</param>
    /// <returns><see langword="true"/> for a PLI.</returns>
    public static bool TryParse(RtcpPacketView packet, out RtcpPictureLossIndication pli, out RtcpParseError error)
    {
        pli = default;
        if (!RtcpFeedbackHeader.Check(packet, RtcpPacketType.PayloadFeedback, RtcpPacketType.FormatPictureLossIndication, out error))
        {
            return false;
        }

        ReadOnlySpan<byte> body = packet.Body;
        pli = new RtcpPictureLossIndication(BinaryPrimitives.ReadUInt32BigEndian(body), BinaryPrimitives.ReadUInt32BigEndian(body[4..]));
        return true;
    }

    /// <summary>Writes a PLI.</summary>
    /// <param name="destination">The buffer.</param>
    /// <param name="senderSsrc">Our SSRC.</param>
    /// <param name="mediaSsrc">The media source asked for a key frame.</param>
    /// <param name="written">Bytes written, 0 on failure.</param>
    /// <returns><see langword="false"/> when the buffer is too small.</returns>
    public static bool TryWrite(Span<byte> destination, uint senderSsrc, uint mediaSsrc, out int written)
    {
        written = 0;
        if (destination.Length < Length)
        {
            return false;
        }

        RtcpFeedbackHeader.Write(destination, RtcpPacketType.PayloadFeedback, RtcpPacketType.FormatPictureLossIndication, Length, senderSsrc, mediaSsrc);
        written = Length;
        return true;
    }
}
