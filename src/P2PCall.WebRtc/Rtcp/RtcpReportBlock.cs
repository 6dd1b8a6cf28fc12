using System.Buffers.Binary;
using P2PCall.WebRtc.Rtp;

namespace P2PCall.WebRtc.Rtcp;

/// <summary>One reception report block of an SR or RR (RFC 3550 §6.4.1), 24 bytes on the wire.</summary>
/// <param name="Ssrc">The source this block reports on (SSRC_n).</param>
/// <param name="FractionLost">The fraction lost since the previous report, ×256.</param>
/// <param name="CumulativeLost">The cumulative number of packets lost, a signed 24-bit value.</param>
/// <param name="ExtendedHighestSequenceNumber">Cycles (high 16 bits) and highest sequence number received (low 16 bits).</param>
/// <param name="Jitter">The interarrival jitter in timestamp units.</param>
/// <param name="LastSenderReport">LSR: the middle 32 bits of the last SR's NTP timestamp, 0 if none.</param>
/// <param name="DelaySinceLastSenderReport">DLSR: the delay since receiving that SR in 1/65536 s, 0 if none.</param>
internal readonly record struct RtcpReportBlock(
    uint Ssrc,
    byte FractionLost,
    int CumulativeLost,
    uint ExtendedHighestSequenceNumber,
    uint Jitter,
    uint LastSenderReport,
    uint DelaySinceLastSenderReport)
{
    /// <summary>The wire size of a report block.</summary>
    public const int Length = 24;

    /// <summary>The most report blocks one SR or RR can carry (5-bit RC field).</summary>
    public const int MaxPerPacket = 31;

    /// <summary>Builds a block from the RTP layer's reception figures.</summary>
    /// <param name="report">The figures from <see cref="RtpReceiverStatistics.CreateReport"/>.</param>
    /// <returns>The block.</returns>
    public static RtcpReportBlock From(in RtpReceptionReport report) => new(
        report.Ssrc,
        report.FractionLost,
        report.CumulativeLost,
        report.ExtendedHighestSequenceNumber,
        report.Jitter,
        report.LastSenderReport,
        report.DelaySinceLastSenderReport);

    /// <summary>Reads a block from exactly 24 or more bytes.</summary>
    /// <param name="source">The block bytes.</param>
    /// <returns>The block.</returns>
    public static RtcpReportBlock Read(ReadOnlySpan<byte> source)
    {
        uint lostWord = BinaryPrimitives.ReadUInt32BigEndian(source[4..]);

        // RFC 3550 §6.4.1: cumulative number of packets lost is a signed 24-bit integer.
        int cumulative = (int)(lostWord << 8) >> 8;
        return new RtcpReportBlock(
            BinaryPrimitives.ReadUInt32BigEndian(source),
            (byte)(lostWord >> 24),
            cumulative,
            BinaryPrimitives.ReadUInt32BigEndian(source[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[20..]));
    }

    /// <summary>Writes the block into 24 bytes; the cumulative loss is clamped to 24 signed bits.</summary>
    /// <param name="destination">At least 24 bytes.</param>
    public void Write(Span<byte> destination)
    {
        int lost = Math.Clamp(CumulativeLost, -0x800000, 0x7FFFFF);
        BinaryPrimitives.WriteUInt32BigEndian(destination, Ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ((uint)FractionLost << 24) | ((uint)lost & 0xFFFFFF));
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ExtendedHighestSequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], Jitter);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], LastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], DelaySinceLastSenderReport);
    }
}
