// Tests of how LinkConditions shape traffic on the simulated network: delay, jitter, loss, duplication, reordering, bandwidth.
using System.Net;
using Microsoft.Extensions.Time.Testing;
using P2PCall.WebRtc.Net;
using static P2PCall.WebRtc.Tests.Net.SimulatedTestNetwork;

namespace P2PCall.WebRtc.Tests.Net;

public class LinkConditionsTests
{
    [Fact]
    public async Task Two_hosts_with_a_200ms_20_percent_loss_link_deliver_after_the_delay()
    {
        // The set-up the ICE tests use: two hosts, 200 ms one way, 20 % loss, seeded.
        var time = new FakeTimeProvider();
        using var network = new SimulatedNetwork(time, seed: 42);
        var a = network.AddHost("a", AddressA);
        var b = network.AddHost("b", AddressB);
        network.SetLinkBothWays(a, b, new LinkConditions { Delay = TimeSpan.FromMilliseconds(200), LossProbability = 0.2 });
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        await using var socketB = b.Bind(new IPEndPoint(AddressB, 0));
        var atB = Record(socketB, time);
        socketA.Start((_, _) => { });

        for (int i = 0; i < 100; i++)
        {
            Assert.True(socketA.Send([(byte)i], socketB.LocalEndPoint));
        }

        time.Advance(TimeSpan.FromMilliseconds(199));
        Assert.Empty(atB);
        time.Advance(TimeSpan.FromMilliseconds(1));

        var stats = network.Statistics;
        Assert.Equal(100, stats.Sent);
        Assert.Equal(100, stats.Delivered + stats.Lost);
        Assert.InRange(stats.Lost, 5, 40);
        Assert.Equal(stats.Delivered, atB.Count);
        Assert.All(atB, r => Assert.Equal(TimeSpan.FromMilliseconds(200), r.Time - time.Start));
        Assert.All(atB, r => Assert.Equal(socketA.LocalEndPoint, r.From));
    }

