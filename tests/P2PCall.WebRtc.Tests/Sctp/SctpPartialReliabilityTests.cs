using P2PCall.WebRtc.Sctp;

namespace P2PCall.WebRtc.Tests.Sctp;

/// <summary>RFC 3758 partial reliability: abandoned messages are skipped by FORWARD-TSN and never block the rest.</summary>
public class SctpPartialReliabilityTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Unordered_channel_without_retransmissions_under_loss_delivers_some_never_blocks_and_spares_the_reliable_one(int seed)
    {
        using var pair = new SctpPair(seed) { Loss = 0.2, Jitter = TimeSpan.FromMilliseconds(5) };
        pair.Establish();
        var lossy = new List<int>();
        var reliable = new List<int>();
        pair.B.MessageReceived += (stream, _, data) => (stream == 1 ? lossy : reliable).Add(BitConverter.ToInt32(data));
        const int count = 500;

        for (var i = 0; i < count; i++)
        {
            pair.A.Send(1, 53, BitConverter.GetBytes(i), ordered: false, maxRetransmits: 0);
            pair.A.Send(0, 53, BitConverter.GetBytes(i), ordered: true);
            pair.RunUntil(() => true, TimeSpan.Zero);
            pair.Time.Advance(TimeSpan.FromMilliseconds(2));
        }

        Assert.True(pair.RunUntil(() => reliable.Count == count, Limit), $"reliable {reliable.Count}");
        // Idle and still lossy, each lost FORWARD-TSN or SACK costs a T3 with backoff (RFC 3758 C3, §6.3.3 of
        // RFC 9260); once the path is clean the skip completes and nothing stays outstanding.
        pair.Loss = 0;
        Assert.True(pair.RunUntil(() => !pair.A.HasOutstandingData, Limit), $"the sender drained: abandoned chunks were skipped; {pair.A.DescribeSendState()}");
        Assert.Equal(Enumerable.Range(0, count), reliable);
        Assert.Equal(lossy.Count, lossy.Distinct().Count()); // nothing twice
        Assert.InRange(lossy.Count, count / 2, count - 1); // lost ones stay lost...
        Assert.Contains(lossy, i => i >= count - 20); // ...and later ones still arrive
        Assert.True(pair.A.Counters.MessagesAbandoned > 0);
        Assert.True(pair.A.Counters.ForwardTsnSent > 0);
        Assert.True(pair.B.Counters.ForwardTsnReceived > 0);
    }

    [Fact]
    public void Ordered_channel_with_a_lifetime_keeps_order_skips_expired_messages_and_goes_on()
    {
        using var pair = new SctpPair(5) { Loss = 0.1 };
        pair.Establish();
        var received = new List<int>();
        pair.B.MessageReceived += (_, _, data) => received.Add(BitConverter.ToInt32(data));
        const int count = 300;

        for (var i = 0; i < count; i++)
        {
            var message = new byte[3000]; // three fragments: a lost one abandons the whole message
            BitConverter.TryWriteBytes(message, i);
            pair.A.Send(4, 53, message, ordered: true, lifetime: TimeSpan.FromMilliseconds(100));
            pair.RunUntil(() => false, TimeSpan.FromMilliseconds(20)); // 150 kB/s: what the lossy path carries
        }

        Assert.True(pair.RunUntil(() => !pair.A.HasOutstandingData, Limit));
        pair.RunUntil(() => false, TimeSpan.FromSeconds(1));
        Assert.Equal(received.Order(), received); // still in order
        Assert.Equal(received.Count, received.Distinct().Count());
        Assert.True(received.Count >= count / 2 && received.Count < count, $"{received.Count} of {count}");
        Assert.Contains(received, i => i >= count - 10);
        Assert.True(pair.A.Counters.MessagesAbandoned > 0);
    }

    [Fact]
    public void An_expired_message_that_never_left_costs_nothing()
    {
        using var pair = new SctpPair();
        pair.Establish();
        pair.CutToB = true;
        var released = 0;
        pair.A.BytesAcknowledged += (_, _, bytes) => released += bytes;
        pair.A.Send(0, 53, new byte[60_000], ordered: true); // fills the window and stays unacknowledged
        pair.A.Send(1, 53, new byte[500], ordered: true, lifetime: TimeSpan.FromMilliseconds(100));

        pair.RunUntil(() => false, TimeSpan.FromSeconds(2));
        pair.CutToB = false;
        var received = new List<ushort>();
        pair.B.MessageReceived += (s, _, _) => received.Add(s);

        Assert.True(pair.RunUntil(() => received.Count == 1 && !pair.A.HasOutstandingData, Limit));
        Assert.Equal([0], received);
        Assert.Equal(60_500, released); // the expired one's bytes were released too (bufferedAmount drops)
        Assert.Equal(1, pair.A.Counters.MessagesAbandoned);
    }
}
