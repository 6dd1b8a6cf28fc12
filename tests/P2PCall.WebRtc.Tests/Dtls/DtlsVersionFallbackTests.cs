using P2PCall.WebRtc.Dtls;

namespace P2PCall.WebRtc.Tests.Dtls;

/// <summary>
/// Chromium's ClientHello lists DTLS 1.3 and 1.2 in supported_versions; a DTLS 1.2-only server must answer
/// with 1.2 (RFC 8446 §4.2.1, RFC 9147 §5.3). BouncyCastle 2.7 cannot build such a ClientHello itself (offering
/// 1.3 fails with internal_error(80)), so the test sends a hand-built one.
/// </summary>
public class DtlsVersionFallbackTests
{
    [Theory]
    [InlineData(null, false)]
    [InlineData(null, true)]
    [InlineData(1187, true)] // Chromium-like: ~1200 + ~263 bytes on the wire
    [InlineData(40, false)]
    public async Task Server_answers_a_client_hello_offering_dtls13_and_12_with_a_dtls12_server_hello(int? fragmentAt, bool postQuantumKeyShare)
    {
        var sent = new List<byte[]>();
        var flightDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new DtlsTransport(
            DtlsRole.Server,
            InMemoryDtlsPair.CertificateB,
            InMemoryDtlsPair.CertificateA.GetFingerprints(),
            d =>
            {
                lock (sent)
                {
                    sent.Add(d.ToArray());
                    if (DtlsWire.Handshakes(sent).Any(h => h.Type == 14))
                    {
                        flightDone.TrySetResult(); // server_hello_done ends flight 4
                    }
                }
            });
        server.Start();

        List<byte[]> hello = DtlsWire.ClientHelloOffering13And12(fragmentAt, postQuantumKeyShare);
        Assert.Equal(fragmentAt is null ? 1 : 2, hello.Count);
        foreach (byte[] datagram in hello)
        {
            server.OnDatagram(datagram);
        }

        await flightDone.Task.WaitAsync(TimeSpan.FromSeconds(30));

        List<DtlsWire.Handshake> flight;
        lock (sent)
        {
            flight = [.. DtlsWire.Handshakes(sent)];
        }

        DtlsWire.Handshake serverHello = flight.First(h => h.Type == 2);
        Assert.Equal([0xFE, 0xFD], serverHello.Body[..2]); // DTLS 1.2
        int sessionIdLength = serverHello.Body[34];
        Assert.Equal([0xC0, 0x2B], serverHello.Body.AsSpan(35 + sessionIdLength, 2).ToArray()); // ECDHE_ECDSA_AES_128_GCM_SHA256
        byte[] extensions = serverHello.Body[(35 + sessionIdLength + 3 + 2)..];
        Assert.Contains([0x00, 0x0E, 0x00, 0x05, 0x00, 0x02, 0x00, 0x07, 0x00], Windows(extensions, 9)); // use_srtp: AEAD_AES_128_GCM
        Assert.DoesNotContain([0x00, 0x2B], Windows(extensions, 2)); // no supported_versions in a 1.2 ServerHello
        Assert.Contains(flight, h => h.Type == 11); // Certificate
        Assert.Contains(flight, h => h.Type == 12); // ServerKeyExchange
        Assert.Contains(flight, h => h.Type == 13); // CertificateRequest
        Assert.Equal(RTCDtlsTransportState.Connecting, server.State);
    }

    private static IEnumerable<byte[]> Windows(byte[] data, int size) =>
        Enumerable.Range(0, Math.Max(0, data.Length - size + 1)).Select(i => data[i..(i + size)]);
}