    [Fact]
    public async Task Delay_is_honoured_on_the_fake_clock()
    {
        var (time, network, a, b) = TwoHosts(new LinkConditions { Delay = TimeSpan.FromMilliseconds(50) });
        using var _ = network;
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 5000));
        await using var socketB = b.Bind(new IPEndPoint(AddressB, 6000));
        var atB = Record(socketB, time);

        Assert.True(socketA.Send([1, 2, 3], new IPEndPoint(AddressB, 6000)));
        Assert.Empty(atB); // never inside Send
        time.Advance(TimeSpan.FromMilliseconds(49));
        Assert.Empty(atB);
        Assert.Equal(1, network.InFlightCount);
        time.Advance(TimeSpan.FromMilliseconds(1));

        var received = Assert.Single(atB);
        Assert.Equal([1, 2, 3], received.Payload);
        Assert.Equal(TimeSpan.FromMilliseconds(50), received.Time - time.Start);
        Assert.Equal(new IPEndPoint(AddressA, 5000), received.From);
        Assert.Equal(0, network.InFlightCount);
    }

    [Fact]
    public async Task Deliveries_happen_at_their_own_due_times_when_the_clock_steps()
    {
        var (time, network, a, b) = TwoHosts(new LinkConditions { Delay = TimeSpan.FromMilliseconds(30) });
        using var _ = network;
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        await using var socketB = b.Bind(new IPEndPoint(AddressB, 0));
        var atB = Record(socketB, time);

        socketA.Send([1], socketB.LocalEndPoint);
        time.Advance(TimeSpan.FromMilliseconds(10));
        socketA.Send([2], socketB.LocalEndPoint);
        time.AdvanceInSteps(TimeSpan.FromMilliseconds(100));

        Assert.Equal([30.0, 40.0], atB.Select(r => (r.Time - time.Start).TotalMilliseconds));
    }

    [Fact]
    public async Task One_large_advance_delivers_everything_due_in_due_order()
    {
        var (time, network, a, b) = TwoHosts(new LinkConditions { Delay = TimeSpan.FromMilliseconds(30) });
        using var _ = network;
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        await using var socketB = b.Bind(new IPEndPoint(AddressB, 0));
        var atB = Record(socketB, time);
        network.SetLink(a, b, new LinkConditions { Delay = TimeSpan.FromMilliseconds(50) });
        socketA.Send([1], socketB.LocalEndPoint); // due at 50 ms
        network.SetLink(a, b, new LinkConditions { Delay = TimeSpan.FromMilliseconds(20) });
        socketA.Send([2], socketB.LocalEndPoint); // due at 20 ms

        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([2, 1], atB.Select(r => r.Payload[0]));
    }

    [Fact]
    public async Task A_perfect_link_delivers_on_the_next_advance_never_inside_send()
    {
        var (time, network, a, b) = TwoHosts(LinkConditions.Perfect);
        using var _ = network;
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        await using var socketB = b.Bind(new IPEndPoint(AddressB, 0));
        var atB = Record(socketB, time);

        socketA.Send([1], socketB.LocalEndPoint);
        Assert.Empty(atB);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Single(atB);
    }

    [Fact]
    public async Task Datagrams_due_at_the_same_time_arrive_in_send_order()
    {
        var (time, network, a, b) = TwoHosts(new LinkConditions { Delay = TimeSpan.FromMilliseconds(10) });
        using var _ = network;
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        await using var socketB = b.Bind(new IPEndPoint(AddressB, 0));
        var atB = Record(socketB, time);

        for (byte i = 0; i < 50; i++)
        {
            socketA.Send([i], socketB.LocalEndPoint);
        }

        time.Advance(TimeSpan.FromMilliseconds(10));

        Assert.Equal(Enumerable.Range(0, 50).Select(i => (byte)i), atB.Select(r => r.Payload[0]));
    }

    [Fact]
    public async Task Loss_follows_the_probability_over_many_datagrams()
    {
        var (time, network, a, b) = TwoHosts(new LinkConditions { Delay = TimeSpan.FromMilliseconds(5), LossProbability = 0.2 }, seed: 7);
        using var _ = network;
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        await using var socketB = b.Bind(new IPEndPoint(AddressB, 0));
        var atB = Record(socketB, time);

        for (int i = 0; i < 10_000; i++)
        {
            Assert.True(socketA.Send(BitConverter.GetBytes(i), socketB.LocalEndPoint));
        }

        time.Advance(TimeSpan.FromMilliseconds(5));

        var stats = network.Statistics;
        Assert.InRange(stats.Lost, 1_800, 2_200);
        Assert.Equal(10_000 - stats.Lost, stats.Delivered);
        Assert.Equal(stats.Delivered, atB.Count);
    }

    [Fact]
    public async Task Duplication_delivers_extra_copies()
    {
        var (time, network, a, b) = TwoHosts(new LinkConditions { Delay = TimeSpan.FromMilliseconds(5), DuplicationProbability = 0.5 }, seed: 3);
        using var _ = network;
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        await using var socketB = b.Bind(new IPEndPoint(AddressB, 0));
        var atB = Record(socketB, time);

        for (int i = 0; i < 1_000; i++)
        {
            socketA.Send(BitConverter.GetBytes(i), socketB.LocalEndPoint);
        }

        time.Advance(TimeSpan.FromMilliseconds(5));

        var stats = network.Statistics;
        Assert.InRange(stats.Duplicated, 400, 600);
        Assert.Equal(1_000 + stats.Duplicated, stats.Delivered);
        Assert.Equal(stats.Delivered, atB.Count);
        Assert.Equal(1_000, atB.Select(r => BitConverter.ToInt32(r.Payload)).Distinct().Count());
        Assert.Equal((int)stats.Duplicated, atB.GroupBy(r => BitConverter.ToInt32(r.Payload)).Count(g => g.Count() == 2));
    }

    [Fact]
    public async Task Reordering_actually_reorders_and_loses_nothing()
    {
        var conditions = new LinkConditions
        {
            Delay = TimeSpan.FromMilliseconds(10),
            ReorderProbability = 0.2,
            ReorderDelay = TimeSpan.FromMilliseconds(15),
        };
        var (time, network, a, b) = TwoHosts(conditions, seed: 11);
        using var _ = network;
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        await using var socketB = b.Bind(new IPEndPoint(AddressB, 0));
        var atB = Record(socketB, time);

        for (byte i = 0; i < 100; i++)
        {
            socketA.Send([i], socketB.LocalEndPoint);
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        time.Advance(TimeSpan.FromMilliseconds(100));

        var order = atB.Select(r => (int)r.Payload[0]).ToList();
        Assert.NotEqual(Enumerable.Range(0, 100), order);
        Assert.Equal(Enumerable.Range(0, 100), order.Order());
        Assert.InRange(network.Statistics.Reordered, 1, 99);
    }

    [Fact]
    public async Task Jitter_spreads_arrivals_within_its_bound()
    {
        var conditions = new LinkConditions { Delay = TimeSpan.FromMilliseconds(20), Jitter = TimeSpan.FromMilliseconds(10) };
        var (time, network, a, b) = TwoHosts(conditions, seed: 5);
        using var _ = network;
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        await using var socketB = b.Bind(new IPEndPoint(AddressB, 0));
        var atB = Record(socketB, time);

        for (byte i = 0; i < 100; i++)
        {
            socketA.Send([i], socketB.LocalEndPoint);
        }

        time.AdvanceInSteps(TimeSpan.FromMilliseconds(30), TimeSpan.FromTicks(TimeSpan.TicksPerMillisecond / 10));

        Assert.Equal(100, atB.Count);
        Assert.All(atB, r => Assert.InRange((r.Time - time.Start).TotalMilliseconds, 20, 30));
        Assert.True(atB.Select(r => r.Time).Distinct().Count() > 10);
    }

    [Fact]
    public async Task One_way_loss_cuts_only_that_direction()
    {
        var (time, network, a, b) = TwoHosts(LinkConditions.Perfect);
        using var _ = network;
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        await using var socketB = b.Bind(new IPEndPoint(AddressB, 0));
        var atA = Record(socketA, time);
        var atB = Record(socketB, time);

        network.SetLink(a, b, LinkConditions.Disconnected);
        socketA.Send([1], socketB.LocalEndPoint);
        socketB.Send([2], socketA.LocalEndPoint);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Empty(atB);
        Assert.Single(atA);
        Assert.Same(LinkConditions.Disconnected, network.GetLink(a, b));
        Assert.Same(LinkConditions.Perfect, network.GetLink(b, a));
    }

    [Fact]
    public async Task Bandwidth_serialises_datagrams_and_a_full_queue_drops_the_tail()
    {
        // 1 Mbit/s: a 1,250-byte datagram takes 10 ms; the queue holds two of them.
        var conditions = new LinkConditions { BandwidthBitsPerSecond = 1_000_000, QueueLimitBytes = 2_500, Delay = TimeSpan.FromMilliseconds(5) };
        var (time, network, a, b) = TwoHosts(conditions);
        using var _ = network;
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        await using var socketB = b.Bind(new IPEndPoint(AddressB, 0));
        var atB = Record(socketB, time);

        for (byte i = 0; i < 5; i++)
        {
            var payload = new byte[1_250];
            payload[0] = i;
            socketA.Send(payload, socketB.LocalEndPoint);
        }

        time.AdvanceInSteps(TimeSpan.FromMilliseconds(100));

        Assert.Equal([15.0, 25.0], atB.Select(r => (r.Time - time.Start).TotalMilliseconds));
        Assert.Equal([0, 1], atB.Select(r => r.Payload[0]));
        Assert.Equal(3, network.Statistics.DroppedQueueFull);
    }

    [Fact]
    public async Task Datagrams_larger_than_the_link_carries_are_dropped()
    {
        var (time, network, a, b) = TwoHosts(new LinkConditions { MaxDatagramSize = 1_200 });
        using var _ = network;
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        await using var socketB = b.Bind(new IPEndPoint(AddressB, 0));
        var atB = Record(socketB, time);

        socketA.Send(new byte[1_200], socketB.LocalEndPoint);
        socketA.Send(new byte[1_201], socketB.LocalEndPoint);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(1_200, Assert.Single(atB).Payload.Length);
        Assert.Equal(1, network.Statistics.DroppedTooLarge);
    }

    [Theory]
    [InlineData(-0.1, 0, 0, 0)]
    [InlineData(1.1, 0, 0, 0)]
    [InlineData(0, 2, 0, 0)]
    [InlineData(0, 0, double.NaN, 0)]
    [InlineData(0, 0, 0, -1)]
    public void Out_of_range_conditions_are_rejected(double loss, double duplication, double reorder, int delayMs)
    {
        var (_, network, a, b) = TwoHosts(LinkConditions.Perfect);
        using var _ = network;
        var bad = new LinkConditions
        {
            LossProbability = loss,
            DuplicationProbability = duplication,
            ReorderProbability = reorder,
            Delay = TimeSpan.FromMilliseconds(delayMs),
        };

        Assert.Throws<ArgumentOutOfRangeException>(() => network.SetLink(a, b, bad));
        Assert.Throws<ArgumentOutOfRangeException>(() => network.DefaultLink = bad);
    }
}
