namespace P2PCall.WebRtc.Dtls;

/// <summary>
/// DTLS-SRTP protection profile identifiers (RFC 5764 §4.1.2, RFC 7714 §14.2) and their master key and
/// salt lengths, which size the exported keying material (RFC 5764 §4.2).
/// </summary>
internal static class DtlsSrtpProfile
{
    /// <summary>SRTP_AES128_CM_HMAC_SHA1_80 (RFC 5764 §4.1.2).</summary>
    public const ushort Aes128CmHmacSha1_80 = 0x0001;

    /// <summary>SRTP_AES128_CM_HMAC_SHA1_32 (RFC 5764 §4.1.2).</summary>
    public const ushort Aes128CmHmacSha1_32 = 0x0002;

    /// <summary>SRTP_AEAD_AES_128_GCM (RFC 7714 §14.2).</summary>
    public const ushort AeadAes128Gcm = 0x0007;

    /// <summary>SRTP_AEAD_AES_256_GCM (RFC 7714 §14.2).</summary>
    public const ushort AeadAes256Gcm = 0x0008;

    /// <summary>What we offer (client) or prefer (server) unless configured otherwise: GCM first, then CM_80, as Chromium offers.</summary>
    public static readonly ushort[] Default = [AeadAes128Gcm, Aes128CmHmacSha1_80];

    /// <summary>The SRTP master key and salt lengths in bytes; false for a profile we do not know.</summary>
    /// <param name="profile">The profile id.</param>
    /// <param name="keyLength">The master key length.</param>
    /// <param name="saltLength">The master salt length.</param>
    /// <returns>Whether the profile is known.</returns>
    public static bool TryGetLengths(int profile, out int keyLength, out int saltLength)
    {
        (keyLength, saltLength) = profile switch
        {
            // RFC 5764 §4.1.2: AES-CM profiles use a 128-bit key and a 112-bit salt.
            Aes128CmHmacSha1_80 or Aes128CmHmacSha1_32 => (16, 14),
            // RFC 7714 §12: AEAD profiles use a 96-bit salt.
            AeadAes128Gcm => (16, 12),
            AeadAes256Gcm => (32, 12),
            _ => (0, 0),
        };
        return keyLength != 0;
    }
}
