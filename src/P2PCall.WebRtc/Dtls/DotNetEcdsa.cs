using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;

namespace P2PCall.WebRtc.Dtls;

/// <summary>Signs handshake hashes with the certificate's .NET ECDSA key (RFC 8422 §5.4: DER-encoded ECDSA-Sig-Value).</summary>
internal sealed class DotNetEcdsaSigner(RTCCertificate certificate) : TlsSigner
{
    /// <inheritdoc/>
    public byte[] GenerateRawSignature(SignatureAndHashAlgorithm algorithm, byte[] hash)
    {
        if (algorithm is not null && algorithm.Signature != SignatureAlgorithm.ecdsa)
        {
            throw new TlsFatalAlert(AlertDescription.internal_error, "Not an ECDSA algorithm: " + algorithm);
        }

        // Without an algorithm (TLS 1.0/1.1, never negotiated here) only the SHA-1 half of the MD5/SHA-1 hash is signed.
        ReadOnlySpan<byte> digest = algorithm is null ? hash.AsSpan(16, 20) : hash;
        return certificate.SignHash(digest);
    }

    /// <inheritdoc/>
    public TlsStreamSigner? GetStreamSigner(SignatureAndHashAlgorithm algorithm) => null; // sign the hash BouncyCastle computes
}

/// <summary>Verifies the peer's ECDSA signatures (ServerKeyExchange, CertificateVerify) with .NET.</summary>
internal sealed class DotNetEcdsaVerifier : TlsVerifier
{
    private readonly ECParameters _key;

    public DotNetEcdsaVerifier(ECCurve curve, ECPublicKeyParameters key)
    {
        Org.BouncyCastle.Math.EC.ECPoint q = key.Q.Normalize();
        _key = new ECParameters
        {
            Curve = curve,
            Q = new ECPoint { X = q.AffineXCoord.GetEncoded(), Y = q.AffineYCoord.GetEncoded() }, // fixed-length field elements
        };
    }

    /// <inheritdoc/>
    public TlsStreamVerifier? GetStreamVerifier(DigitallySigned digitallySigned) => null;

    /// <inheritdoc/>
    public bool VerifyRawSignature(DigitallySigned digitallySigned, byte[] hash)
    {
        ArgumentNullException.ThrowIfNull(digitallySigned);
        SignatureAndHashAlgorithm? algorithm = digitallySigned.Algorithm;
        if (algorithm is not null && algorithm.Signature != SignatureAlgorithm.ecdsa)
        {
            throw new InvalidOperationException("Invalid algorithm: " + algorithm);
        }

        ReadOnlySpan<byte> digest = algorithm is null ? hash.AsSpan(16, 20) : hash;
        try
        {
            using ECDsa ecdsa = ECDsa.Create(_key);
            return ecdsa.VerifyHash(digest, digitallySigned.Signature, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false; // a key off the curve or a malformed signature: the handshake fails with decrypt_error
        }
    }
}
