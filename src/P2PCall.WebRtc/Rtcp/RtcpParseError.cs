namespace P2PCall.WebRtc.Rtcp;

/// <summary>Why an RTCP datagram or packet was refused.</summary>
internal enum RtcpParseError
{
    /// <summary>Nothing wrong.</summary>
    None = 0,

    /// <summary>The datagram is empty.</summary>
    Empty,

    /// <summary>Fewer than the 4 bytes of a common header remain (RFC 3550 §6.4.1).</summary>
    TooShortForHeader,

    /// <summary>The version field is not 2 (RFC 3550 §6.4.1).</summary>
    UnsupportedVersion,

    /// <summary>The length field ((words − 1) × 4 + 4 bytes) runs past the end of the datagram (RFC 3550 §6.4.1).</summary>
    LengthOverrun,

    /// <summary>The P bit is set but the padding count is zero (RFC 3550 §6.4.1).</summary>
    PaddingCountZero,

    /// <summary>The padding count is larger than the packet body (RFC 3550 §6.4.1).</summary>
    PaddingOverrun,

    /// <summary>The packet is not of the type the typed parser reads.</summary>
    WrongPacketType,

    /// <summary>The body is shorter than the type and its count field require.</summary>
    BodyTooShort,

    /// <summary>An SDES chunk or item runs past the packet, or a chunk lacks its null terminator (RFC 3550 §6.5).</summary>
    MalformedSourceDescription,

    /// <summary>The BYE reason length runs past the packet (RFC 3550 §6.6).</summary>
    MalformedByeReason,

    /// <summary>A feedback message lacks its mandatory FCI or its FCI has the wrong size (RFC 4585 §6.1, RFC 5104 §4.3).</summary>
    MalformedFeedback,

    /// <summary>An application-layer feedback message does not carry the "REMB" identifier (draft-alvestrand-rmcat-remb §2.2).</summary>
    NotRemb,
}
