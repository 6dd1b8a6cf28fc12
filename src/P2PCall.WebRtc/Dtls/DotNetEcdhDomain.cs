using System.Security.Cryptography;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;

namespace P2PCall.WebRtc.Dtls;

/// <summary>ECDHE on a NIST prime curve through .NET's <see cref="ECDiffieHellman"/> (RFC 8422 §5.10).</summary>
internal sealed class DotNetEcdhDomain : TlsECDomain
{
    private readonly TlsCrypto _crypto;
    private readonly ECCurve _curve;
    private readonly int _fieldSize;

    public DotNetEcdhDomain(TlsCrypto crypto, ECCurve curve, int fieldSize)
    {
        _crypto = crypto;
        _curve = curve;
        _fieldSize = fieldSize;
    }

    /// <summary>The .NET curve and field size in bytes of a TLS named group, or false when .NET does not take it.</summary>
    public static bool TryGetCurve(int namedGroup, out ECCurve curve, out int fieldSize)
    {
        (curve, fieldSize) = namedGroup switch
        {
            NamedGroup.secp256r1 => (ECCurve.NamedCurves.nistP256, 32),
            NamedGroup.secp384r1 => (ECCurve.NamedCurves.nistP384, 48),
            NamedGroup.secp521r1 => (ECCurve.NamedCurves.nistP521, 66),
            _ => (default(ECCurve), 0),
        };
        return fieldSize != 0;
    }

    /// <inheritdoc/>
    public TlsAgreement CreateECDH() => new Agreement(this);

    private sealed class Agreement(DotNetEcdhDomain domain) : TlsAgreement
    {
        private ECDiffieHellman? _local;
        private ECDiffieHellman? _peer;

        /// <summary>RFC 8422 §5.4.1: our ephemeral public key as an uncompressed point, 0x04 || X || Y.</summary>
        public byte[] GenerateEphemeral()
        {
            _local?.Dispose();
            _local = ECDiffieHellman.Create(domain._curve);
            ECParameters p = _local.ExportParameters(false);
            int n = domain._fieldSize;
            byte[] point = new byte[1 + (2 * n)];
            point[0] = 0x04;
            p.Q.X.AsSpan().CopyTo(point.AsSpan(1 + n - p.Q.X!.Length, p.Q.X.Length));
            p.Q.Y.AsSpan().CopyTo(point.AsSpan(1 + (2 * n) - p.Q.Y!.Length, p.Q.Y.Length));
            return point;
        }

        /// <summary>RFC 8422 §5.11 / RFC 8446 §4.2.8.2: only uncompressed points on the curve are accepted (illegal_parameter otherwise).</summary>
        public void ReceivePeerValue(byte[] peerValue)
        {
            int n = domain._fieldSize;
            if (peerValue is null || peerValue.Length != 1 + (2 * n) || peerValue[0] != 0x04)
            {
                throw new TlsFatalAlert(AlertDescription.illegal_parameter, "ECDH public key is not an uncompressed point of the curve");
            }

            var parameters = new ECParameters
            {
                Curve = domain._curve,
                Q = new ECPoint { X = peerValue[1..(1 + n)], Y = peerValue[(1 + n)..] },
            };
            try
            {
                _peer?.Dispose();
                _peer = ECDiffieHellman.Create(parameters); // OpenSSL checks the point is on the curve
            }
            catch (CryptographicException e)
            {
                throw new TlsFatalAlert(AlertDescription.illegal_parameter, "ECDH public key is not on the curve", e);
            }
        }

        /// <summary>RFC 8422 §5.10: the premaster secret is the x-coordinate, at full field length.</summary>
        public TlsSecret CalculateSecret()
        {
            if (_local is null || _peer is null)
            {
                throw new TlsFatalAlert(AlertDescription.internal_error, "ECDH agreement before both keys are known");
            }

            byte[] secret;
            using (ECDiffieHellmanPublicKey peerPublic = _peer.PublicKey)
            {
                secret = _local.DeriveRawSecretAgreement(peerPublic);
            }

            try
            {
                return domain._crypto.CreateSecret(secret);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(secret);
                _local.Dispose();
                _peer.Dispose();
                _local = null;
                _peer = null;
            }
        }
    }
}
