using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace P2PCall.WebRtc.Dtls;

/// <summary>
/// BouncyCastle's TLS crypto with the handshake's public-key work moved to .NET (OpenSSL on Linux): ECDHE on
/// the NIST curves and ECDSA verification of the peer's signatures. BouncyCastle's managed P-256 arithmetic
/// was most of a handshake's CPU time; X25519 (no .NET API) and the record layer stay on BouncyCastle.
/// Our own ECDSA signatures go through <see cref="DotNetEcdsaSigner"/>.
/// </summary>
internal sealed class DotNetTlsCrypto : BcTlsCrypto
{
    public DotNetTlsCrypto(SecureRandom random)
        : base(random)
    {
    }

    /// <inheritdoc/>
    public override TlsECDomain CreateECDomain(TlsECConfig ecConfig)
    {
        ArgumentNullException.ThrowIfNull(ecConfig);
        return DotNetEcdhDomain.TryGetCurve(ecConfig.NamedGroup, out ECCurve curve, out int size)
            ? new DotNetEcdhDomain(this, curve, size)
            : base.CreateECDomain(ecConfig);
    }

    /// <inheritdoc/>
    public override TlsCertificate CreateCertificate(short type, byte[] encoding) =>
        type == CertificateType.X509 ? new DotNetTlsCertificate(this, encoding) : base.CreateCertificate(type, encoding);

    /// <summary>The .NET curve of a BouncyCastle EC public key on a NIST prime curve, or false for any other curve.</summary>
    internal static bool TryGetCurve(ECPublicKeyParameters key, out ECCurve curve)
    {
        curve = default;
        if (key.PublicKeyParamSet is { } oid)
        {
            if (oid.Equals(SecObjectIdentifiers.SecP256r1))
            {
                curve = ECCurve.NamedCurves.nistP256;
                return true;
            }

            if (oid.Equals(SecObjectIdentifiers.SecP384r1))
            {
                curve = ECCurve.NamedCurves.nistP384;
                return true;
            }

            if (oid.Equals(SecObjectIdentifiers.SecP521r1))
            {
                curve = ECCurve.NamedCurves.nistP521;
                return true;
            }
        }

        return false;
    }

    /// <summary>A certificate whose ECDSA verifier runs on .NET when its key is on a NIST curve.</summary>
    private sealed class DotNetTlsCertificate(BcTlsCrypto crypto, byte[] encoding) : BcTlsCertificate(crypto, encoding)
    {
        /// <inheritdoc/>
        public override TlsVerifier CreateVerifier(short signatureAlgorithm)
        {
            if (signatureAlgorithm == SignatureAlgorithm.ecdsa)
            {
                ValidateKeyUsage(Org.BouncyCastle.Asn1.X509.KeyUsage.DigitalSignature); // as BouncyCastle does
                ECPublicKeyParameters key = GetPubKeyEC();
                if (TryGetCurve(key, out ECCurve curve))
                {
                    return new DotNetEcdsaVerifier(curve, key);
                }
            }

            return base.CreateVerifier(signatureAlgorithm);
        }
    }
}
