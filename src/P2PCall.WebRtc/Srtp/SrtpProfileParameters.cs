namespace P2PCall.WebRtc.Srtp;

/// <summary>
/// The transform parameters of one protection profile: what the DTLS layer needs to size the
/// exported keying material and what the SRTP contexts need to derive keys and size packets.
/// </summary>
/// <param name="Profile">The profile.</param>
/// <param name="MasterKeyLength">Master key length in bytes (also the session encryption key length).</param>
/// <param name="MasterSaltLength">Master salt length in bytes (14 for AES-CM, 12 for AES-GCM).</param>
/// <param name="SessionSaltLength">Session salt length in bytes (14 for AES-CM, 12 for AES-GCM).</param>
/// <param name="SessionAuthKeyLength">Session authentication key length in bytes (0 for AEAD profiles).</param>
/// <param name="SrtpAuthTagLength">Authentication tag appended to SRTP packets, in bytes.</param>
/// <param name="SrtcpAuthTagLength">Authentication tag appended to SRTCP packets, in bytes.</param>
/// <param name="IsAead">True for the AES-GCM profiles of RFC 7714.</param>
internal sealed record SrtpProfileParameters(
    SrtpProtectionProfile Profile,
    int MasterKeyLength,
    int MasterSaltLength,
    int SessionSaltLength,
    int SessionAuthKeyLength,
    int SrtpAuthTagLength,
    int SrtcpAuthTagLength,
    bool IsAead)
{
    /// <summary>RFC 5764 §4.1.2: AES_128_CM, HMAC-SHA1 with a 160-bit key, 80-bit tag.</summary>
    public static SrtpProfileParameters Aes128CmHmacSha1_80 { get; } =
        new(SrtpProtectionProfile.Aes128CmHmacSha1_80, 16, 14, 14, 20, 10, 10, false);

    /// <summary>RFC 5764 §4.1.2: as above with a 32-bit SRTP tag; SRTCP keeps the 80-bit tag.</summary>
    public static SrtpProfileParameters Aes128CmHmacSha1_32 { get; } =
        new(SrtpProtectionProfile.Aes128CmHmacSha1_32, 16, 14, 14, 20, 4, 10, false);

    /// <summary>RFC 7714 §14.2: AES_128_GCM, 96-bit salt, 16-byte tag, no auth key.</summary>
    public static SrtpProfileParameters AeadAes128Gcm { get; } =
        new(SrtpProtectionProfile.AeadAes128Gcm, 16, 12, 12, 0, 16, 16, true);

    /// <summary>RFC 7714 §14.2: AES_256_GCM, 96-bit salt, 16-byte tag, no auth key.</summary>
    public static SrtpProfileParameters AeadAes256Gcm { get; } =
        new(SrtpProtectionProfile.AeadAes256Gcm, 32, 12, 12, 0, 16, 16, true);

    /// <summary>
    /// Bytes of keying material to export from DTLS for this profile (RFC 5764 §4.2):
    /// two master keys and two master salts.
    /// </summary>
    public int KeyingMaterialLength => 2 * (MasterKeyLength + MasterSaltLength);

    /// <summary>The largest tag either SRTP or SRTCP appends (SRTCP also appends a 4-byte index).</summary>
    public int MaxTagLength => Math.Max(SrtpAuthTagLength, SrtcpAuthTagLength);

    /// <summary>The profiles in our order of preference for the <c>use_srtp</c> offer (GCM first, as Chromium).</summary>
    public static IReadOnlyList<SrtpProfileParameters> Supported { get; } =
        [AeadAes128Gcm, AeadAes256Gcm, Aes128CmHmacSha1_80, Aes128CmHmacSha1_32];

    /// <summary>Looks up the parameters of a profile by its code point.</summary>
    /// <param name="profile">The two-byte profile identifier from <c>use_srtp</c>.</param>
    /// <param name="parameters">The parameters, when supported.</param>
    /// <returns>False for a profile this stack does not implement.</returns>
    public static bool TryGet(ushort profile, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SrtpProfileParameters? parameters)
    {
        parameters = (SrtpProtectionProfile)profile switch
        {
            SrtpProtectionProfile.Aes128CmHmacSha1_80 => Aes128CmHmacSha1_80,
            SrtpProtectionProfile.Aes128CmHmacSha1_32 => Aes128CmHmacSha1_32,
            SrtpProtectionProfile.AeadAes128Gcm => AeadAes128Gcm,
            SrtpProtectionProfile.AeadAes256Gcm => AeadAes256Gcm,
            _ => null,
        };
        return parameters is not null;
    }

    /// <summary>The parameters of a supported profile.</summary>
    /// <param name="profile">The profile.</param>
    /// <returns>Its parameters.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The profile is not implemented.</exception>
    public static SrtpProfileParameters Get(SrtpProtectionProfile profile) =>
        TryGet((ushort)profile, out SrtpProfileParameters? p)
            ? p
            : throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unsupported SRTP protection profile.");
}
