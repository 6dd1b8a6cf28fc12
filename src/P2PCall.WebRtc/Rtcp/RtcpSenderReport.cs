using System.Buffers.Binary;

namespace P2PCall.WebRtc.Rtcp;

/// <summary>The sender information of an SR (RFC 3550 §6.4.1).</summary>
/// <param name="NtpTimestamp">The 64-bit NTP wallclock time the report was sent.</param>
/// <param name="RtpTimestamp">The RTP timestamp matching <paramref name="NtpTimestamp"/>.</param>
/// <param name="PacketCount">RTP data packets sent since the start (wraps at 2^32).</param>
/// <param name="OctetCount">RTP payload octets sent since the start (wraps at 2^32).</param>
internal readonly record struct RtcpSenderInfo(ulong NtpTimestamp, uint RtpTimestamp, uint PacketCount, uint OctetCount)
{
    /// <summary>The wire size of the sender information.</summary>
    public const int Length = 20;
}

/// <summary>A sender report (SR, PT 200; RFC 3550 §6.4.1): sender SSRC, sender info and report blocks.</summary>
internal readonly ref struct RtcpSenderReport
{
    private const int FixedBodyLength = 4 + RtcpSenderInfo.Length;
    private readonly ReadOnlySpan<byte> _body;

    private RtcpSenderReport(ReadOnlySpan<byte> body, int count)
    {
        _body = body;
        ReportCount = count;
    }

    /// <summary>The SSRC of the sender.</summary>
    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_body);

    /// <summary>The sender information.</summary>
    public RtcpSenderInfo SenderInfo => new(
        BinaryPrimitives.ReadUInt64BigEndian(_body[4..]),
        BinaryPrimitives.ReadUInt32BigEndian(_body[12..]),
        BinaryPrimitives.ReadUInt32BigEndian(_body[16..]),
        BinaryPrimitives.ReadUInt32BigEndian(_body[20..]));

    /// <summary>The number of report blocks (RC).</summary>
    public int ReportCount { get; }

    /// <summary>Profile-specific extension bytes after the report blocks (RFC 3550 §6.4.1), usually empty.</summary>
    public ReadOnlySpan<byte> ProfileExtension => _body[(FixedBodyLength + (ReportCount * RtcpReportBlock.Length))..];

    /// <summary>Reads report block <paramref name="index"/>.</summary>
    /// <param name="index">0 ≤ index &lt; <see cref="ReportCount"/>.</param>
    /// <returns>The block.</returns>
    public RtcpReportBlock GetReportBlock(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ReportCount);
        return RtcpReportBlock.Read(_body[(FixedBodyLength + (index * RtcpReportBlock.Length))..]);
    }

    /// <summary>Reads an SR.</summary>
    /// <param name="packet">A framed packet.</param>
    /// <param name="report">The SR view.</param>
    /// <param name="error">Why it is not a valid SR.</param>
    /// <returns><see langword="true"/> for a valid SR.</returns>
    public static bool TryParse(RtcpPacketView packet, out RtcpSenderReport report, out RtcpParseError error)
    {
        report = default;
        if (packet.PacketType != RtcpPacketType.SenderReport)
        {
            error = RtcpParseError.WrongPacketType;
            return false;
        }

        if (packet.Body.Length < FixedBodyLength + (packet.Count * RtcpReportBlock.Length))
        {
            error = RtcpParseError.BodyTooShort;
            return false;
        }

        report = new RtcpSenderReport(packet.Body, packet.Count);
        error = RtcpParseError.None;
        return true;
    }

    /// <summary>The size of an SR with <paramref name="reportCount"/> blocks.</summary>
    /// <param name="reportCount">0–31 blocks.</param>
    /// <returns>Bytes.</returns>
    public static int GetSerializedLength(int reportCount) => RtcpPacketView.HeaderLength + FixedBodyLength + (reportCount * RtcpReportBlock.Length);

    /// <summary>Writes an SR.</summary>
    /// <param name="destination">The buffer.</param>
    /// <param name="senderSsrc">The sender's SSRC.</param>
    /// <param name="senderInfo">The sender information.</param>
    /// <param name="blocks">0–31 report blocks.</param>
    /// <param name="written">Bytes written, 0 on failure.</param>
    /// <returns><see langword="false"/> when the buffer is too small.</returns>
    public static bool TryWrite(Span<byte> destination, uint senderSsrc, in RtcpSenderInfo senderInfo, ReadOnlySpan<RtcpReportBlock> blocks, out int written)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blocks.Length, RtcpReportBlock.MaxPerPacket);
        written = 0;
        int length = GetSerializedLength(blocks.Length);
        if (destination.Length < length)
        {
            return false;
        }

        RtcpPacketView.WriteHeader(destination, blocks.Length, RtcpPacketType.SenderReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], senderInfo.NtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], senderInfo.RtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], senderInfo.PacketCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], senderInfo.OctetCount);
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i].Write(destination[(28 + (i * RtcpReportBlock.Length))..]);
        }

        written = length;
        return true;
    }
}
