namespace P2PCall.WebRtc.Srtp;

/// <summary>
/// The DTLS-SRTP protection profiles this stack implements, with their IANA code points
/// (RFC 5764 §4.1.2, RFC 7714 §14.2). The numeric value is the two-byte identifier carried
/// in the <c>use_srtp</c> extension.
/// </summary>
internal enum SrtpProtectionProfile : ushort
{
    /// <summary>SRTP_AES128_CM_HMAC_SHA1_80 (RFC 5764 §4.1.2).</summary>
    Aes128CmHmacSha1_80 = 0x0001,

    /// <summary>SRTP_AES128_CM_HMAC_SHA1_32 (RFC 5764 §4.1.2); SRTCP still uses an 80-bit tag.</summary>
    Aes128CmHmacSha1_32 = 0x0002,

    /// <summary>SRTP_AEAD_AES_128_GCM (RFC 7714 §14.2).</summary>
    AeadAes128Gcm = 0x0007,

    /// <summary>SRTP_AEAD_AES_256_GCM (RFC 7714 §14.2).</summary>
    AeadAes256Gcm = 0x0008,
}
