using System.Buffers.Binary;

namespace P2PCall.WebRtc.Rtcp;

/// <summary>One FIR request (RFC 5104 §4.3.1.1): the SSRC asked for a decoder refresh and the command sequence number.</summary>
/// <param name="Ssrc">The media sender that should send a decoder refresh point.</param>
/// <param name="SequenceNumber">The command sequence number, incremented per new request (RFC 5104 §4.3.1.2).</param>
internal readonly record struct RtcpFirEntry(uint Ssrc, byte SequenceNumber);

/// <summary>Full intra request (PSFB FMT 4; RFC 5104 §4.3.1): one or more (SSRC, sequence number) entries.</summary>
internal readonly ref struct RtcpFullIntraRequest
{
    private const int EntryLength = 8;
    private readonly ReadOnlySpan<byte> _fci;

    private RtcpFullIntraRequest(uint senderSsrc, ReadOnlySpan<byte> fci)
    {
        SenderSsrc = senderSsrc;
        _fci = fci;
    }

    /// <summary>The SSRC of the packet sender.</summary>
    public uint SenderSsrc { get; }

    /// <summary>The number of FCI entries.</summary>
    public int EntryCount => _fci.Length / EntryLength;

    /// <summary>Reads entry <paramref name="index"/>.</summary>
    /// <param name="index">0 ≤ index &lt; <see cref="EntryCount"/>.</param>
    /// <returns>The entry.</returns>
    public RtcpFirEntry GetEntry(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, EntryCount);
        ReadOnlySpan<byte> entry = _fci.Slice(index * EntryLength, EntryLength);
        return new RtcpFirEntry(BinaryPrimitives.ReadUInt32BigEndian(entry), entry[4]);
    }

    /// <summary>Reads a FIR.</summary>
    /// <param name="packet">A framed packet.</param>
    /// <param name="fir">The view.</param>
    /// <param name="error">Why it is not valid.</param>
    /// <returns><see langword="true"/> for a FIR with at least one whole entry.</returns>
    public static bool TryParse(RtcpPacketView packet, out RtcpFullIntraRequest fir, out RtcpParseError error)
    {
        fir = default;
        if (!RtcpFeedbackHeader.Check(packet, RtcpPacketType.PayloadFeedback, RtcpPacketType.FormatFullIntraRequest, out error))
        {
            return false;
        }

        // RFC 5104 §4.3.1.1: the media source SSRC is unused (0); FCI holds one or more 8-byte entries.
        ReadOnlySpan<byte> fci = packet.Body[RtcpFeedbackHeader.Length..];
        if (fci.IsEmpty || fci.Length % EntryLength != 0)
        {
            error = RtcpParseError.MalformedFeedback;
            return false;
        }

        fir = new RtcpFullIntraRequest(BinaryPrimitives.ReadUInt32BigEndian(packet.Body), fci);
        return true;
    }

    /// <summary>The size of a FIR with <paramref name="entryCount"/> entries.</summary>
    /// <param name="entryCount">At least one.</param>
    /// <returns>Bytes.</returns>
    public static int GetSerializedLength(int entryCount) => RtcpPacketView.HeaderLength + RtcpFeedbackHeader.Length + (EntryLength * entryCount);

    /// <summary>Writes a FIR.</summary>
    /// <param name="destination">The buffer.</param>
    /// <param name="senderSsrc">Our SSRC.</param>
    /// <param name="entries">One or more requests.</param>
    /// <param name="written">Bytes written, 0 on failure.</param>
    /// <returns><see langword="false"/> when the buffer is too small.</returns>
    public static bool TryWrite(Span<byte> destination, uint senderSsrc, ReadOnlySpan<RtcpFirEntry> entries, out int written)
    {
        if (entries.IsEmpty)
        {
            throw new ArgumentException("A FIR needs at least one entry (RFC 5104 §4.3.1.1).", nameof(entries));
        }

        written = 0;
        int length = GetSerializedLength(entries.Length);
        if (destination.Length < length)
        {
            return false;
        }

        RtcpFeedbackHeader.Write(destination, RtcpPacketType.PayloadFeedback, RtcpPacketType.FormatFullIntraRequest, length, senderSsrc, 0);
        int offset = RtcpPacketView.HeaderLength + RtcpFeedbackHeader.Length;
        foreach (RtcpFirEntry entry in entries)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], entry.Ssrc);
            destination[offset + 4] = entry.SequenceNumber;
            destination.Slice(offset + 5, 3).Clear();
            offset += EntryLength;
        }

        written = length;
        return true;
    }
}
