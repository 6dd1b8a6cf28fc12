using BenchmarkDotNet.Attributes;
using P2PCall.WebRtc.Dtls;

namespace P2PCall.Benchmarks;

/// <summary>
/// One whole DTLS 1.2 handshake (ECDHE-ECDSA, use_srtp, extended master secret) between two in-memory
/// transports, certificates made beforehand: the crypto and the handshake logic without sockets, what call
/// setup pays per connection on top of ICE. Also a certificate generation, which each connection pays when no
/// certificate is configured.
/// </summary>
[MemoryDiagnoser]
public class DtlsBenchmarks
{
    private RTCCertificate _client = null!;
    private RTCCertificate _server = null!;

    [GlobalSetup]
    public void Setup()
    {
        _client = RTCCertificate.Generate();
        _server = RTCCertificate.Generate();
    }

    [Benchmark(Description = "DTLS handshake, both ends, in memory")]
    public async Task Handshake()
    {
        DtlsTransport? server = null;
        var client = new DtlsTransport(DtlsRole.Client, _client, _server.GetFingerprints(), d => server?.OnDatagram(d));
        server = new DtlsTransport(DtlsRole.Server, _server, _client.GetFingerprints(), d => client.OnDatagram(d));
        await using (client)
        await using (server)
        {
            server.Start();
            client.Start();
            await Task.WhenAll(client.WaitConnectedAsync(), server.WaitConnectedAsync());
        }
    }

    [Benchmark(Description = "RTCCertificate.Generate (P-256)")]
    public RTCCertificate GenerateCertificate() => RTCCertificate.Generate();
}
