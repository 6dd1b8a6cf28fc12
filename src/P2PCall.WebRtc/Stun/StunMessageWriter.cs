using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace P2PCall.WebRtc.Stun;

/// <summary>
/// Writes one STUN message (RFC 8489) into a caller-provided buffer: header, then attributes in call order,
/// then MESSAGE-INTEGRITY and FINGERPRINT. The header's length field is kept current after every attribute.
/// Never throws for lack of space: once an attribute does not fit, <see cref="Overflowed"/> is set, later calls
/// write nothing and <see cref="TryComplete"/> returns false.
/// </summary>
internal ref struct StunMessageWriter
{
    private readonly Span<byte> _buffer;
    private int _length;
    private bool _overflowed;

    /// <summary>Starts a message of <paramref name="type"/> with <paramref name="transactionId"/>.</summary>
    public StunMessageWriter(Span<byte> buffer, StunMessageType type, StunTransactionId transactionId)
    {
        _buffer = buffer;
        if (buffer.Length < StunMessage.HeaderLength)
        {
            _overflowed = true;
            return;
        }

        BinaryPrimitives.WriteUInt16BigEndian(buffer, type.Value);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], StunMessage.MagicCookie);
        transactionId.WriteTo(buffer[8..]);
        _length = StunMessage.HeaderLength;
    }

    /// <summary>
    /// The byte used to pad attribute values to 4 bytes. RFC 8489 §14 lets it be any value; 0 by default.
    /// (RFC 5769's vectors pad with spaces, 0x20.)
    /// </summary>
    public byte PaddingByte { get; set; }

    /// <summary>True once an attribute did not fit; the message is then unusable.</summary>
    public readonly bool Overflowed => _overflowed;

    /// <summary>Bytes written so far.</summary>
    public readonly int Length => _length;

    /// <summary>The message written so far.</summary>
    public readonly ReadOnlySpan<byte> WrittenSpan => _buffer[.._length];

    /// <summary>Returns the total length, or false if any attribute did not fit.</summary>
    public readonly bool TryComplete(out int length)
    {
        length = _overflowed ? 0 : _length;
        return !_overflowed;
    }

    /// <summary>Adds XOR-MAPPED-ADDRESS (RFC 8489 §14.2).</summary>
    public void AddXorMappedAddress(IPEndPoint endPoint)
    {
        bool v4 = endPoint.AddressFamily == AddressFamily.InterNetwork;
        int addressLength = v4 ? 4 : 16;
        Span<byte> value = Begin(StunAttributeType.XorMappedAddress, 4 + addressLength);
        if (value.IsEmpty)
        {
            return;
        }

        value[0] = 0;
        value[1] = v4 ? (byte)1 : (byte)2;
        BinaryPrimitives.WriteUInt16BigEndian(value[2..], (ushort)(endPoint.Port ^ (int)(StunMessage.MagicCookie >> 16)));
        endPoint.Address.TryWriteBytes(value[4..], out _);
        ReadOnlySpan<byte> mask = _buffer.Slice(4, 16); // cookie followed by the transaction id
        for (int i = 0; i < addressLength; i++)
        {
            value[4 + i] ^= mask[i];
        }
    }

    /// <summary>Adds USERNAME from UTF-8 bytes (RFC 8489 §14.3).</summary>
    public void AddUsername(ReadOnlySpan<byte> username) => AddBytes(StunAttributeType.Username, username);

    /// <summary>Adds USERNAME, UTF-8 encoded.</summary>
    public void AddUsername(string username) => AddString(StunAttributeType.Username, username);

    /// <summary>Adds SOFTWARE, UTF-8 encoded (RFC 8489 §14.14).</summary>
    public void AddSoftware(string software) => AddString(StunAttributeType.Software, software);

    /// <summary>Adds PRIORITY (RFC 8445 §7.1.1).</summary>
    public void AddPriority(uint priority)
    {
        Span<byte> value = Begin(StunAttributeType.Priority, 4);
        if (!value.IsEmpty)
        {
            BinaryPrimitives.WriteUInt32BigEndian(value, priority);
        }
    }

    /// <summary>Adds USE-CANDIDATE (RFC 8445 §7.1.2), which has no value.</summary>
    public void AddUseCandidate() => Begin(StunAttributeType.UseCandidate, 0);

    /// <summary>Adds ICE-CONTROLLING with the tie-breaker (RFC 8445 §7.1.3).</summary>
    public void AddIceControlling(ulong tieBreaker) => AddUInt64(StunAttributeType.IceControlling, tieBreaker);

    /// <summary>Adds ICE-CONTROLLED with the tie-breaker (RFC 8445 §7.1.3).</summary>
    public void AddIceControlled(ulong tieBreaker) => AddUInt64(StunAttributeType.IceControlled, tieBreaker);

    /// <summary>Adds ERROR-CODE (RFC 8489 §14.8): <paramref name="code"/> is 300-699.</summary>
    public void AddErrorCode(int code, string reason)
    {
        int reasonLength = Encoding.UTF8.GetByteCount(reason);
        Span<byte> value = Begin(StunAttributeType.ErrorCode, 4 + reasonLength);
        if (value.IsEmpty)
        {
            return;
        }

        value[0] = 0;
        value[1] = 0;
        value[2] = (byte)((code / 100) & 0x7);
        value[3] = (byte)(code % 100);
        Encoding.UTF8.GetBytes(reason, value[4..]);
    }

    /// <summary>Adds UNKNOWN-ATTRIBUTES (RFC 8489 §14.9).</summary>
    public void AddUnknownAttributes(ReadOnlySpan<ushort> types)
    {
        Span<byte> value = Begin(StunAttributeType.UnknownAttributes, 2 * types.Length);
        for (int i = 0; i < types.Length && !value.IsEmpty; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(value[(2 * i)..], types[i]);
        }
    }

    /// <summary>
    /// Adds MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 with <paramref name="key"/> over the message so far, with
    /// the length field already counting this attribute. For ICE the key is the password's UTF-8 bytes (§9.1).
    /// </summary>
    public void AddMessageIntegrity(ReadOnlySpan<byte> key)
    {
        int start = _length;
        Span<byte> value = Begin(StunAttributeType.MessageIntegrity, 20);
        if (!value.IsEmpty)
        {
            HMACSHA1.HashData(key, _buffer[..start], value);
        }
    }

    /// <summary>Adds FINGERPRINT (RFC 8489 §14.7): CRC-32 of the message so far XOR 0x5354554e. Must be last.</summary>
    public void AddFingerprint()
    {
        int start = _length;
        Span<byte> value = Begin(StunAttributeType.Fingerprint, 4);
        if (!value.IsEmpty)
        {
            BinaryPrimitives.WriteUInt32BigEndian(value, StunCrc32.Compute(_buffer[..start]) ^ StunCrc32.FingerprintXor);
        }
    }

    /// <summary>Adds any attribute with a raw value (for attributes without a typed method, and for tests).</summary>
    public void AddRaw(ushort type, ReadOnlySpan<byte> value) => AddBytes(type, value);

    private void AddUInt64(ushort type, ulong number)
    {
        Span<byte> value = Begin(type, 8);
        if (!value.IsEmpty)
        {
            BinaryPrimitives.WriteUInt64BigEndian(value, number);
        }
    }

    private void AddBytes(ushort type, ReadOnlySpan<byte> bytes)
    {
        Span<byte> value = Begin(type, bytes.Length);
        if (!value.IsEmpty)
        {
            bytes.CopyTo(value);
        }
    }

    private void AddString(ushort type, string text)
    {
        Span<byte> value = Begin(type, Encoding.UTF8.GetByteCount(text));
        if (!value.IsEmpty)
        {
            Encoding.UTF8.GetBytes(text, value);
        }
    }

    /// <summary>
    /// Writes the attribute header and padding, updates the header length, and returns the value span
    /// (an empty span for a zero-length value or on overflow; check <see cref="Overflowed"/>).
    /// </summary>
    private Span<byte> Begin(ushort type, int valueLength)
    {
        int padded = (valueLength + 3) & ~3;
        if (_overflowed || valueLength > ushort.MaxValue || _length + 4 + padded > _buffer.Length
            || _length + 4 + padded - StunMessage.HeaderLength > ushort.MaxValue)
        {
            _overflowed = true;
            return default;
        }

        Span<byte> attribute = _buffer.Slice(_length, 4 + padded);
        BinaryPrimitives.WriteUInt16BigEndian(attribute, type);
        BinaryPrimitives.WriteUInt16BigEndian(attribute[2..], (ushort)valueLength);
        attribute[(4 + valueLength)..].Fill(PaddingByte);
        _length += 4 + padded;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], (ushort)(_length - StunMessage.HeaderLength));
        return attribute.Slice(4, valueLength);
    }
}
