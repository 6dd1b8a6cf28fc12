using System.Security.Cryptography;
using P2PCall.WebRtc.Sctp;

namespace P2PCall.WebRtc.Tests.Sctp;

/// <summary>The association over the simulated link on a fake clock: setup, transfer, loss recovery, window.</summary>
public class SctpAssociationTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    [Fact]
    public void Establishes_with_a_four_way_handshake_and_announces_the_extensions()
    {
        using var pair = new SctpPair();
        var established = 0;
        pair.A.Established += () => established++;
        pair.B.Established += () => established++;

        pair.Establish();

        Assert.Equal(2, established);
        Assert.True(pair.A.PeerSupportsForwardTsn && pair.A.PeerSupportsReconfig);
        Assert.True(pair.B.PeerSupportsForwardTsn && pair.B.PeerSupportsReconfig);
    }

    [Fact]
    public void Setup_survives_lost_init_and_cookie_by_retransmitting()
    {
        using var pair = new SctpPair { CutToB = true };
        pair.A.Start(true, 5000);
        pair.B.Start(false, 5000);
        pair.RunUntil(() => false, TimeSpan.FromSeconds(2)); // INIT lost at least once
        pair.CutToB = false;

        Assert.True(pair.RunUntil(() => pair.A.IsEstablished && pair.B.IsEstablished, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Setup_gives_up_after_max_init_retransmits()
    {
        using var pair = new SctpPair { CutToB = true };
        string? reason = null;
        pair.A.Aborted += r => reason = r;
        pair.A.Start(true, 5000);

        Assert.True(pair.RunUntil(() => reason is not null, TimeSpan.FromMinutes(30)));
        Assert.Contains("setup", reason);
        Assert.True(pair.A.IsClosed);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1171)]
    [InlineData(1172)]
    [InlineData(1173)]
    [InlineData(262144)]
    public void A_message_of_any_size_arrives_whole_with_its_ppid(int size)
    {
        using var pair = new SctpPair();
        pair.Establish();
        var message = RandomNumberGenerator.GetBytes(size);
        var received = new List<(ushort, uint, byte[])>();
        pair.B.MessageReceived += (s, p, d) => received.Add((s, p, d));

        pair.A.Send(3, 53, message, ordered: true);

        Assert.True(pair.RunUntil(() => received.Count == 1, Limit));
        Assert.Equal((ushort)3, received[0].Item1);
        Assert.Equal(53u, received[0].Item2);
        Assert.Equal(message, received[0].Item3);
    }

    [Fact]
    public void Too_large_and_empty_messages_are_typed_errors()
    {
        using var pair = new SctpPair(maxMessageSize: 1000);
        Assert.Throws<ArgumentException>(() => pair.A.Send(0, 53, new byte[1001], true));
        Assert.Throws<ArgumentException>(() => pair.A.Send(0, 53, [], true));
    }

    [Fact]
    public void Small_messages_are_bundled_into_few_packets()
    {
        using var pair = new SctpPair();
        pair.Establish();
        var received = 0;
        pair.B.MessageReceived += (_, _, _) => received++;
        pair.A.Send(0, 53, new byte[4380], ordered: true); // fills the initial congestion window (§7.2.1)
        var before = pair.A.Counters.PacketsSent;

        for (var i = 0; i < 100; i++)
        {
            pair.A.Send(0, 51, [(byte)i, 1, 2, 3], ordered: true);
        }

        Assert.True(pair.RunUntil(() => received == 101, Limit));
        // Queued behind a full window, they leave bundled, many to a packet (RFC 9260 §6.10).
        Assert.True(pair.A.Counters.PacketsSent - before < 10, $"{pair.A.Counters.PacketsSent - before} packets");
    }

    [Theory]
    [InlineData(0.0, 1)]
    [InlineData(0.05, 2)]
    [InlineData(0.05, 3)]
    public void Sixty_four_MiB_in_64_KiB_messages_arrive_complete_in_order_under_loss_jitter_and_reordering(double loss, int seed)
    {
        using var pair = new SctpPair(seed) { Loss = loss, Jitter = TimeSpan.FromMilliseconds(loss > 0 ? 8 : 0), Duplication = loss / 5 };
        pair.Establish();
        const int count = 1024;
        var rng = new Random(seed);
        using var sentHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var receivedHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var received = 0;
        var buffered = 0L;
        var sent = 0;
        pair.A.BytesAcknowledged += (_, _, bytes) => buffered -= bytes;
        pair.B.MessageReceived += (_, _, data) =>
        {
            Assert.Equal((byte)received, data[0]); // in order
            receivedHash.AppendData(data);
            received++;
        };

        var ok = pair.RunUntil(() => received == count, TimeSpan.FromMinutes(30), each: () =>
        {
            // bufferedAmount-style flow control: keep at most 4 MiB queued and unacknowledged.
            while (sent < count && buffered < 4 * 1024 * 1024)
            {
                var message = new byte[64 * 1024];
                rng.NextBytes(message);
                message[0] = (byte)sent;
                sentHash.AppendData(message);
                pair.A.Send(1, 53, message, ordered: true);
                buffered += message.Length;
                sent++;
            }
        });

        Assert.True(ok, $"received {received} of {count}");
        Assert.Equal(sentHash.GetHashAndReset(), receivedHash.GetHashAndReset());
        Assert.True(pair.RunUntil(() => buffered == 0, Limit), "every byte acknowledged");
        if (loss > 0)
        {
            Assert.True(pair.A.Counters.DataChunksRetransmitted > 0);
            Assert.True(pair.A.Counters.FastRetransmits > 0);
            Assert.True(pair.B.Counters.DuplicateDataChunks > 0);
        }
    }

    [Fact]
    public void Unordered_messages_are_delivered_as_they_complete()
    {
        using var pair = new SctpPair(7) { Jitter = TimeSpan.FromMilliseconds(20) };
        pair.Establish();
        var received = new List<int>();
        pair.B.MessageReceived += (_, _, d) => received.Add(d[0]);
        for (var i = 0; i < 200; i++)
        {
            pair.A.Send(2, 53, [(byte)i], ordered: false);
            pair.RunUntil(() => true, TimeSpan.Zero);
            pair.Time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.True(pair.RunUntil(() => received.Count == 200, Limit));
        Assert.Equal(Enumerable.Range(0, 200), received.Order());
        Assert.NotEqual(Enumerable.Range(0, 200), received); // jitter reordered some, and they were not held back
    }

    [Fact]
    public void A_cut_link_is_recovered_by_the_retransmission_timer_with_backoff()
    {
        using var pair = new SctpPair();
        pair.Establish();
        var received = 0;
        pair.B.MessageReceived += (_, _, _) => received++;
        pair.CutToB = true;
        for (var i = 0; i < 20; i++)
        {
            pair.A.Send(0, 53, new byte[2000], true);
        }

        pair.RunUntil(() => false, TimeSpan.FromSeconds(5));
        Assert.True(pair.A.Counters.RetransmissionTimeouts >= 2);
        Assert.Equal(pair.A.PathMtu, pair.A.CongestionWindow); // §6.3.3 E1: cwnd collapsed to one MTU
        pair.CutToB = false;

        Assert.True(pair.RunUntil(() => received == 20, Limit));
        Assert.False(pair.A.IsClosed);
    }

    [Fact]
    public void The_peer_window_is_respected_and_reopens()
    {
        var small = new SctpAssociationOptions { ReceiveWindow = 64 * 1024 };
        using var pair = new SctpPair(options: small);
        pair.Establish();
        var received = 0;
        pair.B.MessageReceived += (_, _, _) => received++;
        for (var i = 0; i < 64; i++)
        {
            pair.A.Send(0, 53, new byte[16 * 1024], true);
        }

        Assert.True(pair.RunUntil(() => received == 64, Limit));
        Assert.Equal(0, pair.B.Counters.DataChunksRefused);
    }

    [Fact]
    public void Dispose_aborts_and_the_peer_is_told()
    {
        using var pair = new SctpPair();
        pair.Establish();
        string? reason = null;
        pair.B.Aborted += r => reason = r;

        pair.A.Dispose();

        Assert.True(pair.RunUntil(() => reason is not null, Limit));
        Assert.True(pair.B.IsClosed);
        Assert.Throws<InvalidOperationException>(() => pair.B.Send(0, 51, [1], true));
    }
}
