using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace P2PCall.WebRtc.Dtls;

/// <summary>
/// A self-signed certificate and its private key that authenticate this endpoint in DTLS
/// (the W3C <c>RTCCertificate</c>). Generating one costs a key pair, so create it once and reuse it
/// across peer connections; it is immutable and thread-safe.
/// </summary>
public sealed class RTCCertificate
{
    /// <summary>The common name of generated certificates; the peer authenticates by fingerprint, not by name.</summary>
    internal const string CommonName = "WebRTC";

    private readonly byte[] _der;
    private readonly RTCDtlsFingerprint[] _fingerprints;

    private readonly ECDsa _signingKey;
    private readonly Lock _signingGate = new();

    private RTCCertificate(byte[] der, ECDsa signingKey, DateTimeOffset expires)
    {
        _der = der;
        _signingKey = signingKey;
        Expires = expires;
        // RFC 8827 §6.5 / RFC 8122 §5: sha-256 is the hash every WebRTC endpoint must support.
        _fingerprints = [RTCDtlsFingerprint.Compute(RTCDtlsFingerprint.Sha256, der)];
    }

    /// <summary>When the certificate stops being valid.</summary>
    public DateTimeOffset Expires { get; }

    /// <summary>The DER encoding of the X.509 certificate.</summary>
    internal ReadOnlySpan<byte> DerEncoding => _der;

    /// <summary>
    /// Generates a self-signed ECDSA P-256 certificate (SHA-256 signature, random serial number,
    /// valid from one day ago for 30 days), as browsers generate for WebRTC.
    /// </summary>
    /// <param name="timeProvider">The clock for the validity period; <see cref="TimeProvider.System"/> when null.</param>
    /// <returns>The certificate.</returns>
    public static RTCCertificate Generate(TimeProvider? timeProvider = null) =>
        Generate(timeProvider ?? TimeProvider.System, TimeSpan.FromDays(30));

    /// <summary>Generates a certificate valid for <paramref name="lifetime"/> from now (backdated one day for clock skew).</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="lifetime">How long from now the certificate stays valid.</param>
    /// <returns>The certificate.</returns>
    internal static RTCCertificate Generate(TimeProvider timeProvider, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        DateTimeOffset now = timeProvider.GetUtcNow();
        // X.509 validity has one-second resolution; truncate so Expires equals what is encoded.
        now = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        DateTimeOffset notBefore = now.AddDays(-1);
        DateTimeOffset notAfter = now.Add(lifetime);

        ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256); // kept: it signs our handshakes (DotNetEcdsaSigner)
        var request = new CertificateRequest("CN=" + CommonName, key, HashAlgorithmName.SHA256);

        // RFC 5280 §4.1.2.2: a positive serial of at most 20 octets; 8 random bytes, top bit clear and
        // the next set so the DER integer is minimal and non-negative.
        Span<byte> serial = stackalloc byte[8];
        RandomNumberGenerator.Fill(serial);
        serial[0] = (byte)((serial[0] & 0x3F) | 0x40);

        using X509Certificate2 certificate = request.Create(
            request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), notBefore, notAfter, serial);

        return new RTCCertificate(certificate.RawData, key, notAfter);
    }

    /// <summary>Signs a handshake hash with the private key: a DER ECDSA-Sig-Value (RFC 8422 §5.4), through .NET (OpenSSL).</summary>
    /// <param name="hash">The hash to sign.</param>
    /// <returns>The signature.</returns>
    internal byte[] SignHash(ReadOnlySpan<byte> hash)
    {
        // One key may sign for many connections at once; .NET does not promise that one instance is thread-safe.
        lock (_signingGate)
        {
            return _signingKey.SignHash(hash, DSASignatureFormat.Rfc3279DerSequence);
        }
    }

    /// <summary>
    /// The certificate's fingerprints as SDP's <c>a=fingerprint</c> carries them (RFC 8122 §5):
    /// one <c>sha-256</c> entry with upper-case hex pairs joined by ':'.
    /// </summary>
    /// <returns>The fingerprints.</returns>
    public IReadOnlyList<RTCDtlsFingerprint> GetFingerprints() => _fingerprints;

    /// <summary>Whether the certificate has expired at the provider's current time.</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>True when <see cref="Expires"/> has passed.</returns>
    internal bool IsExpired(TimeProvider timeProvider) => timeProvider.GetUtcNow() >= Expires;
}
