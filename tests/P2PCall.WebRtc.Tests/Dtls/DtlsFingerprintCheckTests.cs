using P2PCall.WebRtc.Dtls;

namespace P2PCall.WebRtc.Tests.Dtls;

/// <summary>RFC 8842 §5: the fingerprint comparison is the whole authentication, in both directions.</summary>
public class DtlsFingerprintCheckTests
{
    [Theory]
    [InlineData(DtlsRole.Client)]
    [InlineData(DtlsRole.Server)]
    internal async Task Wrong_fingerprint_for_the_peer_fails_both_sides_with_the_typed_error(DtlsRole roleOfA)
    {
        // A expects some other certificate than B presents.
        await using var pair = new InMemoryDtlsPair(roleOfA, fingerprintsExpectedByA: InMemoryDtlsPair.OtherCertificate.GetFingerprints());

        (Exception? a, Exception? b) = await pair.RunToEndOfHandshakeAsync();

        var checker = Assert.IsType<DtlsFingerprintMismatchException>(a);
        Assert.False(checker.DetectedByPeer);
        Assert.Equal(42, checker.AlertDescription); // bad_certificate
        var refused = Assert.IsType<DtlsFingerprintMismatchException>(b);
        Assert.True(refused.DetectedByPeer);
        Assert.Equal(42, refused.AlertDescription);
        Assert.True(refused.AlertReceived);
        await AssertFailedWithoutKeys(pair.A);
        await AssertFailedWithoutKeys(pair.B);
    }

    [Fact]
    internal async Task Server_checks_the_client_certificate_and_refuses_one_that_is_not_announced()
    {
        // The client presents OtherCertificate while the server expects CertificateA's fingerprint:
        // only a server that requested and verified the client's certificate notices.
        await using var pair = new InMemoryDtlsPair(DtlsRole.Client, certificateA: InMemoryDtlsPair.OtherCertificate);

        (Exception? client, Exception? server) = await pair.RunToEndOfHandshakeAsync();

        Assert.False(Assert.IsType<DtlsFingerprintMismatchException>(server).DetectedByPeer);
        Assert.True(Assert.IsType<DtlsFingerprintMismatchException>(client).DetectedByPeer);
        await AssertFailedWithoutKeys(pair.Server);
        await AssertFailedWithoutKeys(pair.Client);
    }

    [Fact]
    internal async Task Server_requests_the_client_certificate_with_ecdsa_and_rsa_types()
    {
        await using var pair = new InMemoryDtlsPair(DtlsRole.Client);
        await pair.ConnectAsync();

        DtlsWire.Handshake request = Assert.Single(DtlsWire.Handshakes(pair.SentBy(PairSide.B)).Where(h => h.Type == 13).Distinct(HandshakeComparer.Instance));
        byte[] certificateTypes = request.Body.AsSpan(1, request.Body[0]).ToArray();
        Assert.Contains((byte)64, certificateTypes); // ecdsa_sign: Chromium refuses a request without it
        Assert.Contains((byte)1, certificateTypes); // rsa_sign
        int algorithmsLength = (request.Body[1 + request.Body[0]] << 8) | request.Body[2 + request.Body[0]];
        byte[] algorithms = request.Body.AsSpan(3 + request.Body[0], algorithmsLength).ToArray();
        Assert.Contains(Enumerable.Range(0, algorithms.Length / 2), i => algorithms[2 * i] == 4 && algorithms[(2 * i) + 1] == 3); // ecdsa_secp256r1_sha256
        Assert.Contains(DtlsWire.Handshakes(pair.SentBy(PairSide.A)), h => h.Type == 11); // the client sent its Certificate
    }

    [Fact]
    internal async Task Fingerprint_in_lower_case_hex_is_accepted()
    {
        RTCDtlsFingerprint upper = InMemoryDtlsPair.CertificateB.GetFingerprints()[0];
        await using var pair = new InMemoryDtlsPair(fingerprintsExpectedByA: [upper with { Algorithm = "SHA-256", Value = upper.Value.ToLowerInvariant() }]);

        await pair.ConnectAsync();

        Assert.Equal(RTCDtlsTransportState.Connected, pair.A.State);
    }

    [Theory]
    [InlineData("sha-1")]
    [InlineData("sha-384")]
    [InlineData("sha-512")]
    internal async Task Fingerprints_with_other_hash_functions_are_verified(string algorithm)
    {
        RTCDtlsFingerprint expected = RTCDtlsFingerprint.Compute(algorithm, InMemoryDtlsPair.CertificateB.DerEncoding);
        await using var pair = new InMemoryDtlsPair(fingerprintsExpectedByA: [expected]);

        await pair.ConnectAsync();

        Assert.Equal(RTCDtlsTransportState.Connected, pair.A.State);
    }

    [Fact]
    internal async Task Strongest_offered_hash_decides_even_when_a_weaker_one_matches()
    {
        // RFC 8122 §5: verify against the set using the most preferred hash function offered.
        RTCDtlsFingerprint weakMatch = RTCDtlsFingerprint.Compute("sha-256", InMemoryDtlsPair.CertificateB.DerEncoding);
        RTCDtlsFingerprint strongOther = RTCDtlsFingerprint.Compute("sha-512", InMemoryDtlsPair.OtherCertificate.DerEncoding);
        await using var pair = new InMemoryDtlsPair(fingerprintsExpectedByA: [weakMatch, strongOther]);

        (Exception? a, _) = await pair.RunToEndOfHandshakeAsync();

        Assert.IsType<DtlsFingerprintMismatchException>(a);
    }

    [Fact]
    internal async Task Fingerprint_with_an_unknown_hash_function_fails()
    {
        await using var pair = new InMemoryDtlsPair(fingerprintsExpectedByA: [new RTCDtlsFingerprint("md5", "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF")]);

        (Exception? a, Exception? b) = await pair.RunToEndOfHandshakeAsync();

        Assert.IsType<DtlsFingerprintMismatchException>(a);
        Assert.IsType<DtlsFingerprintMismatchException>(b);
    }

    private static async Task AssertFailedWithoutKeys(DtlsTransport transport)
    {
        await transport.WorkerTask.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(RTCDtlsTransportState.Failed, transport.State);
        Assert.IsType<DtlsFingerprintMismatchException>(transport.Error);
        Assert.Null(transport.SrtpKeyingMaterial);
        Assert.Null(transport.RemoteFingerprint);
        Assert.Throws<InvalidStateException>(() => transport.Send([1, 2, 3]));
    }

    private sealed class HandshakeComparer : IEqualityComparer<DtlsWire.Handshake>
    {
        public static readonly HandshakeComparer Instance = new();

        public bool Equals(DtlsWire.Handshake x, DtlsWire.Handshake y) => x.Type == y.Type && x.Body.AsSpan().SequenceEqual(y.Body);

        public int GetHashCode(DtlsWire.Handshake obj) => obj.Type;
    }
}
