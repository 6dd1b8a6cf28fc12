namespace P2PCall.WebRtc.Rtp;

/// <summary>Why <see cref="RtpPacket.TryParse"/> refused a datagram.</summary>
internal enum RtpParseError
{
    /// <summary>The packet parsed.</summary>
    None = 0,

    /// <summary>Fewer than the 12 bytes of the fixed header (RFC 3550 §5.1).</summary>
    TooShortForFixedHeader,

    /// <summary>The version field is not 2 (RFC 3550 §5.1).</summary>
    UnsupportedVersion,

    /// <summary>The CSRC list announced by CC runs past the end of the datagram (RFC 3550 §5.1).</summary>
    CsrcListTruncated,

    /// <summary>The X bit is set but the 4-byte extension header is missing (RFC 3550 §5.3.1).</summary>
    ExtensionHeaderTruncated,

    /// <summary>The extension length (in 32-bit words) runs past the end of the datagram (RFC 3550 §5.3.1).</summary>
    ExtensionTruncated,

    /// <summary>The P bit is set but the datagram has no byte after the header to hold the padding count (RFC 3550 §5.1).</summary>
    PaddingMissing,

    /// <summary>The padding count is zero (it includes itself, so it is at least 1; RFC 3550 §5.1).</summary>
    PaddingCountZero,

    /// <summary>The padding count is larger than the bytes after the header (RFC 3550 §5.1).</summary>
    PaddingOverrun,
}
