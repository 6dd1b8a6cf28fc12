using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using P2PCall.WebRtc.Dtls;

namespace P2PCall.WebRtc.Tests.Dtls;

public class RTCCertificateTests
{
    [Fact]
    public void Generate_makes_a_self_signed_ecdsa_p256_certificate_valid_from_yesterday_for_30_days()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 7, 0, 0, 500, TimeSpan.Zero));

        RTCCertificate certificate = RTCCertificate.Generate(time);

        using X509Certificate2 x509 = X509CertificateLoader.LoadCertificate(certificate.DerEncoding);
        Assert.Equal("CN=WebRTC", x509.Subject);
        Assert.Equal(x509.Subject, x509.Issuer);
        using ECDsa? key = x509.GetECDsaPublicKey();
        Assert.NotNull(key);
        Assert.Equal(256, key.KeySize);
        Assert.Equal("1.2.840.10045.4.3.2", x509.SignatureAlgorithm.Value); // ecdsa-with-SHA256
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 7, 0, 0, TimeSpan.Zero), new DateTimeOffset(x509.NotBefore.ToUniversalTime()));
        Assert.Equal(new DateTimeOffset(2026, 12, 25, 7, 0, 0, TimeSpan.Zero), certificate.Expires);
        Assert.Equal(certificate.Expires, new DateTimeOffset(x509.NotAfter.ToUniversalTime()));
        Assert.False(certificate.IsExpired(time));
        time.Advance(TimeSpan.FromDays(30));
        Assert.True(certificate.IsExpired(time));
    }

    [Fact]
    public void Generate_gives_each_certificate_its_own_key_and_serial()
    {
        RTCCertificate one = RTCCertificate.Generate();
        RTCCertificate two = RTCCertificate.Generate();

        using X509Certificate2 a = X509CertificateLoader.LoadCertificate(one.DerEncoding);
        using X509Certificate2 b = X509CertificateLoader.LoadCertificate(two.DerEncoding);
        Assert.NotEqual(a.SerialNumber, b.SerialNumber);
        Assert.NotEqual(a.GetPublicKey(), b.GetPublicKey());
        Assert.NotEqual(one.GetFingerprints()[0], two.GetFingerprints()[0]);
        Assert.Equal(0x40, a.GetSerialNumber()[^1] & 0xC0); // positive, minimal DER integer (little-endian array: last byte is the top)
    }

    [Fact]
    public void Fingerprint_is_sha256_of_the_der_as_upper_case_hex_pairs()
    {
        RTCCertificate certificate = RTCCertificate.Generate();

        RTCDtlsFingerprint fingerprint = Assert.Single(certificate.GetFingerprints());

        Assert.Equal("sha-256", fingerprint.Algorithm);
        Assert.Equal(string.Join(':', SHA256.HashData(certificate.DerEncoding).Select(b => b.ToString("X2"))), fingerprint.Value);
        Assert.Matches("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", fingerprint.Value);
    }
}
