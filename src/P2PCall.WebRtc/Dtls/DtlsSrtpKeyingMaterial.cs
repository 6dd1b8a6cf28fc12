using System.Security.Cryptography;

namespace P2PCall.WebRtc.Dtls;

/// <summary>
/// The SRTP keys exported from a DTLS handshake (RFC 5764 §4.2): <c>client_write_SRTP_master_key |
/// server_write_SRTP_master_key | client_write_SRTP_master_salt | server_write_SRTP_master_salt</c>,
/// with the local and remote halves picked by this endpoint's role.
/// </summary>
internal sealed class DtlsSrtpKeyingMaterial
{
    private readonly byte[] _material;

    /// <summary>Wraps exported material; takes ownership of <paramref name="material"/>.</summary>
    /// <param name="profile">The negotiated protection profile.</param>
    /// <param name="localRole">This endpoint's DTLS role.</param>
    /// <param name="material">Exactly 2 × (key + salt) bytes from the exporter.</param>
    public DtlsSrtpKeyingMaterial(ushort profile, DtlsRole localRole, byte[] material)
    {
        if (!DtlsSrtpProfile.TryGetLengths(profile, out int keyLength, out int saltLength))
        {
            throw new ArgumentException("Unknown SRTP protection profile " + profile, nameof(profile));
        }

        if (material.Length != 2 * (keyLength + saltLength))
        {
            throw new ArgumentException("Keying material has the wrong length for the profile.", nameof(material));
        }

        Profile = profile;
        LocalRole = localRole;
        KeyLength = keyLength;
        SaltLength = saltLength;
        _material = material;
    }

    /// <summary>The negotiated SRTP protection profile id (see <see cref="DtlsSrtpProfile"/>).</summary>
    public ushort Profile { get; }

    /// <summary>This endpoint's DTLS role; the client's keys protect what the client sends.</summary>
    public DtlsRole LocalRole { get; }

    /// <summary>The master key length in bytes.</summary>
    public int KeyLength { get; }

    /// <summary>The master salt length in bytes.</summary>
    public int SaltLength { get; }

    /// <summary>The exporter output as it came (RFC 5764 §4.2 layout).</summary>
    public ReadOnlySpan<byte> Material => _material;

    /// <summary>client_write_SRTP_master_key.</summary>
    public ReadOnlySpan<byte> ClientWriteKey => _material.AsSpan(0, KeyLength);

    /// <summary>server_write_SRTP_master_key.</summary>
    public ReadOnlySpan<byte> ServerWriteKey => _material.AsSpan(KeyLength, KeyLength);

    /// <summary>client_write_SRTP_master_salt.</summary>
    public ReadOnlySpan<byte> ClientWriteSalt => _material.AsSpan(2 * KeyLength, SaltLength);

    /// <summary>server_write_SRTP_master_salt.</summary>
    public ReadOnlySpan<byte> ServerWriteSalt => _material.AsSpan(2 * KeyLength + SaltLength, SaltLength);

    /// <summary>The master key protecting what this endpoint sends.</summary>
    public ReadOnlySpan<byte> LocalWriteKey => LocalRole == DtlsRole.Client ? ClientWriteKey : ServerWriteKey;

    /// <summary>The master salt for what this endpoint sends.</summary>
    public ReadOnlySpan<byte> LocalWriteSalt => LocalRole == DtlsRole.Client ? ClientWriteSalt : ServerWriteSalt;

    /// <summary>The master key protecting what the peer sends.</summary>
    public ReadOnlySpan<byte> RemoteWriteKey => LocalRole == DtlsRole.Client ? ServerWriteKey : ClientWriteKey;

    /// <summary>The master salt for what the peer sends.</summary>
    public ReadOnlySpan<byte> RemoteWriteSalt => LocalRole == DtlsRole.Client ? ServerWriteSalt : ClientWriteSalt;

    /// <summary>Overwrites the key material with zeros (call when the SRTP contexts have copied it).</summary>
    public void Clear() => CryptographicOperations.ZeroMemory(_material);
}
