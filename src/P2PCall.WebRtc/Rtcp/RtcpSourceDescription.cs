using System.Buffers.Binary;
using System.Text;

namespace P2PCall.WebRtc.Rtcp;

/// <summary>SDES item types (RFC 3550 §6.5; MID from RFC 8843 §14).</summary>
internal enum RtcpSdesItemType : byte
{
    /// <summary>End of the item list.</summary>
    End = 0,

    /// <summary>Canonical end-point identifier (RFC 3550 §6.5.1).</summary>
    CName = 1,

    /// <summary>User name (RFC 3550 §6.5.2).</summary>
    Name = 2,

    /// <summary>E-mail address (RFC 3550 §6.5.3).</summary>
    Email = 3,

    /// <summary>Phone number (RFC 3550 §6.5.4).</summary>
    Phone = 4,

    /// <summary>Geographic location (RFC 3550 §6.5.5).</summary>
    Location = 5,

    /// <summary>Application or tool name (RFC 3550 §6.5.6).</summary>
    Tool = 6,

    /// <summary>Notice or status (RFC 3550 §6.5.7).</summary>
    Note = 7,

    /// <summary>Private extension (RFC 3550 §6.5.8).</summary>
    Private = 8,

    /// <summary>Media identification (RFC 8843 §14).</summary>
    Mid = 15,
}

/// <summary>An SDES item to write: which source, which item, its text (at most 255 UTF-8 bytes).</summary>
/// <param name="Ssrc">The SSRC or CSRC of the chunk; consecutive items with the same SSRC share one chunk.</param>
/// <param name="Type">The item type (not <see cref="RtcpSdesItemType.End"/>).</param>
/// <param name="Text">The item text.</param>
internal readonly record struct RtcpSdesItem(uint Ssrc, RtcpSdesItemType Type, string Text);

/// <summary>One item read from an SDES chunk, with the chunk's SSRC.</summary>
internal readonly ref struct RtcpSdesItemView
{
    /// <summary>Creates an item view.</summary>
    /// <param name="ssrc">The SSRC or CSRC of the chunk holding the item.</param>
    /// <param name="type">The item type.</param>
    /// <param name="text">The item's UTF-8 text.</param>
    public RtcpSdesItemView(uint ssrc, RtcpSdesItemType type, ReadOnlySpan<byte> text)
    {
        Ssrc = ssrc;
        Type = type;
        Text = text;
    }

    /// <summary>The SSRC or CSRC of the chunk holding the item.</summary>
    public uint Ssrc { get; }

    /// <summary>The item type.</summary>
    public RtcpSdesItemType Type { get; }

    /// <summary>The UTF-8 text, 0–255 bytes.</summary>
    public ReadOnlySpan<byte> Text { get; }
}

