using System.Security.Cryptography;

namespace P2PCall.WebRtc.Srtp;

/// <summary>
/// The session keys of one SRTP cryptographic context (RFC 3711 §4.3), for SRTP and SRTCP.
/// Owns its arrays and clears them on <see cref="Dispose"/>.
/// </summary>
internal sealed class SrtpSessionKeys : IDisposable
{
    /// <summary>Creates the key set from session keys given directly (the RFC 7714 vectors do this).</summary>
    /// <param name="rtpKey">SRTP session encryption key.</param>
    /// <param name="rtpAuthKey">SRTP session authentication key (empty for AEAD).</param>
    /// <param name="rtpSalt">SRTP session salt.</param>
    /// <param name="rtcpKey">SRTCP session encryption key.</param>
    /// <param name="rtcpAuthKey">SRTCP session authentication key (empty for AEAD).</param>
    /// <param name="rtcpSalt">SRTCP session salt.</param>
    public SrtpSessionKeys(
        ReadOnlySpan<byte> rtpKey,
        ReadOnlySpan<byte> rtpAuthKey,
        ReadOnlySpan<byte> rtpSalt,
        ReadOnlySpan<byte> rtcpKey,
        ReadOnlySpan<byte> rtcpAuthKey,
        ReadOnlySpan<byte> rtcpSalt)
    {
        RtpKey = rtpKey.ToArray();
        RtpAuthKey = rtpAuthKey.ToArray();
        RtpSalt = rtpSalt.ToArray();
        RtcpKey = rtcpKey.ToArray();
        RtcpAuthKey = rtcpAuthKey.ToArray();
        RtcpSalt = rtcpSalt.ToArray();
    }

    /// <summary>SRTP session encryption key (label 0x00).</summary>
    public byte[] RtpKey { get; }

    /// <summary>SRTP session authentication key (label 0x01).</summary>
    public byte[] RtpAuthKey { get; }

    /// <summary>SRTP session salt (label 0x02).</summary>
    public byte[] RtpSalt { get; }

    /// <summary>SRTCP session encryption key (label 0x03).</summary>
    public byte[] RtcpKey { get; }

    /// <summary>SRTCP session authentication key (label 0x04).</summary>
    public byte[] RtcpAuthKey { get; }

    /// <summary>SRTCP session salt (label 0x05).</summary>
    public byte[] RtcpSalt { get; }

    /// <summary>Clears every key.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(RtpKey);
        CryptographicOperations.ZeroMemory(RtpAuthKey);
        CryptographicOperations.ZeroMemory(RtpSalt);
        CryptographicOperations.ZeroMemory(RtcpKey);
        CryptographicOperations.ZeroMemory(RtcpAuthKey);
        CryptographicOperations.ZeroMemory(RtcpSalt);
    }
}

/// <summary>
/// The SRTP key derivation function (RFC 3711 §4.3) with the AES-CM PRF (§4.3.3; RFC 6188 §3 for
/// AES-256) and a key derivation rate of 0, which is what DTLS-SRTP uses (RFC 5764 §4.1.2).
/// </summary>
internal static class SrtpKeyDerivation
{
    /// <summary>RFC 3711 §4.3.2: label for the SRTP encryption key.</summary>
    public const byte LabelRtpEncryption = 0x00;

    /// <summary>RFC 3711 §4.3.2: label for the SRTP authentication key.</summary>
    public const byte LabelRtpAuthentication = 0x01;

    /// <summary>RFC 3711 §4.3.2: label for the SRTP salt.</summary>
    public const byte LabelRtpSalt = 0x02;

    /// <summary>RFC 3711 §4.3.2: label for the SRTCP encryption key.</summary>
    public const byte LabelRtcpEncryption = 0x03;

    /// <summary>RFC 3711 §4.3.2: label for the SRTCP authentication key.</summary>
    public const byte LabelRtcpAuthentication = 0x04;

    /// <summary>RFC 3711 §4.3.2: label for the SRTCP salt.</summary>
    public const byte LabelRtcpSalt = 0x05;

    /// <summary>Derives every session key a profile needs from one master key.</summary>
    /// <param name="parameters">The profile.</param>
    /// <param name="masterKey">The master key and salt.</param>
    /// <returns>The session keys; the caller disposes them.</returns>
    public static SrtpSessionKeys DeriveSessionKeys(SrtpProfileParameters parameters, SrtpMasterKey masterKey)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(masterKey);
        if (masterKey.Key.Length != parameters.MasterKeyLength || masterKey.Salt.Length != parameters.MasterSaltLength)
        {
            throw new ArgumentException($"The master key does not fit {parameters.Profile}.", nameof(masterKey));
        }

        int k = parameters.MasterKeyLength;
        int a = parameters.SessionAuthKeyLength;
        int s = parameters.SessionSaltLength;
        Span<byte> buffer = stackalloc byte[(2 * k) + (2 * a) + (2 * s)];
        try
        {
            using var prf = new AesCounterMode(masterKey.Key);
            Span<byte> rtpKey = buffer.Slice(0, k);
            Span<byte> rtpAuth = buffer.Slice(k, a);
            Span<byte> rtpSalt = buffer.Slice(k + a, s);
            Span<byte> rtcpKey = buffer.Slice(k + a + s, k);
            Span<byte> rtcpAuth = buffer.Slice((2 * k) + a + s, a);
            Span<byte> rtcpSalt = buffer.Slice((2 * k) + (2 * a) + s, s);
            Derive(prf, masterKey.Salt, LabelRtpEncryption, rtpKey);
            Derive(prf, masterKey.Salt, LabelRtpAuthentication, rtpAuth);
            Derive(prf, masterKey.Salt, LabelRtpSalt, rtpSalt);
            Derive(prf, masterKey.Salt, LabelRtcpEncryption, rtcpKey);
            Derive(prf, masterKey.Salt, LabelRtcpAuthentication, rtcpAuth);
            Derive(prf, masterKey.Salt, LabelRtcpSalt, rtcpSalt);
            return new SrtpSessionKeys(rtpKey, rtpAuth, rtpSalt, rtcpKey, rtcpAuth, rtcpSalt);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>Derives one session key or salt.</summary>
    /// <param name="masterKey">The master key (16 or 32 bytes).</param>
    /// <param name="masterSalt">The master salt (14 bytes, or 12 for the GCM profiles).</param>
    /// <param name="label">The RFC 3711 §4.3.2 label.</param>
    /// <param name="output">Receives the derived bytes (any length).</param>
    public static void Derive(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        using var prf = new AesCounterMode(masterKey);
        Derive(prf, masterSalt, label, output);
    }

    private static void Derive(AesCounterMode prf, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        if (output.IsEmpty)
        {
            return;
        }

        // RFC 3711 §4.3.1: key_id = label || (index DIV kdr), 56 bits; with kdr = 0 the index part is 0.
        // x = key_id XOR master_salt (right-aligned in 112 bits); IV = x * 2^16.
        // RFC 7714 §11 (erratum 4938): a 96-bit GCM master salt is multiplied by 2^16 to make 112 bits,
        // i.e. padded with two zero bytes on the right.
        Span<byte> iv = stackalloc byte[16];
        iv.Clear();
        masterSalt.Slice(0, Math.Min(masterSalt.Length, 14)).CopyTo(iv);
        iv[7] ^= label;
        prf.Keystream(iv, output);
    }
}
