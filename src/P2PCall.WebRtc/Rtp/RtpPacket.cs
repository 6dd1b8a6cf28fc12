using System.Buffers.Binary;

namespace P2PCall.WebRtc.Rtp;

/// <summary>
/// A zero-copy view of one RTP packet (RFC 3550 §5.1) over the caller's buffer. Obtain one with
/// <see cref="TryParse"/>; every span it hands out points into that buffer.
/// </summary>
internal readonly ref struct RtpPacket
{
    /// <summary>The size of the fixed header without CSRCs (RFC 3550 §5.1).</summary>
    public const int FixedHeaderLength = 12;

    /// <summary>The only RTP version in use (RFC 3550 §5.1).</summary>
    public const int Version2 = 2;

    /// <summary>The highest CSRC count the 4-bit CC field can carry (RFC 3550 §5.1).</summary>
    public const int MaxCsrcCount = 15;

    private readonly ReadOnlySpan<byte> _packet;
    private readonly int _headerLength;
    private readonly int _payloadLength;
    private readonly int _extensionOffset;
    private readonly int _extensionLength;

    private RtpPacket(ReadOnlySpan<byte> packet, int headerLength, int payloadLength, int extensionOffset, int extensionLength, byte paddingLength)
    {
        _packet = packet;
        _headerLength = headerLength;
        _payloadLength = payloadLength;
        _extensionOffset = extensionOffset;
        _extensionLength = extensionLength;
        PaddingLength = paddingLength;
    }

    /// <summary>The version field; always 2 for a parsed packet.</summary>
    public int Version => _packet[0] >> 6;

    /// <summary>The P bit: the packet ends with padding (RFC 3550 §5.1).</summary>
    public bool HasPadding => (_packet[0] & 0x20) != 0;

    /// <summary>The X bit: a header extension follows the CSRCs (RFC 3550 §5.3.1).</summary>
    public bool HasExtension => (_packet[0] & 0x10) != 0;

    /// <summary>The number of CSRC identifiers (CC, 0–15).</summary>
    public int CsrcCount => _packet[0] & 0x0F;

    /// <summary>The marker bit (M).</summary>
    public bool Marker => (_packet[1] & 0x80) != 0;

    /// <summary>The payload type (PT, 0–127).</summary>
    public byte PayloadType => (byte)(_packet[1] & 0x7F);

    /// <summary>The 16-bit sequence number.</summary>
    public ushort SequenceNumber => BinaryPrimitives.ReadUInt16BigEndian(_packet[2..]);

    /// <summary>The 32-bit RTP timestamp.</summary>
    public uint Timestamp => BinaryPrimitives.ReadUInt32BigEndian(_packet[4..]);

    /// <summary>The synchronisation source identifier.</summary>
    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(_packet[8..]);

    /// <summary>The number of padding bytes at the end (including the count byte), or 0 without padding.</summary>
    public byte PaddingLength { get; }

    /// <summary>The length of everything before the payload: fixed header, CSRCs and header extension.</summary>
    public int HeaderLength => _headerLength;

    /// <summary>The whole packet as parsed.</summary>
    public ReadOnlySpan<byte> Bytes => _packet;

    /// <summary>The payload, without header and padding.</summary>
    public ReadOnlySpan<byte> Payload => _packet.Slice(_headerLength, _payloadLength);

    /// <summary>The 16-bit "defined by profile" field of the header extension, or 0 without one (RFC 3550 §5.3.1).</summary>
    public ushort ExtensionProfile => HasExtension ? BinaryPrimitives.ReadUInt16BigEndian(_packet[(_extensionOffset - 4)..]) : (ushort)0;

    /// <summary>The header extension body (after its 4-byte header), empty without one.</summary>
    public ReadOnlySpan<byte> ExtensionData => _packet.Slice(_extensionOffset, _extensionLength);

    /// <summary>The layout of the header extension.</summary>
    public RtpHeaderExtensionForm ExtensionForm => HasExtension ? RtpHeaderExtensions.GetForm(ExtensionProfile) : RtpHeaderExtensionForm.None;

    /// <summary>Reads the CSRC at <paramref name="index"/> (0 ≤ index &lt; <see cref="CsrcCount"/>).</summary>
    /// <param name="index">The position in the CSRC list.</param>
    /// <returns>The contributing source identifier.</returns>
    public uint GetCsrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, CsrcCount);
        return BinaryPrimitives.ReadUInt32BigEndian(_packet[(FixedHeaderLength + (4 * index))..]);
    }

    /// <summary>Enumerates the RFC 8285 extension elements (none for <see cref="RtpHeaderExtensionForm.Other"/>).</summary>
    /// <returns>A bounded, allocation-free enumerator.</returns>
    public RtpHeaderExtensionEnumerator GetExtensions() => new(ExtensionForm, ExtensionData);

    /// <summary>Finds the first RFC 8285 element with local identifier <paramref name="id"/>.</summary>
    /// <param name="id">The extmap id negotiated in SDP.</param>
    /// <param name="data">The element's data when found.</param>
    /// <returns><see langword="true"/> when the element is present.</returns>
    public bool TryGetExtension(int id, out ReadOnlySpan<byte> data)
    {
        foreach (RtpHeaderExtensionElement element in GetExtensions())
        {
            if (element.Id == id)
            {
                data = element.Data;
                return true;
            }
        }

        data = default;
        return false;
    }

    /// <summary>Validates and parses an RTP packet; never throws.</summary>
    /// <param name="datagram">The packet bytes (after SRTP decryption when protected).</param>
    /// <param name="packet">The view over <paramref name="datagram"/> when valid.</param>
    /// <param name="error">Why the datagram was refused, or <see cref="RtpParseError.None"/>.</param>
    /// <returns><see langword="true"/> when the packet is well formed.</returns>
    public static bool TryParse(ReadOnlySpan<byte> datagram, out RtpPacket packet, out RtpParseError error)
    {
        packet = default;
        if (datagram.Length < FixedHeaderLength)
        {
            error = RtpParseError.TooShortForFixedHeader;
            return false;
        }

        byte first = datagram[0];

        // RFC 3550 §5.1: V is 2.
        if ((first >> 6) != Version2)
        {
            error = RtpParseError.UnsupportedVersion;
            return false;
        }

        // RFC 3550 §5.1: CC 32-bit CSRC identifiers follow the fixed header.
        int offset = FixedHeaderLength + (4 * (first & 0x0F));
        if (offset > datagram.Length)
        {
            error = RtpParseError.CsrcListTruncated;
            return false;
        }

        int extensionOffset = offset;
        int extensionLength = 0;
        if ((first & 0x10) != 0)
        {
            // RFC 3550 §5.3.1: 16-bit profile field, 16-bit length in 32-bit words excluding this header.
            if (datagram.Length - offset < 4)
            {
                error = RtpParseError.ExtensionHeaderTruncated;
                return false;
            }

            extensionLength = 4 * BinaryPrimitives.ReadUInt16BigEndian(datagram[(offset + 2)..]);
            extensionOffset = offset + 4;
            if (extensionLength > datagram.Length - extensionOffset)
            {
                error = RtpParseError.ExtensionTruncated;
                return false;
            }

            offset = extensionOffset + extensionLength;
        }

        int remaining = datagram.Length - offset;
        byte padding = 0;
        if ((first & 0x20) != 0)
        {
            // RFC 3550 §5.1: the last octet counts the padding octets, itself included.
            if (remaining == 0)
            {
                error = RtpParseError.PaddingMissing;
                return false;
            }

            padding = datagram[^1];
            if (padding == 0)
            {
                error = RtpParseError.PaddingCountZero;
                return false;
            }

            if (padding > remaining)
            {
                error = RtpParseError.PaddingOverrun;
                return false;
            }
        }

        packet = new RtpPacket(datagram, offset, remaining - padding, extensionOffset, extensionLength, padding);
        error = RtpParseError.None;
        return true;
    }
}
