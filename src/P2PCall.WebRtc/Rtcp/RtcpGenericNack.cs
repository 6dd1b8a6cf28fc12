using System.Buffers.Binary;

namespace P2PCall.WebRtc.Rtcp;

/// <summary>
/// Generic NACK (RTPFB FMT 1; RFC 4585 §6.2.1): pairs of PID (a lost sequence number) and BLP (a bitmask
/// of the 16 following sequence numbers, bit i set when PID + i + 1 is lost).
/// </summary>
internal readonly ref struct RtcpGenericNack
{
    private const int PairLength = 4;
    private readonly ReadOnlySpan<byte> _fci;

    private RtcpGenericNack(uint senderSsrc, uint mediaSsrc, ReadOnlySpan<byte> fci)
    {
        SenderSsrc = senderSsrc;
        MediaSsrc = mediaSsrc;
        _fci = fci;
    }

    /// <summary>The SSRC of the packet sender (the receiver asking for retransmission).</summary>
    public uint SenderSsrc { get; }

    /// <summary>The SSRC of the media source whose packets are lost.</summary>
    public uint MediaSsrc { get; }

    /// <summary>The number of PID/BLP pairs.</summary>
    public int PairCount => _fci.Length / PairLength;

    /// <summary>Reads pair <paramref name="index"/>.</summary>
    /// <param name="index">0 ≤ index &lt; <see cref="PairCount"/>.</param>
    /// <returns>The packet id and the bitmask of following lost packets.</returns>
    public (ushort PacketId, ushort LostBitmask) GetPair(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, PairCount);
        ReadOnlySpan<byte> pair = _fci.Slice(index * PairLength, PairLength);
        return (BinaryPrimitives.ReadUInt16BigEndian(pair), BinaryPrimitives.ReadUInt16BigEndian(pair[2..]));
    }

    /// <summary>Enumerates every lost sequence number the pairs describe, in wire order.</summary>
    /// <returns>An allocation-free enumerator.</returns>
    public LostEnumerator GetLostSequenceNumbers() => new(_fci);

    /// <summary>Reads a generic NACK.</summary>
    /// <param name="packet">A framed packet.</param>
    /// <param name="nack">The view.</param>
    /// <param name="error">Why it is not valid.</param>
    /// <returns><see langword="true"/> for a valid NACK with at least one pair.</returns>
    public static bool TryParse(RtcpPacketView packet, out RtcpGenericNack nack, out RtcpParseError error)
    {
        nack = default;
        if (!RtcpFeedbackHeader.Check(packet, RtcpPacketType.TransportFeedback, RtcpPacketType.FormatGenericNack, out error))
        {
            return false;
        }

        // RFC 4585 §6.2.1: one or more FCI entries of 4 bytes each.
        ReadOnlySpan<byte> fci = packet.Body[RtcpFeedbackHeader.Length..];
        if (fci.IsEmpty || fci.Length % PairLength != 0)
        {
            error = RtcpParseError.MalformedFeedback;
            return false;
        }

        ReadOnlySpan<byte> body = packet.Body;
        nack = new RtcpGenericNack(BinaryPrimitives.ReadUInt32BigEndian(body), BinaryPrimitives.ReadUInt32BigEndian(body[4..]), fci);
        return true;
    }

    /// <summary>Counts the PID/BLP pairs needed for <paramref name="lost"/>.</summary>
    /// <param name="lost">Lost sequence numbers; ascending (wrap-aware) order gives the fewest pairs, any order is correct.</param>
    /// <returns>The pair count.</returns>
    public static int GetPairCount(ReadOnlySpan<ushort> lost)
    {
        int pairs = 0;
        ushort pid = 0;
        for (int i = 0; i < lost.Length; i++)
        {
            // Same rule as TryWrite: a new pair unless within PID + 1..16 (or a repeat of PID).
            int distance = (ushort)(lost[i] - pid);
            if (pairs == 0 || distance > 16)
            {
                pairs++;
                pid = lost[i];
            }
        }

        return pairs;
    }

    /// <summary>The size of a NACK for <paramref name="lost"/>.</summary>
    /// <param name="lost">The lost sequence numbers (at least one).</param>
    /// <returns>Bytes.</returns>
    /// <exception cref="ArgumentException">The pairs would not fit the 16-bit length field.</exception>
    public static int GetSerializedLength(ReadOnlySpan<ushort> lost)
    {
        int length = RtcpPacketView.HeaderLength + RtcpFeedbackHeader.Length + (PairLength * GetPairCount(lost));
        if ((length / 4) - 1 > ushort.MaxValue)
        {
            throw new ArgumentException("Too many NACK pairs for one packet; split the list.", nameof(lost));
        }

        return length;
    }

    /// <summary>Writes a NACK for <paramref name="lost"/>.</summary>
    /// <param name="destination">The buffer.</param>
    /// <param name="senderSsrc">Our SSRC.</param>
    /// <param name="mediaSsrc">The media source whose packets are lost.</param>
    /// <param name="lost">The lost sequence numbers (at least one); order as for <see cref="GetPairCount"/>.</param>
    /// <param name="written">Bytes written, 0 on failure.</param>
    /// <returns><see langword="false"/> when the buffer is too small.</returns>
    /// <exception cref="ArgumentException"><paramref name="lost"/> is empty.</exception>
    public static bool TryWrite(Span<byte> destination, uint senderSsrc, uint mediaSsrc, ReadOnlySpan<ushort> lost, out int written)
    {
        if (lost.IsEmpty)
        {
            throw new ArgumentException("A NACK needs at least one lost sequence number (RFC 4585 §6.2.1).", nameof(lost));
        }

        written = 0;
        int length = GetSerializedLength(lost);
        if (destination.Length < length)
        {
            return false;
        }

        RtcpFeedbackHeader.Write(destination, RtcpPacketType.TransportFeedback, RtcpPacketType.FormatGenericNack, length, senderSsrc, mediaSsrc);
        int offset = RtcpPacketView.HeaderLength + RtcpFeedbackHeader.Length - PairLength;
        ushort pid = 0;
        ushort blp = 0;
        bool open = false;
        foreach (ushort seq in lost)
        {
            int distance = (ushort)(seq - pid);
            if (open && distance == 0)
            {
                continue;
            }

            if (open && distance <= 16)
            {
                blp |= (ushort)(1 << (distance - 1));
                BinaryPrimitives.WriteUInt16BigEndian(destination[(offset + 2)..], blp);
                continue;
            }

            offset += PairLength;
            pid = seq;
            blp = 0;
            open = true;
            BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], pid);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(offset + 2)..], 0);
        }

        written = length;
        return true;
    }

    /// <summary>Expands PID/BLP pairs into sequence numbers (16-bit arithmetic, so PID 65535 + 1 is 0).</summary>
    internal ref struct LostEnumerator
    {
        private readonly ReadOnlySpan<byte> _fci;
        private int _offset;
        private int _bit;

        /// <summary>Creates the enumerator.</summary>
        /// <param name="fci">The validated FCI.</param>
        public LostEnumerator(ReadOnlySpan<byte> fci)
        {
            _fci = fci;
            _offset = -PairLength;
            _bit = 16;
            Current = 0;
        }

        /// <summary>The current lost sequence number.</summary>
        public ushort Current { get; private set; }

        /// <summary>Returns this enumerator (for <c>foreach</c>).</summary>
        /// <returns>This enumerator.</returns>
        public readonly LostEnumerator GetEnumerator() => this;

        /// <summary>Moves to the next lost sequence number.</summary>
        /// <returns><see langword="false"/> at the end.</returns>
        public bool MoveNext()
        {
            while (true)
            {
                if (_bit >= 16)
                {
                    _offset += PairLength;
                    if (_offset >= _fci.Length)
                    {
                        return false;
                    }

                    Current = BinaryPrimitives.ReadUInt16BigEndian(_fci[_offset..]);
                    _bit = 0;
                    return true;
                }

                int bit = _bit++;
                ushort blp = BinaryPrimitives.ReadUInt16BigEndian(_fci[(_offset + 2)..]);
                if ((blp & (1 << bit)) != 0)
                {
                    // RFC 4585 §6.2.1: bit i of BLP reports PID + i + 1.
                    Current = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(_fci[_offset..]) + bit + 1);
                    return true;
                }
            }
        }
    }
}