/// <summary>
/// A source description packet (SDES, PT 202; RFC 3550 §6.5). <see cref="TryParse"/> validates every chunk
/// and item, so the enumerators need no further checks.
/// </summary>
internal readonly ref struct RtcpSourceDescription
{
    private readonly ReadOnlySpan<byte> _body;

    private RtcpSourceDescription(ReadOnlySpan<byte> body, int count)
    {
        _body = body;
        ChunkCount = count;
    }

    /// <summary>The number of chunks (SC).</summary>
    public int ChunkCount { get; }

    /// <summary>Enumerates the items of every chunk in wire order.</summary>
    /// <returns>An allocation-free enumerator.</returns>
    public Enumerator GetEnumerator() => new(_body, ChunkCount);

    /// <summary>Finds the CNAME of <paramref name="ssrc"/>.</summary>
    /// <param name="ssrc">The source.</param>
    /// <param name="cname">The CNAME bytes.</param>
    /// <returns><see langword="true"/> when a CNAME for that source is present.</returns>
    public bool TryGetCName(uint ssrc, out ReadOnlySpan<byte> cname)
    {
        foreach (RtcpSdesItemView item in this)
        {
            if (item.Ssrc == ssrc && item.Type == RtcpSdesItemType.CName)
            {
                cname = item.Text;
                return true;
            }
        }

        cname = default;
        return false;
    }

    /// <summary>Reads and validates an SDES packet.</summary>
    /// <param name="packet">A framed packet.</param>
    /// <param name="sdes">The view.</param>
    /// <param name="error">Why it is not valid.</param>
    /// <returns><see langword="true"/> for a valid SDES.</returns>
    public static bool TryParse(RtcpPacketView packet, out RtcpSourceDescription sdes, out RtcpParseError error)
    {
        sdes = default;
        if (packet.PacketType != RtcpPacketType.SourceDescription)
        {
            error = RtcpParseError.WrongPacketType;
            return false;
        }

        ReadOnlySpan<byte> body = packet.Body;
        int offset = 0;
        for (int chunk = 0; chunk < packet.Count; chunk++)
        {
            if (body.Length - offset < 4)
            {
                error = RtcpParseError.MalformedSourceDescription;
                return false;
            }

            offset += 4;
            while (true)
            {
                if (offset >= body.Length)
                {
                    error = RtcpParseError.MalformedSourceDescription;
                    return false;
                }

                if (body[offset] == 0)
                {
                    // RFC 3550 §6.5: a null octet ends the items; null octets pad to the next 32-bit boundary.
                    offset = (offset + 4) & ~3;
                    if (offset > body.Length)
                    {
                        error = RtcpParseError.MalformedSourceDescription;
                        return false;
                    }

                    break;
                }

                // RFC 3550 §6.5: item = type (8 bits), length (8 bits), text.
                if (body.Length - offset < 2 || body[offset + 1] > body.Length - offset - 2)
                {
                    error = RtcpParseError.MalformedSourceDescription;
                    return false;
                }

                offset += 2 + body[offset + 1];
            }
        }

        sdes = new RtcpSourceDescription(body, packet.Count);
        error = RtcpParseError.None;
        return true;
    }

    /// <summary>The size of an SDES packet carrying <paramref name="items"/>.</summary>
    /// <param name="items">The items; consecutive items of one SSRC share a chunk.</param>
    /// <returns>Bytes.</returns>
    /// <exception cref="ArgumentException">An item text is longer than 255 UTF-8 bytes, an item type is End, or there are more than 31 chunks.</exception>
    public static int GetSerializedLength(ReadOnlySpan<RtcpSdesItem> items)
    {
        int length = RtcpPacketView.HeaderLength;
        int chunks = 0;
        int chunkLength = 0;
        for (int i = 0; i < items.Length; i++)
        {
            if (i == 0 || items[i].Ssrc != items[i - 1].Ssrc)
            {
                length += (chunkLength + 3) & ~3;
                chunkLength = 4 + 1; // SSRC + the terminating null octet.
                chunks++;
            }

            if (items[i].Type == RtcpSdesItemType.End)
            {
                throw new ArgumentException("An SDES item cannot have type End.", nameof(items));
            }

            int textLength = Encoding.UTF8.GetByteCount(items[i].Text);
            if (textLength > 255)
            {
                throw new ArgumentException("An SDES item holds at most 255 bytes (RFC 3550 §6.5).", nameof(items));
            }

            chunkLength += 2 + textLength;
        }

        if (chunks > 31)
        {
            throw new ArgumentException("At most 31 chunks fit the SC field.", nameof(items));
        }

        return chunks == 0 ? length : length + ((chunkLength + 3) & ~3);
    }

    /// <summary>Writes an SDES packet.</summary>
    /// <param name="destination">The buffer.</param>
    /// <param name="items">The items; consecutive items of one SSRC share a chunk.</param>
    /// <param name="written">Bytes written, 0 on failure.</param>
    /// <returns><see langword="false"/> when the buffer is too small.</returns>
    public static bool TryWrite(Span<byte> destination, ReadOnlySpan<RtcpSdesItem> items, out int written)
    {
        written = 0;
        int length = GetSerializedLength(items);
        if (destination.Length < length)
        {
            return false;
        }

        destination[..length].Clear();
        int offset = RtcpPacketView.HeaderLength;
        int chunks = 0;
        for (int i = 0; i < items.Length; i++)
        {
            if (i == 0 || items[i].Ssrc != items[i - 1].Ssrc)
            {
                if (i > 0)
                {
                    // RFC 3550 §6.5: null terminator plus zero padding to a 32-bit boundary (already cleared).
                    offset = (offset + 4) & ~3;
                }

                BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], items[i].Ssrc);
                offset += 4;
                chunks++;
            }

            destination[offset] = (byte)items[i].Type;
            int textLength = Encoding.UTF8.GetBytes(items[i].Text, destination[(offset + 2)..]);
            destination[offset + 1] = (byte)textLength;
            offset += 2 + textLength;
        }

        RtcpPacketView.WriteHeader(destination, chunks, RtcpPacketType.SourceDescription, length);
        written = length;
        return true;
    }

    /// <summary>Walks the chunks and items of a validated SDES body.</summary>
    internal ref struct Enumerator
    {
        private readonly ReadOnlySpan<byte> _body;
        private int _chunksLeft;
        private int _offset;
        private uint _ssrc;
        private bool _inChunk;

        /// <summary>Creates the enumerator.</summary>
        /// <param name="body">A validated body.</param>
        /// <param name="chunks">The chunk count.</param>
        public Enumerator(ReadOnlySpan<byte> body, int chunks)
        {
            _body = body;
            _chunksLeft = chunks;
            _offset = 0;
            _ssrc = 0;
            _inChunk = false;
            Current = default;
        }

        /// <summary>The current item.</summary>
        public RtcpSdesItemView Current { get; private set; }

        /// <summary>Moves to the next item.</summary>
        /// <returns><see langword="false"/> after the last item.</returns>
        public bool MoveNext()
        {
            while (true)
            {
                if (!_inChunk)
                {
                    if (_chunksLeft == 0)
                    {
                        return false;
                    }

                    _chunksLeft--;
                    _ssrc = BinaryPrimitives.ReadUInt32BigEndian(_body[_offset..]);
                    _offset += 4;
                    _inChunk = true;
                }

                byte type = _body[_offset];
                if (type == 0)
                {
                    _offset = (_offset + 4) & ~3;
                    _inChunk = false;
                    continue;
                }

                int length = _body[_offset + 1];
                Current = new RtcpSdesItemView(_ssrc, (RtcpSdesItemType)type, _body.Slice(_offset + 2, length));
                _offset += 2 + length;
                return true;
            }
        }
    }
}
