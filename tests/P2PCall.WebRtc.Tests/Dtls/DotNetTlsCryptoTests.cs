using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using P2PCall.WebRtc.Dtls;

namespace P2PCall.WebRtc.Tests.Dtls;

/// <summary>
/// The handshake's public-key work on .NET must agree bit for bit with BouncyCastle's own (which peers such as
/// Chromium's BoringSSL agree with): ECDHE secrets, DER ECDSA signatures both ways, and refusal of bad points.
/// </summary>
public class DotNetTlsCryptoTests
{
    private static readonly DotNetTlsCrypto Ours = new(new SecureRandom());
    private static readonly BcTlsCrypto Theirs = new(new SecureRandom());

    [Theory]
    [InlineData(NamedGroup.secp256r1)]
    [InlineData(NamedGroup.secp384r1)]
    [InlineData(NamedGroup.secp521r1)]
    public void Ecdhe_on_dotnet_and_on_bouncycastle_derive_the_same_premaster_secret(int group)
    {
        TlsAgreement ours = Ours.CreateECDomain(new TlsECConfig(group)).CreateECDH();
        TlsAgreement theirs = Theirs.CreateECDomain(new TlsECConfig(group)).CreateECDH();
        Assert.IsNotType<BcTlsECDH>(ours);

        byte[] ourPublic = ours.GenerateEphemeral();
        byte[] theirPublic = theirs.GenerateEphemeral();
        Assert.Equal(theirPublic.Length, ourPublic.Length); // RFC 8422 §5.4.1: uncompressed, full field length
        Assert.Equal(0x04, ourPublic[0]);
        ours.ReceivePeerValue(theirPublic);
        theirs.ReceivePeerValue(ourPublic);

        Assert.Equal(theirs.CalculateSecret().Extract(), ours.CalculateSecret().Extract());
    }

    [Fact]
    public void X25519_stays_with_bouncycastle()
    {
        TlsAgreement agreement = Ours.CreateECDomain(new TlsECConfig(NamedGroup.x25519)).CreateECDH();
        Assert.Equal(32, agreement.GenerateEphemeral().Length);
    }

    [Fact]
    public void A_peer_point_off_the_curve_or_of_the_wrong_form_is_an_illegal_parameter()
    {
        TlsAgreement agreement = Ours.CreateECDomain(new TlsECConfig(NamedGroup.secp256r1)).CreateECDH();
        byte[] point = agreement.GenerateEphemeral();

        byte[] offCurve = (byte[])point.Clone();
        offCurve[^1] ^= 1;
        byte[] compressed = [0x02, .. point[1..33]];
        foreach (byte[] bad in new[] { offCurve, compressed, point[..64], [] })
        {
            var alert = Assert.Throws<TlsFatalAlert>(() => agreement.ReceivePeerValue(bad));
            Assert.Equal(AlertDescription.illegal_parameter, alert.AlertDescription);
        }
    }

    [Fact]
    public void Our_signature_verifies_with_bouncycastle_and_with_our_verifier_and_a_changed_hash_does_not()
    {
        RTCCertificate certificate = RTCCertificate.Generate();
        byte[] hash = SHA256.HashData("handshake messages"u8);
        byte[] signature = new DotNetEcdsaSigner(certificate).GenerateRawSignature(DtlsPeerContext.EcdsaSha256, hash);

        ECPublicKeyParameters key = new BcTlsCertificate(Theirs, certificate.DerEncoding.ToArray()).GetPubKeyEC();
        var bc = new DsaDigestSigner(new ECDsaSigner(), new NullDigest());
        bc.Init(false, key);
        bc.BlockUpdate(hash, 0, hash.Length);
        Assert.True(bc.VerifySignature(signature)); // DER ECDSA-Sig-Value, RFC 8422 §5.4

        TlsVerifier ours = Ours.CreateCertificate(CertificateType.X509, certificate.DerEncoding.ToArray()).CreateVerifier(SignatureAlgorithm.ecdsa);
        Assert.IsType<DotNetEcdsaVerifier>(ours);
        Assert.True(ours.VerifyRawSignature(new DigitallySigned(DtlsPeerContext.EcdsaSha256, signature), hash));
        hash[0] ^= 1;
        Assert.False(ours.VerifyRawSignature(new DigitallySigned(DtlsPeerContext.EcdsaSha256, signature), hash));
        Assert.False(ours.VerifyRawSignature(new DigitallySigned(DtlsPeerContext.EcdsaSha256, [0x30, 0x02, 0x01]), hash));
    }

    [Fact]
    public void Our_verifier_accepts_a_bouncycastle_signature()
    {
        var generator = new Org.BouncyCastle.Crypto.Generators.ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(Org.BouncyCastle.Asn1.Sec.SecObjectIdentifiers.SecP256r1, new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        byte[] hash = SHA256.HashData("server key exchange"u8);
        var bc = new DsaDigestSigner(new ECDsaSigner(new HMacDsaKCalculator(new Sha256Digest())), new NullDigest());
        bc.Init(true, pair.Private);
        bc.BlockUpdate(hash, 0, hash.Length);
        byte[] signature = bc.GenerateSignature();

        var verifier = new DotNetEcdsaVerifier(ECCurve.NamedCurves.nistP256, (ECPublicKeyParameters)pair.Public);
        Assert.True(verifier.VerifyRawSignature(new DigitallySigned(DtlsPeerContext.EcdsaSha256, signature), hash));
    }
}
