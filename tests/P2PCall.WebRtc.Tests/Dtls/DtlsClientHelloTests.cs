using System.Buffers.Binary;
using P2PCall.WebRtc.Dtls;
using DtlsTransport = P2PCall.WebRtc.Dtls.DtlsTransport;

namespace P2PCall.WebRtc.Tests.Dtls;

/// <summary>What our DTLS client offers in its ClientHello (RFC 6347 §4.2.1, RFC 5246 §7.4.1.2).</summary>
public class DtlsClientHelloTests
{
    private const ushort SessionTicketExtension = 35; // RFC 5077 §3.2

    [Fact]
    public async Task The_client_offers_neither_session_tickets_nor_resumption()
    {
        // A server that may send a NewSessionTicket sends it right before its ChangeCipherSpec; with BouncyCastle 2.7
        // an early CCS switched the read epoch and stalled the handshake (Dtls/README, the CCS gate), and the gate
        // guards only the server role. Offering no ticket keeps that flight out of the client's handshake.
        var hello = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new DtlsTransport(
            DtlsRole.Client, InMemoryDtlsPair.CertificateA, InMemoryDtlsPair.CertificateB.GetFingerprints(), d => hello.TrySetResult(d.ToArray()));
        client.Start();

        byte[] datagram = await hello.Task.WaitAsync(TimeSpan.FromSeconds(30));
        DtlsWire.Handshake clientHello = Assert.Single(DtlsWire.Handshakes([datagram]), h => h.Type == 1);
        (int sessionIdLength, List<ushort> extensions) = ReadClientHello(clientHello.Body);

        Assert.Equal(0, sessionIdLength);
        Assert.DoesNotContain(SessionTicketExtension, extensions);
        Assert.Contains((ushort)14, extensions); // use_srtp (RFC 5764 §4.1.1): the parse found the extensions
    }

    private static (int SessionIdLength, List<ushort> Extensions) ReadClientHello(byte[] body)
    {
        var at = 2 + 32; // client_version, random
        int sessionIdLength = body[at];
        at += 1 + sessionIdLength;
        at += 1 + body[at]; // cookie (RFC 6347 §4.2.1)
        at += 2 + BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(at)); // cipher_suites
        at += 1 + body[at]; // compression_methods
        var end = at + 2 + BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(at));
        at += 2;
        var extensions = new List<ushort>();
        while (at + 4 <= end)
        {
            extensions.Add(BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(at)));
            at += 4 + BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(at + 2));
        }

        return (sessionIdLength, extensions);
    }
}
