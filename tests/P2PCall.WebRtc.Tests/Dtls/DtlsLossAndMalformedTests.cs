using P2PCall.WebRtc.Dtls;

namespace P2PCall.WebRtc.Tests.Dtls;

/// <summary>RFC 6347 §4.2.4 retransmission, and robustness against injected or damaged datagrams (RFC 6347 §4.1.2.7).</summary>
public class DtlsLossAndMalformedTests
{
    public enum Loss
    {
        FirstClientHello,
        ServerHelloFlight,
        ClientFinishedFlight,
        ServerFinishedFlight,
    }

    [Theory]
    [InlineData(Loss.FirstClientHello)]
    [InlineData(Loss.ServerHelloFlight)]
    [InlineData(Loss.ClientFinishedFlight)]
    [InlineData(Loss.ServerFinishedFlight)]
    public async Task Handshake_completes_when_a_flight_is_lost_once(Loss loss)
    {
        await using var pair = new InMemoryDtlsPair(DtlsRole.Client);
        int dropped = 0;
        pair.Rewrite = (from, index, datagram) =>
        {
            bool drop = loss switch
            {
                Loss.FirstClientHello => from == PairSide.A && index == 0,
                Loss.ServerHelloFlight => from == PairSide.B && FirstHandshakeType(datagram) == 2,
                Loss.ClientFinishedFlight => from == PairSide.A && FirstHandshakeType(datagram) == 11,
                Loss.ServerFinishedFlight => from == PairSide.B && datagram[0] == 20, // change_cipher_spec
                _ => false,
            };
            if (drop && Interlocked.CompareExchange(ref dropped, 1, 0) == 0)
            {
                return [];
            }

            return [datagram];
        };

        await pair.ConnectAsync();

        Assert.Equal(1, dropped);
        Assert.NotNull(pair.A.SrtpKeyingMaterial);
        Assert.Equal(pair.A.SrtpKeyingMaterial!.Material.ToArray(), pair.B.SrtpKeyingMaterial!.Material.ToArray());
    }

    // The client's flight 5 is Certificate, ClientKeyExchange, CertificateVerify, ChangeCipherSpec, Finished, one
    // datagram each. When the ChangeCipherSpec got in before the CertificateVerify, BouncyCastle switched its read
    // epoch and dropped every copy of the CertificateVerify after it: the handshake never completed (found as a
    // 1-in-10 stall over a 10 %-loss link). Both orders below stalled before DtlsChangeCipherSpecGate.
    [Fact]
    public async Task Handshake_completes_when_the_client_certificate_verify_is_lost_once()
    {
        await using var pair = new InMemoryDtlsPair(DtlsRole.Client);
        int dropped = 0;
        pair.Rewrite = (from, index, datagram) =>
            from == PairSide.A && FirstHandshakeType(datagram) == 15 && Interlocked.CompareExchange(ref dropped, 1, 0) == 0
                ? []
                : [datagram];

        await pair.ConnectAsync();

        Assert.Equal(1, dropped);
        Assert.True(pair.Server.HeldChangeCipherSpecs >= 1, "the early ChangeCipherSpec was held back");
        Assert.Equal(pair.A.SrtpKeyingMaterial!.Material.ToArray(), pair.B.SrtpKeyingMaterial!.Material.ToArray());
    }

    [Fact]
    public async Task Handshake_completes_when_the_change_cipher_spec_overtakes_the_certificate_verify()
    {
        await using var pair = new InMemoryDtlsPair(DtlsRole.Client);
        byte[]? held = null;
        int reordered = 0;
        pair.Rewrite = (from, index, datagram) =>
        {
            if (from != PairSide.A || Volatile.Read(ref reordered) != 0)
            {
                return [datagram];
            }

            if (FirstHandshakeType(datagram) == 15)
            {
                held = datagram; // the first CertificateVerify waits until the ChangeCipherSpec has gone past
                return [];
            }

            if (datagram[0] == 20 && held is not null)
            {
                Volatile.Write(ref reordered, 1);
                return [datagram, held];
            }

            return [datagram];
        };

        await pair.ConnectAsync();

        Assert.Equal(1, reordered);
        Assert.Equal(pair.A.SrtpKeyingMaterial!.Material.ToArray(), pair.B.SrtpKeyingMaterial!.Material.ToArray());
    }

