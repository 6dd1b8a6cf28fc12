using System.Buffers.Binary;

namespace P2PCall.WebRtc.Rtcp;

/// <summary>A receiver report (RR, PT 201; RFC 3550 §6.4.2): reporter SSRC and report blocks.</summary>
internal readonly ref struct RtcpReceiverReport
{
    private readonly ReadOnlySpan<byte> _body;

    private RtcpReceiverReport(ReadOnlySpan<byte> body, int count)
    {
        _body = body;
        ReportCount = count;
    }

    /// <summary>The SSRC of the packet's sender.</summary>
    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_body);

    /// <summary>The number of report blocks (RC).</summary>
    public int ReportCount { get; }

    /// <summary>Reads report block <paramref name="index"/>.</summary>
    /// <param name="index">0 ≤ index &lt; <see cref="ReportCount"/>.</param>
    /// <returns>The block.</returns>
    public RtcpReportBlock GetReportBlock(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ReportCount);
        return RtcpReportBlock.Read(_body[(4 + (index * RtcpReportBlock.Length))..]);
    }

    /// <summary>Reads an RR.</summary>
    /// <param name="packet">A framed packet.</param>
    /// <param name="report">The RR view.</param>
    /// <param name="error">Why it is not a valid RR.</param>
    /// <returns><see langword="true"/> for a valid RR.</returns>
    public static bool TryParse(RtcpPacketView packet, out RtcpReceiverReport report, out RtcpParseError error)
    {
        report = default;
        if (packet.PacketType != RtcpPacketType.ReceiverReport)
        {
            error = RtcpParseError.WrongPacketType;
            return false;
        }

        if (packet.Body.Length < 4 + (packet.Count * RtcpReportBlock.Length))
        {
            error = RtcpParseError.BodyTooShort;
            return false;
        }

        report = new RtcpReceiverReport(packet.Body, packet.Count);
        error = RtcpParseError.None;
        return true;
    }

    /// <summary>The size of an RR with <paramref name="reportCount"/> blocks.</summary>
    /// <param name="reportCount">0–31 blocks.</param>
    /// <returns>Bytes.</returns>
    public static int GetSerializedLength(int reportCount) => RtcpPacketView.HeaderLength + 4 + (reportCount * RtcpReportBlock.Length);

    /// <summary>Writes an RR.</summary>
    /// <param name="destination">The buffer.</param>
    /// <param name="senderSsrc">The reporter's SSRC.</param>
    /// <param name="blocks">0–31 report blocks.</param>
    /// <param name="written">Bytes written, 0 on failure.</param>
    /// <returns><see langword="false"/> when the buffer is too small.</returns>
    public static bool TryWrite(Span<byte> destination, uint senderSsrc, ReadOnlySpan<RtcpReportBlock> blocks, out int written)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blocks.Length, RtcpReportBlock.MaxPerPacket);
        written = 0;
        int length = GetSerializedLength(blocks.Length);
        if (destination.Length < length)
        {
            return false;
        }

        RtcpPacketView.WriteHeader(destination, blocks.Length, RtcpPacketType.ReceiverReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], senderSsrc);
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i].Write(destination[(8 + (i * RtcpReportBlock.Length))..]);
        }

        written = length;
        return true;
    }
}
