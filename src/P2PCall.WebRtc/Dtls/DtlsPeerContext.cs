using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using BcHashAlgorithm = Org.BouncyCastle.Tls.HashAlgorithm;

namespace P2PCall.WebRtc.Dtls;

/// <summary>
/// What the BouncyCastle client and server peers share: our certificate, the expected remote
/// fingerprints, SRTP settings, and the results captured during the handshake (peer certificate,
/// exported keys, alerts). Written on the DTLS thread; read by the transport once the handshake ended.
/// </summary>
internal sealed class DtlsPeerContext
{
    /// <summary>ECDSA with SHA-256, the one signature our P-256 certificate makes (RFC 8422 §5.1.1, RFC 5246 §7.4.1.4.1).</summary>
    public static readonly SignatureAndHashAlgorithm EcdsaSha256 = new(BcHashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    /// <summary>
    /// Our cipher suites, most preferred first: ECDHE with our ECDSA certificate, AEAD only
    /// (RFC 8827 §6.5 asks for TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256). CBC suites are left out on purpose:
    /// every browser offers GCM, and BouncyCastle fails the association on some malformed CBC records
    /// (decryption_failed) that <see cref="DtlsRecordFilter"/> cannot screen without the MAC state.
    /// </summary>
    public static readonly int[] CipherSuites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    private volatile int _minimumCiphertext = DtlsRecordFilter.ChaCha20MinimumCiphertext;

    public DtlsPeerContext(DtlsRole role, RTCCertificate certificate, IReadOnlyList<RTCDtlsFingerprint> remoteFingerprints, DtlsTransportOptions options)
    {
        Role = role;
        Certificate = certificate;
        RemoteFingerprints = remoteFingerprints;
        Options = options;
    }

    public DtlsRole Role { get; }

    public RTCCertificate Certificate { get; }

    public IReadOnlyList<RTCDtlsFingerprint> RemoteFingerprints { get; }

    public DtlsTransportOptions Options { get; }

    /// <summary>The peer's end-entity certificate (DER) once it matched its fingerprint.</summary>
    public byte[]? PeerCertificate { get; private set; }

    /// <summary>Set when the peer's certificate was missing or did not match.</summary>
    public DtlsFingerprintMismatchException? FingerprintFailure { get; private set; }

    /// <summary>The SRTP profile chosen by the server (0: none negotiated).</summary>
    public ushort SelectedSrtpProfile { get; set; }

    /// <summary>The SRTP keys exported inside NotifyHandshakeComplete, when a profile was negotiated.</summary>
    public DtlsSrtpKeyingMaterial? SrtpKeyingMaterial { get; private set; }

    /// <summary>The application-data keys derived when the handshake completed (null for another suite).</summary>
    public DtlsRecordKeys? RecordKeys { get; private set; }

    /// <summary>The last alert the peer sent, or -1.</summary>
    public int LastAlertReceived { get; private set; } = -1;

    /// <summary>The last alert we raised, or -1.</summary>
    public int LastAlertRaised { get; private set; } = -1;

    /// <summary>Whether NotifyHandshakeComplete ran.</summary>
    public bool HandshakeComplete { get; private set; }

    /// <summary>The shortest well-formed protected record for the selected suite (see <see cref="DtlsRecordFilter"/>).</summary>
    public int MinimumCiphertext => _minimumCiphertext;

    /// <summary>Records the cipher suite once selected; only AEAD suites are offered.</summary>
    /// <param name="cipherSuite">The selected suite.</param>
    public void OnCipherSuiteSelected(int cipherSuite) =>
        _minimumCiphertext = cipherSuite == CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
            ? DtlsRecordFilter.ChaCha20MinimumCiphertext
            : DtlsRecordFilter.AesGcmMinimumCiphertext;

    public void OnAlertReceived(short description) => LastAlertReceived = description;

    public void OnAlertRaised(short description) => LastAlertRaised = description;

    /// <summary>
    /// Checks the peer's chain against the remote SDP fingerprints: an empty chain or a mismatch fails the
    /// handshake with bad_certificate(42) (RFC 8842 §5: the fingerprint is the whole authentication).
    /// </summary>
    /// <param name="chain">The peer's certificate message.</param>
    public void VerifyPeerCertificate(Certificate? chain)
    {
        if (chain is null || chain.IsEmpty)
        {
            FingerprintFailure = new DtlsFingerprintMismatchException(
                "The peer sent no certificate; RFC 8842 §5 requires one matching its a=fingerprint.",
                AlertDescription.bad_certificate, detectedByPeer: false);
            throw new TlsFatalAlert(AlertDescription.bad_certificate, FingerprintFailure.Message);
        }

        byte[] der = chain.GetCertificateAt(0).GetEncoded();
        if (!DtlsFingerprintVerifier.Verify(RemoteFingerprints, der))
        {
            RTCDtlsFingerprint actual = RTCDtlsFingerprint.Compute(RTCDtlsFingerprint.Sha256, der);
            FingerprintFailure = new DtlsFingerprintMismatchException(
                $"The peer's certificate ({actual.Algorithm} {actual.Value}) does not match the fingerprint in the remote description.",
                AlertDescription.bad_certificate, detectedByPeer: false);
            throw new TlsFatalAlert(AlertDescription.bad_certificate, FingerprintFailure.Message);
        }

        PeerCertificate = der;
    }

    /// <summary>Our certificate and key as BouncyCastle credentials that sign with ECDSA-SHA256 through .NET.</summary>
    /// <param name="context">The handshake context.</param>
    /// <param name="crypto">The crypto provider.</param>
    /// <returns>The credentials.</returns>
    public TlsCredentialedSigner CreateSigner(TlsContext context, BcTlsCrypto crypto)
    {
        var chain = new Certificate([crypto.CreateCertificate(CertificateType.X509, Certificate.DerEncoding.ToArray())]);
        return new DefaultTlsCredentialedSigner(new TlsCryptoParameters(context), new DotNetEcdsaSigner(Certificate), chain, EcdsaSha256);
    }

    /// <summary>
    /// Called from NotifyHandshakeComplete: exports the SRTP keys now, because BouncyCastle can no longer
    /// export once Connect/Accept has returned (RFC 5764 §4.2).
    /// </summary>
    /// <param name="context">The handshake context.</param>
    public void OnHandshakeComplete(TlsContext context)
    {
        if (PeerCertificate is null)
        {
            // Defence in depth: never report success without a verified peer certificate.
            FingerprintFailure ??= new DtlsFingerprintMismatchException(
                "The handshake ended without the peer's certificate being verified.",
                AlertDescription.bad_certificate, detectedByPeer: false);
            throw new TlsFatalAlert(AlertDescription.bad_certificate, FingerprintFailure.Message);
        }

        if (SelectedSrtpProfile != 0 && DtlsSrtpProfile.TryGetLengths(SelectedSrtpProfile, out int key, out int salt))
        {
            // RFC 5764 §4.2: EXTRACTOR-dtls_srtp, no context, 2 * (key + salt) bytes.
            byte[] material = context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, 2 * (key + salt));
            SrtpKeyingMaterial = new DtlsSrtpKeyingMaterial(SelectedSrtpProfile, Role, material);
        }

        // Data records then go through .NET's AEAD instead of BouncyCastle's managed cipher (DtlsAeadRecordLayer).
        RecordKeys = Options.BouncyCastleRecordLayer ? null : DtlsRecordKeys.Derive(context, Role == DtlsRole.Client);
        HandshakeComplete = true;
    }
}