    [Fact]
    public async Task Garbage_and_truncated_copies_around_every_datagram_do_not_stop_the_handshake()
    {
        await using var pair = new InMemoryDtlsPair(DtlsRole.Client);
        var random = new Random(6347);
        pair.Rewrite = (from, index, datagram) =>
        {
            var deliver = new List<byte[]>();
            lock (random)
            {
                for (int i = 0; i < 3; i++)
                {
                    // RFC 7983 §7: the demultiplexer passes anything starting with 20..63 to DTLS.
                    byte[] garbage = new byte[random.Next(1, 300)];
                    random.NextBytes(garbage);
                    garbage[0] = (byte)random.Next(20, 64);
                    deliver.Add(garbage);
                }

                foreach (int length in new[] { 1, 12, 13, 14, 25, datagram.Length / 2, datagram.Length - 1 })
                {
                    if (length > 0 && length < datagram.Length)
                    {
                        deliver.Add(datagram[..length]);
                    }
                }

            }

            deliver.Add(datagram);

            // After the genuine one, a copy with a flipped last byte: a replay (same sequence number) or,
            // when protected, a bad tag; either way discarded. (Before the genuine one, a modified plaintext
            // handshake record in epoch 0 is an unauthenticated forgery that no DTLS stack can tell apart;
            // accepting media only from the ICE-selected address is the defence there.)
            byte[] flipped = (byte[])datagram.Clone();
            flipped[^1] ^= 0x5A;
            deliver.Add(flipped);
            return deliver;
        };

        await pair.ConnectAsync();

        await AssertApplicationDataFlows(pair);
    }

    [Fact]
    public async Task Server_survives_every_truncation_of_the_client_hello_and_then_connects()
    {
        await using var pair = new InMemoryDtlsPair(
            DtlsRole.Client,
            optionsB: new DtlsTransportOptions { ReceiveQueueCapacity = 4096 });
        pair.Rewrite = (from, index, datagram) =>
            from == PairSide.A && index == 0
                ? [.. Enumerable.Range(1, datagram.Length - 1).Select(n => datagram[..n]), datagram]
                : [datagram];

        await pair.ConnectAsync();

        Assert.Equal(RTCDtlsTransportState.Connected, pair.B.State);
    }

    [Fact]
    public async Task Garbage_after_the_handshake_is_ignored_and_data_still_flows()
    {
        await using var pair = new InMemoryDtlsPair();
        await pair.ConnectAsync();
        var random = new Random(7983);

        for (int i = 0; i < 200; i++)
        {
            byte[] garbage = new byte[random.Next(1, 1300)];
            random.NextBytes(garbage);
            garbage[0] = (byte)random.Next(20, 64);
            if (i % 2 == 0 && garbage.Length > 13)
            {
                // Looks like an application_data record of the current epoch: reaches decryption and fails its tag.
                garbage[0] = 23;
                garbage[1] = 0xFE;
                garbage[2] = 0xFD;
                garbage[3] = 0;
                garbage[4] = 1;
                garbage[11] = (byte)((garbage.Length - 13) >> 8);
                garbage[12] = (byte)(garbage.Length - 13);
            }

            pair.A.OnDatagram(garbage);
            pair.B.OnDatagram(garbage);
        }

        pair.A.OnDatagram([]);
        await AssertApplicationDataFlows(pair);
        Assert.Equal(RTCDtlsTransportState.Connected, pair.A.State);
        Assert.Equal(RTCDtlsTransportState.Connected, pair.B.State);
    }

    [Fact]
    public async Task Client_hello_arriving_before_start_is_kept()
    {
        await using var pair = new InMemoryDtlsPair(DtlsRole.Client);

        pair.A.Start(); // the server (B) is not started yet; its queue holds the ClientHello
        await WaitUntil(() => pair.SentBy(PairSide.A).Count > 0);
        pair.B.Start();
        await Task.WhenAll(pair.A.WaitConnectedAsync(), pair.B.WaitConnectedAsync()).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(RTCDtlsTransportState.Connected, pair.B.State);
    }

    internal static async Task AssertApplicationDataFlows(InMemoryDtlsPair pair)
    {
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.B.ApplicationDataReceived += data => received.TrySetResult(data.ToArray());
        pair.A.Send([1, 2, 3]);
        Assert.Equal([1, 2, 3], await received.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }

    private static int FirstHandshakeType(byte[] datagram) =>
        datagram.Length > DtlsWire.RecordHeaderLength && datagram[0] == 22 && datagram[3] == 0 && datagram[4] == 0
            ? datagram[DtlsWire.RecordHeaderLength]
            : -1;
}
