namespace P2PCall.WebRtc.Stun;

/// <summary>Why a datagram was not accepted as a STUN message (or <see cref="Ok"/>).</summary>
internal enum StunParseResult
{
    /// <summary>A well-formed STUN message.</summary>
    Ok = 0,

    /// <summary>Fewer than the 20 header bytes (RFC 8489 §5).</summary>
    TruncatedHeader,

    /// <summary>The two most significant bits are not zero (RFC 8489 §5).</summary>
    NotStun,

    /// <summary>The magic cookie is not 0x2112A442 (RFC 8489 §5).</summary>
    BadMagicCookie,

    /// <summary>The message length is not a multiple of 4 (RFC 8489 §5).</summary>
    LengthNotMultipleOf4,

    /// <summary>The message length field disagrees with the datagram size.</summary>
    LengthMismatch,

    /// <summary>An attribute header or value (with padding) runs past the end of the message (RFC 8489 §14).</summary>
    AttributeOverrunsMessage,

    /// <summary>A known attribute has an invalid length or value.</summary>
    InvalidAttribute,

    /// <summary>An attribute follows FINGERPRINT, which must be last (RFC 8489 §14.7).</summary>
    AttributeAfterFingerprint,

    /// <summary>The FINGERPRINT value does not match the message (RFC 8489 §14.7).</summary>
    BadFingerprint,
}
