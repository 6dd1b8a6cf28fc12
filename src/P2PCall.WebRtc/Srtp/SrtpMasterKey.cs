using System.Security.Cryptography;

namespace P2PCall.WebRtc.Srtp;

/// <summary>
/// One direction's SRTP master key and master salt (RFC 3711 §3.2.1). Owns copies of the
/// bytes and clears them on <see cref="Dispose"/>.
/// </summary>
internal sealed class SrtpMasterKey : IDisposable
{
    private readonly byte[] _key;
    private readonly byte[] _salt;

    /// <summary>Copies a master key and salt.</summary>
    /// <param name="key">The master key (16 or 32 bytes).</param>
    /// <param name="salt">The master salt (14 bytes for AES-CM, 12 for AES-GCM).</param>
    public SrtpMasterKey(ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
    {
        if (key.Length is not (16 or 32))
        {
            throw new ArgumentException("An SRTP master key is 16 or 32 bytes.", nameof(key));
        }

        if (salt.Length is not (12 or 14))
        {
            throw new ArgumentException("An SRTP master salt is 12 or 14 bytes.", nameof(salt));
        }

        _key = key.ToArray();
        _salt = salt.ToArray();
    }

    /// <summary>The master key.</summary>
    public ReadOnlySpan<byte> Key => _key;

    /// <summary>The master salt.</summary>
    public ReadOnlySpan<byte> Salt => _salt;

    /// <summary>Clears the key and salt.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_key);
        CryptographicOperations.ZeroMemory(_salt);
    }
}

/// <summary>
/// Splits the keying material exported by DTLS (label <c>EXTRACTOR-dtls_srtp</c>) into the
/// local (outbound) and remote (inbound) master keys.
/// </summary>
internal static class SrtpKeyingMaterial
{
    /// <summary>The RFC 5764 §4.2 exporter label.</summary>
    public const string ExporterLabel = "EXTRACTOR-dtls_srtp";

    /// <summary>
    /// RFC 5764 §4.2: the material is client_write_SRTP_master_key | server_write_SRTP_master_key |
    /// client_write_SRTP_master_salt | server_write_SRTP_master_salt. The DTLS client protects with
    /// the client_write half; the server with the server_write half.
    /// </summary>
    /// <param name="parameters">The negotiated profile.</param>
    /// <param name="material">Exactly <see cref="SrtpProfileParameters.KeyingMaterialLength"/> exported bytes.</param>
    /// <param name="isDtlsClient">True when this endpoint was the DTLS client.</param>
    /// <param name="local">The key this endpoint protects (sends) with.</param>
    /// <param name="remote">The key this endpoint unprotects (receives) with.</param>
    /// <exception cref="ArgumentException">The material has the wrong length.</exception>
    public static void Split(
        SrtpProfileParameters parameters,
        ReadOnlySpan<byte> material,
        bool isDtlsClient,
        out SrtpMasterKey local,
        out SrtpMasterKey remote)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (material.Length != parameters.KeyingMaterialLength)
        {
            throw new ArgumentException(
                $"{parameters.Profile} needs {parameters.KeyingMaterialLength} bytes of keying material, got {material.Length}.",
                nameof(material));
        }

        int k = parameters.MasterKeyLength;
        int s = parameters.MasterSaltLength;
        ReadOnlySpan<byte> clientKey = material.Slice(0, k);
        ReadOnlySpan<byte> serverKey = material.Slice(k, k);
        ReadOnlySpan<byte> clientSalt = material.Slice(2 * k, s);
        ReadOnlySpan<byte> serverSalt = material.Slice((2 * k) + s, s);

        var client = new SrtpMasterKey(clientKey, clientSalt);
        var server = new SrtpMasterKey(serverKey, serverSalt);
        local = isDtlsClient ? client : server;
        remote = isDtlsClient ? server : client;
    }
}
