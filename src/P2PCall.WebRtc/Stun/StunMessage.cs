using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;

namespace P2PCall.WebRtc.Stun;

/// <summary>
/// A parsed STUN message (RFC 8489): a view over the received bytes that keeps only offsets, so parsing
/// allocates nothing. Create with <see cref="TryParse"/>, which never throws. Valid while the span is.
/// </summary>
internal readonly ref partial struct StunMessage
{
    /// <summary>RFC 8489 §5: the fixed magic cookie.</summary>
    public const uint MagicCookie = 0x2112A442;

    /// <summary>RFC 8489 §5: the header is 20 bytes.</summary>
    public const int HeaderLength = 20;

    private const int IntegrityLength = 20;
    private const int MaxUsernameLength = 513; // RFC 8489 §14.3
    private const int MaxReasonLength = 763; // RFC 8489 §14.8

    private readonly ReadOnlySpan<byte> _data;
    private readonly StunLayout _layout;

    private StunMessage(ReadOnlySpan<byte> data, StunLayout layout)
    {
        _data = data;
        _layout = layout;
    }

    /// <summary>The whole message.</summary>
    public ReadOnlySpan<byte> Bytes => _data;

    /// <summary>The message type (method and class).</summary>
    public StunMessageType Type => new(BinaryPrimitives.ReadUInt16BigEndian(_data));

    /// <summary>The 12-byte transaction id.</summary>
    public ReadOnlySpan<byte> TransactionIdBytes => _data.Slice(8, StunTransactionId.Length);

    /// <summary>The transaction id as a value.</summary>
    public StunTransactionId TransactionId => StunTransactionId.Read(TransactionIdBytes);

    /// <summary>Whether USERNAME is present.</summary>
    public bool HasUsername => _layout.UsernameOffset > 0;

    /// <summary>The raw USERNAME bytes (UTF-8), empty if absent.</summary>
    public ReadOnlySpan<byte> Username => Value(_layout.UsernameOffset, _layout.UsernameLength);

    /// <summary>Whether MESSAGE-INTEGRITY is present.</summary>
    public bool HasMessageIntegrity => _layout.IntegrityOffset > 0;

    /// <summary>Whether a (valid) FINGERPRINT is present.</summary>
    public bool HasFingerprint => _layout.HasFingerprint;

    /// <summary>Whether USE-CANDIDATE is present (RFC 8445 §7.1.2).</summary>
    public bool UseCandidate => _layout.UseCandidate;

    /// <summary>The raw SOFTWARE bytes (UTF-8), empty if absent.</summary>
    public ReadOnlySpan<byte> Software => Value(_layout.SoftwareOffset, _layout.SoftwareLength);

    /// <summary>How many comprehension-required attributes this stack does not understand (RFC 8489 §6.3.1).</summary>
    public int UnknownComprehensionRequiredCount => _layout.UnknownRequiredCount;

    /// <summary>
    /// Parses <paramref name="datagram"/> as exactly one STUN message (UDP carries one per datagram).
    /// Checks the header, walks every attribute within bounds and verifies FINGERPRINT if present.
    /// </summary>
    public static StunParseResult TryParse(ReadOnlySpan<byte> datagram, out StunMessage message)
    {
        message = default;
        var layout = default(StunLayout);
        StunParseResult result = Parse(datagram, ref layout);
        if (result == StunParseResult.Ok)
        {
            message = new StunMessage(datagram, layout);
        }

        return result;
    }

    /// <summary>RFC 7983 §7 / RFC 8489 §5: a cheap test that a datagram is STUN (first byte 0-3 and the magic cookie).</summary>
    public static bool LooksLikeStun(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= HeaderLength && datagram[0] < 4
        && BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) == MagicCookie;

    /// <summary>Compares USERNAME with <paramref name="expected"/> byte for byte.</summary>
    public bool UsernameEquals(ReadOnlySpan<byte> expected) => HasUsername && Username.SequenceEqual(expected);

    /// <summary>PRIORITY (RFC 8445 §7.1.1).</summary>
    public bool TryGetPriority(out uint priority)
    {
        priority = _layout.Priority;
        return _layout.HasPriority;
    }

    /// <summary>ICE-CONTROLLING tie-breaker (RFC 8445 §7.1.3).</summary>
    public bool TryGetIceControlling(out ulong tieBreaker)
    {
        tieBreaker = _layout.Controlling;
        return _layout.HasControlling;
    }

    /// <summary>ICE-CONTROLLED tie-breaker (RFC 8445 §7.1.3).</summary>
    public bool TryGetIceControlled(out ulong tieBreaker)
    {
        tieBreaker = _layout.Controlled;
        return _layout.HasControlled;
    }

    /// <summary>XOR-MAPPED-ADDRESS, decoded (RFC 8489 §14.2).</summary>
    public bool TryGetXorMappedAddress(out IPEndPoint? endPoint) =>
        TryDecodeAddress(_layout.XorMappedOffset, _layout.XorMappedLength, xor: true, out endPoint);

    /// <summary>MAPPED-ADDRESS, decoded (RFC 8489 §14.1; old servers send it).</summary>
    public bool TryGetMappedAddress(out IPEndPoint? endPoint) =>
        TryDecodeAddress(_layout.MappedOffset, _layout.MappedLength, xor: false, out endPoint);

    /// <summary>ERROR-CODE: the code (class × 100 + number) and the UTF-8 reason phrase (RFC 8489 §14.8).</summary>
    public bool TryGetErrorCode(out int code, out ReadOnlySpan<byte> reason)
    {
        code = 0;
        reason = default;
        if (_layout.ErrorOffset == 0)
        {
            return false;
        }

        ReadOnlySpan<byte> value = Value(_layout.ErrorOffset, _layout.ErrorLength);
        code = ((value[2] & 0x7) * 100) + value[3];
        reason = value[4..];
        return true;
    }

    /// <summary>Copies the types listed in UNKNOWN-ATTRIBUTES (RFC 8489 §14.9); returns how many were copied.</summary>
    public int CopyUnknownAttributes(Span<ushort> destination)
    {
        ReadOnlySpan<byte> value = Value(_layout.UnknownListOffset, _layout.UnknownListLength);
        int n = Math.Min(value.Length / 2, destination.Length);
        for (int i = 0; i < n; i++)
        {
            destination[i] = BinaryPrimitives.ReadUInt16BigEndian(value[(2 * i)..]);
        }

        return n;
    }

    /// <summary>
    /// Copies the comprehension-required attribute types this stack does not understand, for a 420 answer
    /// (RFC 8489 §6.3.1.1); returns how many were copied.
    /// </summary>
    public int CopyUnknownComprehensionRequired(Span<ushort> destination)
    {
        int n = 0;
        int offset = HeaderLength;
        int end = _data.Length;
        while (offset + 4 <= end && n < destination.Length)
        {
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(_data[offset..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(_data[(offset + 2)..]);
            if (_layout.IntegrityOffset > 0 && offset > _layout.IntegrityOffset - 4)
            {
                break; // RFC 8489 §14.5: attributes after MESSAGE-INTEGRITY are ignored.
            }

            if (StunAttributeType.IsComprehensionRequired(type) && !StunAttributeType.IsUnderstood(type))
            {
                destination[n++] = type;
            }

            offset += 4 + ((length + 3) & ~3);
        }

        return n;
    }

    /// <summary>
    /// Verifies MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 with <paramref name="key"/> over the message up to
    /// the attribute, with the length field adjusted to end just after it; compared in constant time.
    /// For ICE the key is the short-term credential, the peer's password as UTF-8 bytes (RFC 8489 §9.1;
    /// ICE passwords are ice-char ASCII, RFC 8445 §5.3, so SASLprep (OpaqueString) changes nothing and is skipped).
    /// </summary>
    public bool VerifyMessageIntegrity(ReadOnlySpan<byte> key)
    {
        int attrOffset = _layout.IntegrityOffset - 4;
        if (attrOffset < HeaderLength)
        {
            return false;
        }

        byte[]? rented = null;
        Span<byte> copy = attrOffset <= 1024
            ? stackalloc byte[1024]
            : (rented = ArrayPool<byte>.Shared.Rent(attrOffset));
        copy = copy[..attrOffset];
        try
        {
            _data[..attrOffset].CopyTo(copy);
            BinaryPrimitives.WriteUInt16BigEndian(copy[2..], (ushort)(attrOffset + 4 + IntegrityLength - HeaderLength));
            Span<byte> mac = stackalloc byte[IntegrityLength];
            HMACSHA1.HashData(key, copy, mac);
            return CryptographicOperations.FixedTimeEquals(mac, _data.Slice(_layout.IntegrityOffset, IntegrityLength));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private ReadOnlySpan<byte> Value(int offset, int length) => offset == 0 ? default : _data.Slice(offset, length);

    private bool TryDecodeAddress(int offset, int length, bool xor, out IPEndPoint? endPoint)
    {
        endPoint = null;
        if (offset == 0)
        {
            return false;
        }

        // RFC 8489 §14.1/§14.2: reserved byte, family (1 = IPv4, 2 = IPv6), port, address;
        // XOR form: port ^ top 16 bits of the cookie, address ^ cookie (|| transaction id for IPv6).
        ReadOnlySpan<byte> value = _data.Slice(offset, length);
        int port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]);
        Span<byte> address = stackalloc byte[16];
        int addressLength = value[1] == 1 ? 4 : 16;
        value.Slice(4, addressLength).CopyTo(address);
        if (xor)
        {
            port ^= (int)(MagicCookie >> 16);
            ReadOnlySpan<byte> mask = _data.Slice(4, 16); // cookie followed by the transaction id
            for (int i = 0; i < addressLength; i++)
            {
                address[i] ^= mask[i];
            }
        }

        endPoint = new IPEndPoint(new IPAddress(address[..addressLength]), port);
        return true;
    }
}
