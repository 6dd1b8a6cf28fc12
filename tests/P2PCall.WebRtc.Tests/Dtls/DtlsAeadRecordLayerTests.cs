using System.Threading.Channels;
using Org.BouncyCastle.Tls;
using P2PCall.WebRtc.Dtls;

namespace P2PCall.WebRtc.Tests.Dtls;

/// <summary>
/// Application data through .NET's AEAD record layer, checked against BouncyCastle's record layer on the other end
/// (an independent implementation of the same RFCs) for each of our cipher suites and both roles.
/// </summary>
public class DtlsAeadRecordLayerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static IEnumerable<object[]> Cases()
    {
        var data = new List<object[]>();
        foreach (int suite in DtlsPeerContext.CipherSuites)
        {
            foreach (var role in new[] { DtlsRole.Client, DtlsRole.Server })
            {
                data.Add([suite, role, false, true]); // ours ↔ BouncyCastle's
                data.Add([suite, role, false, false]); // ours ↔ ours
            }
        }

        return data;
    }

    private static DtlsTransportOptions Options(int suite, bool bouncyCastle) =>
        new() { CipherSuites = [suite], BouncyCastleRecordLayer = bouncyCastle };

    private static async Task<byte[]> NextAsync(Channel<byte[]> channel) =>
        await channel.Reader.ReadAsync().AsTask().WaitAsync(Deadline);

    [Theory]
    [MemberData(nameof(Cases))]
    internal async Task Records_interoperate_with_bouncycastle_both_ways(int suite, DtlsRole roleOfA, bool aUsesBouncyCastle, bool bUsesBouncyCastle)
    {
        await using var pair = new InMemoryDtlsPair(roleOfA, Options(suite, aUsesBouncyCastle), Options(suite, bUsesBouncyCastle));
        var atA = Channel.CreateUnbounded<byte[]>();
        var atB = Channel.CreateUnbounded<byte[]>();
        pair.A.ApplicationDataReceived += d => atA.Writer.TryWrite(d.ToArray());
        pair.B.ApplicationDataReceived += d => atB.Writer.TryWrite(d.ToArray());

        await pair.ConnectAsync();

        Assert.Equal(!aUsesBouncyCastle, pair.A.UsesAeadRecordLayer);
        Assert.Equal(!bUsesBouncyCastle, pair.B.UsesAeadRecordLayer);
        foreach (int size in new[] { 1, 16, 1000, Math.Min(pair.A.MaxApplicationDataSize, pair.B.MaxApplicationDataSize) })
        {
            byte[] fromA = [.. Enumerable.Range(0, size).Select(i => (byte)(i * 7))];
            byte[] fromB = [.. Enumerable.Range(0, size).Select(i => (byte)(i * 13))];
            pair.A.Send(fromA);
            pair.B.Send(fromB);
            Assert.Equal(fromA, await NextAsync(atB));
            Assert.Equal(fromB, await NextAsync(atA));
        }

        Assert.Equal(0, pair.A.DroppedRecords + pair.B.DroppedRecords);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    internal async Task Close_notify_from_either_layer_closes_the_peer_cleanly(bool closerUsesBouncyCastle)
    {
        await using var pair = new InMemoryDtlsPair(DtlsRole.Client, Options(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, closerUsesBouncyCastle), null);
        var closed = new TaskCompletionSource<RTCDtlsTransportState>(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.B.StateChanged += (_, s) =>
        {
            if (s is RTCDtlsTransportState.Closed or RTCDtlsTransportState.Failed)
            {
                closed.TrySetResult(s);
            }
        };
        await pair.ConnectAsync();
        pair.A.Send([1, 2, 3]); // B's window moves to our sequence numbers first

        await pair.A.DisposeAsync();

        Assert.Equal(RTCDtlsTransportState.Closed, await closed.Task.WaitAsync(Deadline));
        Assert.Null(pair.B.Error);
    }

    [Fact]
    internal async Task Replayed_and_forged_records_are_dropped_and_counted_and_the_association_lives_on()
    {
        await using var pair = new InMemoryDtlsPair(DtlsRole.Client);
        var atB = Channel.CreateUnbounded<byte[]>();
        pair.B.ApplicationDataReceived += d => atB.Writer.TryWrite(d.ToArray());
        await pair.ConnectAsync();
        var connectedDatagrams = pair.SentBy(PairSide.A).Count;
        pair.Rewrite = (from, index, datagram) =>
        {
            if (from != PairSide.A || index < connectedDatagrams || datagram[0] != DtlsAeadRecordLayer.ApplicationData)
            {
                return [datagram];
            }

            byte[] forged = (byte[])datagram.Clone();
            forged[^1] ^= 0x01; // the tag no longer matches
            return [forged, datagram, datagram]; // forged, genuine, replay
        };

        pair.A.Send([10]);
        pair.A.Send([20]);

        Assert.Equal([10], await NextAsync(atB));
        Assert.Equal([20], await NextAsync(atB));
        Assert.Equal(4, pair.B.DroppedRecords); // two forgeries, two replays
        Assert.False(atB.Reader.TryRead(out _));
        Assert.Equal(RTCDtlsTransportState.Connected, pair.B.State);
        pair.Rewrite = null;
        pair.A.Send([30]);
        Assert.Equal([30], await NextAsync(atB));
    }

    [Fact]
    internal async Task A_data_record_bundled_with_another_record_is_opened_once_and_a_replay_of_it_is_dropped()
    {
        await using var pair = new InMemoryDtlsPair(DtlsRole.Client);
        var atB = Channel.CreateUnbounded<byte[]>();
        pair.B.ApplicationDataReceived += d => atB.Writer.TryWrite(d.ToArray());
        await pair.ConnectAsync();
        byte[]? held = null;
        pair.Rewrite = (from, _, datagram) =>
        {
            if (from == PairSide.A && datagram[0] == DtlsAeadRecordLayer.ApplicationData && held is null)
            {
                held = datagram;
                return [];
            }

            return [datagram];
        };
        pair.A.Send([42]);
        Assert.NotNull(held);

        // The data record followed by an empty epoch-0 handshake record: the second part goes to BouncyCastle (which
        // discards it), the data record is opened by our layer; the same datagram again is a replay.
        byte[] mixed = [.. held!, 22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        pair.B.OnDatagram(mixed);
        pair.B.OnDatagram(mixed);
        pair.B.OnDatagram(held!);

        Assert.Equal([42], await NextAsync(atB));
        Assert.Equal(2, pair.B.DroppedRecords);
        Assert.Equal(RTCDtlsTransportState.Connected, pair.B.State);
        pair.Rewrite = null;
        pair.A.Send([43]);
        Assert.Equal([43], await NextAsync(atB));
        Assert.False(atB.Reader.TryRead(out _)); // 42 was delivered once
    }

    [Fact]
    public void Replay_window_accepts_new_and_late_records_once_and_refuses_those_behind_it()
    {
        var window = default(DtlsReplayWindow);
        Assert.True(window.IsNew(100));
        window.Mark(100);
        Assert.False(window.IsNew(100));
        Assert.True(window.IsNew(99));
        window.Mark(99);
        Assert.False(window.IsNew(99));
        window.Mark(163); // 100 is now 63 behind: still inside the 64-record window
        Assert.False(window.IsNew(100));
        Assert.True(window.IsNew(101));
        Assert.False(window.IsNew(99)); // 64 behind: outside, discarded (RFC 6347 §4.1.2.6)
        window.Mark(1000);
        Assert.False(window.IsNew(163));
        Assert.True(window.IsNew(999));
        Assert.True(window.IsNew(1001));
    }
}
