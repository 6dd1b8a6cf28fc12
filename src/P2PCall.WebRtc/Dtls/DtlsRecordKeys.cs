using Org.BouncyCastle.Tls;

namespace P2PCall.WebRtc.Dtls;

/// <summary>The application-data keys of an established association, one direction each (RFC 5246 §6.3).</summary>
internal sealed class DtlsRecordKeys
{
    private DtlsRecordKeys(byte[] writeKey, byte[] readKey, byte[] writeIv, byte[] readIv, bool isChaCha)
    {
        WriteKey = writeKey;
        ReadKey = readKey;
        WriteIv = writeIv;
        ReadIv = readIv;
        IsChaCha = isChaCha;
    }

    /// <summary>Our write key.</summary>
    public byte[] WriteKey { get; }

    /// <summary>The peer's write key (ours to read with).</summary>
    public byte[] ReadKey { get; }

    /// <summary>Our fixed IV: the GCM salt (4 bytes) or the ChaCha20-Poly1305 IV (12 bytes).</summary>
    public byte[] WriteIv { get; }

    /// <summary>The peer's fixed IV.</summary>
    public byte[] ReadIv { get; }

    /// <summary>ChaCha20-Poly1305 (RFC 7905) rather than AES-GCM (RFC 5288).</summary>
    public bool IsChaCha { get; }

    /// <summary>The epoch the Finished messages opened; DTLS 1.2 without renegotiation stays in it (RFC 6347 §4.1).</summary>
    public ushort Epoch => 1;

    /// <summary>
    /// Derives the keys from the handshake's master secret; null for a suite other than our three AEAD suites.
    /// Must run while BouncyCastle still holds the master secret (NotifyHandshakeComplete).
    /// </summary>
    /// <param name="context">The completed handshake.</param>
    /// <param name="isClient">Whether we are the DTLS client.</param>
    public static DtlsRecordKeys? Derive(TlsContext context, bool isClient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parameters = context.SecurityParameters;
        (int keyLength, int ivLength, bool chaCha) = parameters.CipherSuite switch
        {
            // RFC 5288 §3: fixed_iv_length 4; RFC 7905 §2: 12.
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 => (16, 4, false),
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 => (32, 4, false),
            CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 => (32, 12, true),
            _ => (0, 0, false),
        };
        if (keyLength == 0 || parameters.MasterSecret is null)
        {
            return null;
        }

        // RFC 5246 §6.3: key_block = PRF(master_secret, "key expansion", server_random + client_random);
        // AEAD suites have no MAC keys, so it is client key, server key, client IV, server IV.
        byte[] seed = [.. parameters.ServerRandom, .. parameters.ClientRandom];
        byte[] block = parameters.MasterSecret
            .DeriveUsingPrf(parameters.PrfAlgorithm, "key expansion", seed, 2 * (keyLength + ivLength))
            .Extract();
        var clientKey = block.AsSpan(0, keyLength).ToArray();
        var serverKey = block.AsSpan(keyLength, keyLength).ToArray();
        var clientIv = block.AsSpan(2 * keyLength, ivLength).ToArray();
        var serverIv = block.AsSpan((2 * keyLength) + ivLength, ivLength).ToArray();
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(block);
        return isClient
            ? new DtlsRecordKeys(clientKey, serverKey, clientIv, serverIv, chaCha)
            : new DtlsRecordKeys(serverKey, clientKey, serverIv, clientIv, chaCha);
    }
}
