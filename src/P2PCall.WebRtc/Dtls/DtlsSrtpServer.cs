using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using BcHashAlgorithm = Org.BouncyCastle.Tls.HashAlgorithm;

namespace P2PCall.WebRtc.Dtls;

/// <summary>
/// The DTLS 1.2 server side (<c>a=setup:passive</c>): requires the client's certificate and checks it
/// against its fingerprint, picks the SRTP profile, answers a ClientHello that also lists DTLS 1.3.
/// </summary>
internal sealed class DtlsSrtpServer : DefaultTlsServer
{
    /// <summary>
    /// Signature algorithms we accept on the client's CertificateVerify. ECDSA P-256/SHA-256 must be present:
    /// Chromium refuses a CertificateRequest without ECDSA (handshake_failure(40)).
    /// </summary>
    private static readonly SignatureAndHashAlgorithm[] ClientSignatureAlgorithms =
    [
        DtlsPeerContext.EcdsaSha256,
        new(BcHashAlgorithm.sha384, SignatureAlgorithm.ecdsa),
        new(BcHashAlgorithm.sha512, SignatureAlgorithm.ecdsa),
        SignatureAndHashAlgorithm.rsa_pss_rsae_sha256,
        new(BcHashAlgorithm.sha256, SignatureAlgorithm.rsa),
        new(BcHashAlgorithm.sha384, SignatureAlgorithm.rsa),
        new(BcHashAlgorithm.sha1, SignatureAlgorithm.ecdsa),
        new(BcHashAlgorithm.sha1, SignatureAlgorithm.rsa),
    ];

    private readonly DtlsPeerContext _peer;
    private readonly BcTlsCrypto _crypto;

    public DtlsSrtpServer(BcTlsCrypto crypto, DtlsPeerContext peer)
        : base(crypto)
    {
        _crypto = crypto;
        _peer = peer;
    }

    /// <inheritdoc/>
    public override bool IgnoreCorruptDtlsRecords => true; // RFC 6347 §4.1.2.7

    /// <inheritdoc/>
    public override int GetHandshakeResendTimeMillis() => _peer.Options.InitialRetransmitMilliseconds;

    /// <inheritdoc/>
    public override int GetHandshakeTimeoutMillis() => 0; // the transport enforces the timeout on its TimeProvider

    /// <inheritdoc/>
    public override bool RequiresExtendedMasterSecret() => _peer.Options.RequireExtendedMasterSecret;

    /// <inheritdoc/>
    public override void NotifySecureRenegotiation(bool secureRenegotiation)
    {
        // We never renegotiate; accept clients without renegotiation_info (see DtlsSrtpClient).
    }

    /// <inheritdoc/>
    public override CertificateRequest GetCertificateRequest() =>
        // RFC 8842 §5 / RFC 8827 §6.5: the server MUST request the client's certificate, else the client never
        // sends it and its fingerprint goes unchecked. List ecdsa_sign (Chromium requires it) and rsa_sign.
        new([ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign], ClientSignatureAlgorithms, null);

    /// <inheritdoc/>
    public override void NotifyClientCertificate(Certificate clientCertificate) =>
        _peer.VerifyPeerCertificate(clientCertificate);

    /// <inheritdoc/>
    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        UseSrtpData? offer = clientExtensions is null ? null : TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions);
        if (offer is null)
        {
            return;
        }

        // RFC 5764 §4.1.1: the server picks one profile the client offered; we pick by OUR preference
        // (as Chromium does: it answers CM_80 even when the client lists GCM first).
        foreach (ushort preferred in _peer.Options.SrtpProfiles)
        {
            if (Array.IndexOf(offer.ProtectionProfiles, preferred) >= 0)
            {
                _peer.SelectedSrtpProfile = preferred;
                return;
            }
        }
    }

    /// <inheritdoc/>
    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        IDictionary<int, byte[]> extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());
        if (_peer.SelectedSrtpProfile != 0)
        {
            // RFC 5764 §4.1.1: exactly one profile, and an empty MKI (we never use MKIs).
            TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([_peer.SelectedSrtpProfile], TlsUtilities.EmptyBytes));
        }

        return extensions;
    }

    /// <inheritdoc/>
    public override int GetSelectedCipherSuite()
    {
        int selected = base.GetSelectedCipherSuite();
        _peer.OnCipherSuiteSelected(selected);
        return selected;
    }

    /// <inheritdoc/>
    public override void NotifyAlertRaised(short alertLevel, short alertDescription, string message, Exception cause) =>
        _peer.OnAlertRaised(alertDescription);

    /// <inheritdoc/>
    public override void NotifyAlertReceived(short alertLevel, short alertDescription) =>
        _peer.OnAlertReceived(alertDescription);

    /// <inheritdoc/>
    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        _peer.OnHandshakeComplete(m_context);
    }

    /// <inheritdoc/>
    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    /// <inheritdoc/>
    protected override int[] GetSupportedCipherSuites() => TlsUtilities.GetSupportedCipherSuites(Crypto, _peer.Options.CipherSuites ?? DtlsPeerContext.CipherSuites);

    /// <inheritdoc/>
    protected override bool PreferLocalCipherSuites() => true; // AES-128-GCM first, whatever the client's order

    /// <inheritdoc/>
    protected override TlsCredentialedSigner GetECDsaSignerCredentials() => _peer.CreateSigner(m_context, _crypto);
}
