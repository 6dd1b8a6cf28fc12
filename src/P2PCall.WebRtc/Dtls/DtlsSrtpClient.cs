using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace P2PCall.WebRtc.Dtls;

/// <summary>
/// The DTLS 1.2 client side (<c>a=setup:active</c>): offers ECDHE-ECDSA suites, extended master secret
/// and use_srtp, presents our certificate when asked, and checks the server's against its fingerprint.
/// </summary>
internal sealed class DtlsSrtpClient : DefaultTlsClient
{
    private readonly DtlsPeerContext _peer;
    private readonly BcTlsCrypto _crypto;

    public DtlsSrtpClient(BcTlsCrypto crypto, DtlsPeerContext peer)
        : base(crypto)
    {
        _crypto = crypto;
        _peer = peer;
    }

    /// <inheritdoc/>
    public override bool IgnoreCorruptDtlsRecords => true; // RFC 6347 §4.1.2.7: invalid records are silently discarded.

    /// <inheritdoc/>
    public override int GetHandshakeResendTimeMillis() => _peer.Options.InitialRetransmitMilliseconds;

    /// <inheritdoc/>
    public override int GetHandshakeTimeoutMillis() => 0; // the transport enforces the timeout on its TimeProvider

    /// <inheritdoc/>
    public override bool RequiresExtendedMasterSecret() => _peer.Options.RequireExtendedMasterSecret;

    /// <inheritdoc/>
    public override void NotifySecureRenegotiation(bool secureRenegotiation)
    {
        // We never renegotiate (BouncyCastle cannot), so a peer without renegotiation_info is no risk;
        // refusing it broke interop elsewhere (SIPSorcery #1149).
    }

    /// <inheritdoc/>
    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        IDictionary<int, byte[]> extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        if (_peer.Options.SrtpProfiles.Count > 0)
        {
            // RFC 5764 §4.1.1: list our profiles in preference order, no MKI.
            int[] profiles = [.. _peer.Options.SrtpProfiles.Select(p => (int)p)];
            TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(profiles, TlsUtilities.EmptyBytes));
        }

        return extensions;
    }

    /// <inheritdoc/>
    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        UseSrtpData? srtp = serverExtensions is null ? null : TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions);
        if (srtp is null)
        {
            return; // RFC 5764 §4.1.1: no common profile; the owner sees no SRTP keys.
        }

        // RFC 5764 §4.1.1: the server returns exactly one profile, one we offered, and no MKI we did not send.
        if (srtp.ProtectionProfiles.Length != 1
            || srtp.ProtectionProfiles[0] is < 0 or > ushort.MaxValue
            || !_peer.Options.SrtpProfiles.Contains((ushort)srtp.ProtectionProfiles[0])
            || srtp.Mki.Length != 0)
        {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "use_srtp answer is not one of our offers");
        }

        _peer.SelectedSrtpProfile = (ushort)srtp.ProtectionProfiles[0];
    }

    /// <inheritdoc/>
    public override void NotifySelectedCipherSuite(int selectedCipherSuite)
    {
        base.NotifySelectedCipherSuite(selectedCipherSuite);
        _peer.OnCipherSuiteSelected(selectedCipherSuite);
    }

    /// <inheritdoc/>
    public override TlsAuthentication GetAuthentication() => new Authentication(this);

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
    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only(); // BouncyCastle 2.7 has no DTLS 1.3

    /// <inheritdoc/>
    protected override int[] GetSupportedCipherSuites() => TlsUtilities.GetSupportedCipherSuites(Crypto, _peer.Options.CipherSuites ?? DtlsPeerContext.CipherSuites);

    private sealed class Authentication(DtlsSrtpClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) =>
            client._peer.VerifyPeerCertificate(serverCertificate?.Certificate);

        // RFC 8842 §5: each endpoint presents the certificate whose fingerprint it put in its SDP.
        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            client._peer.CreateSigner(client.m_context, client._crypto);
    }
}
