namespace P2PCall.WebRtc.Rtp;

/// <summary>How the header extension of an RTP packet is laid out.</summary>
internal enum RtpHeaderExtensionForm
{
    /// <summary>The packet has no header extension (X bit clear).</summary>
    None = 0,

    /// <summary>RFC 8285 §4.2 one-byte form, profile <c>0xBEDE</c>.</summary>
    OneByte,

    /// <summary>RFC 8285 §4.3 two-byte form, profile <c>0x100X</c> (X = app bits).</summary>
    TwoByte,

    /// <summary>An extension with a profile RFC 8285 does not define; exposed only as raw bytes.</summary>
    Other,
}
