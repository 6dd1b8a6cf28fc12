using P2PCall.WebRtc.Dtls;

namespace P2PCall.WebRtc.Tests.Dtls;

public class RTCDtlsFingerprintTests
{
    private static readonly RTCCertificate Certificate = InMemoryDtlsPair.CertificateA;

    [Fact]
    public void Matches_the_certificate_in_either_hex_case_and_any_algorithm_case()
    {
        RTCDtlsFingerprint fingerprint = Certificate.GetFingerprints()[0];

        Assert.True(fingerprint.Matches(Certificate.DerEncoding));
        Assert.True(new RTCDtlsFingerprint("SHA-256", fingerprint.Value.ToLowerInvariant()).Matches(Certificate.DerEncoding));
        Assert.False(fingerprint.Matches(InMemoryDtlsPair.CertificateB.DerEncoding));
    }

    [Fact]
    public void Every_truncation_of_the_value_is_refused()
    {
        RTCDtlsFingerprint fingerprint = Certificate.GetFingerprints()[0];
        Span<byte> hash = stackalloc byte[64];

        for (int length = 0; length < fingerprint.Value.Length; length++)
        {
            var truncated = fingerprint with { Value = fingerprint.Value[..length] };
            Assert.False(truncated.Matches(Certificate.DerEncoding), $"length {length}");
            Assert.False(DtlsFingerprintVerifier.Verify([truncated], Certificate.DerEncoding), $"length {length}");
        }

        Assert.True(fingerprint.TryGetHash(hash, out int full));
        Assert.Equal(32, full);
    }

    [Theory]
    [InlineData("")]
    [InlineData("A")]
    [InlineData("AB:")]
    [InlineData("AB:C")]
    [InlineData("AB-CD")]
    [InlineData("ABCD")]
    [InlineData("G0:00")]
    [InlineData(" AB:CD")]
    [InlineData("AB::CD")]
    public void Malformed_hex_is_refused(string value)
    {
        Span<byte> hash = stackalloc byte[64];

        Assert.False(new RTCDtlsFingerprint("sha-256", value).TryGetHash(hash, out _));
    }

    [Fact]
    public void A_single_changed_byte_does_not_match()
    {
        RTCDtlsFingerprint fingerprint = Certificate.GetFingerprints()[0];
        char[] chars = fingerprint.Value.ToCharArray();
        chars[^1] = chars[^1] == '0' ? '1' : '0';

        Assert.False((fingerprint with { Value = new string(chars) }).Matches(Certificate.DerEncoding));
    }

    [Fact]
    public void Verifier_refuses_an_empty_certificate_and_an_empty_list()
    {
        Assert.False(DtlsFingerprintVerifier.Verify(Certificate.GetFingerprints(), []));
        Assert.False(DtlsFingerprintVerifier.Verify([], Certificate.DerEncoding));
    }

    [Fact]
    public void Verifier_accepts_any_match_within_the_preferred_hash()
    {
        RTCDtlsFingerprint other = InMemoryDtlsPair.CertificateB.GetFingerprints()[0];

        Assert.True(DtlsFingerprintVerifier.Verify([other, Certificate.GetFingerprints()[0]], Certificate.DerEncoding));
    }

    [Fact]
    public void Compute_refuses_an_unknown_hash_function()
    {
        Assert.Throws<ArgumentException>(() => RTCDtlsFingerprint.Compute("md5", Certificate.DerEncoding));
    }
}
