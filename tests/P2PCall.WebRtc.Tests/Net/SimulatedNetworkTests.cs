using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using P2PCall.WebRtc.Net;

namespace P2PCall.WebRtc.Tests.Net;

public class SimulatedNetworkTests
{
    private static readonly IPAddress AddressA = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress AddressB = IPAddress.Parse("10.0.0.2");

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
    public async Task A_partition_drops_everything_until_the_link_is_reset()
    {
        var (time, network, a, b) = TwoHosts(new LinkConditions { Delay = TimeSpan.FromMilliseconds(10) });
        using var _ = network;
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        await using var socketB = b.Bind(new IPEndPoint(AddressB, 0));
        var atA = Record(socketA, time);
        var atB = Record(socketB, time);

        network.SetLinkBothWays(a, b, LinkConditions.Disconnected);
        socketA.Send([1], socketB.LocalEndPoint);
        socketB.Send([2], socketA.LocalEndPoint);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(atA);
        Assert.Empty(atB);
        Assert.Equal(2, network.Statistics.Lost);

        network.ResetLink(a, b);
        network.ResetLink(b, a);
        socketA.Send([3], socketB.LocalEndPoint);
        socketB.Send([4], socketA.LocalEndPoint);
        time.Advance(TimeSpan.FromMilliseconds(10));

        Assert.Equal([3], Assert.Single(atB).Payload);
        Assert.Equal([4], Assert.Single(atA).Payload);
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
    public async Task A_host_that_is_down_neither_sends_nor_receives_even_in_flight_datagrams()
    {
        var (time, network, a, b) = TwoHosts(new LinkConditions { Delay = TimeSpan.FromMilliseconds(10) });
        using var _ = network;
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        await using var socketB = b.Bind(new IPEndPoint(AddressB, 0));
        var atA = Record(socketA, time);
        var atB = Record(socketB, time);

        Assert.True(socketA.Send([1], socketB.LocalEndPoint)); // in flight when B goes down
        b.IsUp = false;
        Assert.False(socketB.Send([2], socketA.LocalEndPoint));
        time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Empty(atA);
        Assert.Empty(atB);
        Assert.Equal(2, network.Statistics.DroppedHostDown);

        b.IsUp = true;
        socketA.Send([3], socketB.LocalEndPoint);
        time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal([3], Assert.Single(atB).Payload);
    }

    [Fact]
    public async Task Disposing_a_socket_stops_delivery_to_it_and_unbinds_its_port()
    {
        var (time, network, a, b) = TwoHosts(new LinkConditions { Delay = TimeSpan.FromMilliseconds(10) });
        using var _ = network;
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        var socketB = b.Bind(new IPEndPoint(AddressB, 7000));
        var atB = Record(socketB, time);

        socketA.Send([1], socketB.LocalEndPoint);
        await socketB.DisposeAsync();
        time.Advance(TimeSpan.FromMilliseconds(10));

        Assert.Empty(atB);
        Assert.Equal(1, network.Statistics.DroppedNoListener);
        Assert.False(socketB.Send([2], socketA.LocalEndPoint));
        await socketB.DisposeAsync(); // idempotent
        await using var again = b.Bind(new IPEndPoint(AddressB, 7000));
        Assert.Equal(7000, again.LocalEndPoint.Port);
    }

    [Fact]
    public async Task Datagrams_to_no_listener_are_dropped_and_counted()
    {
        var (time, network, a, b) = TwoHosts(LinkConditions.Perfect);
        using var _ = network;
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        await using var notStarted = b.Bind(new IPEndPoint(AddressB, 0));
        var trace = new List<SimulatedDatagramFate>();
        network.DatagramTraced += (fate, _, _, _) => trace.Add(fate);

        Assert.True(socketA.Send([1], new IPEndPoint(AddressB, 1234)));                 // no socket on the port
        Assert.True(socketA.Send([2], new IPEndPoint(IPAddress.Parse("10.9.9.9"), 1))); // no host
        Assert.True(socketA.Send([3], notStarted.LocalEndPoint));                      // bound, not started
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(3, network.Statistics.DroppedNoListener);
        Assert.Equal(0, network.Statistics.Delivered);
        Assert.Equal(3, trace.Count);
        Assert.All(trace, f => Assert.Equal(SimulatedDatagramFate.DroppedNoListener, f));
    }

    [Fact]
    public async Task Same_seed_and_script_give_the_same_trace_and_different_seeds_differ()
    {
        var first = await RunScriptAsync(seed: 1234);
        var second = await RunScriptAsync(seed: 1234);
        var other = await RunScriptAsync(seed: 4321);

        Assert.NotEmpty(first);
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task A_handler_can_reply_from_inside_a_delivery()
    {
        var (time, network, a, b) = TwoHosts(new LinkConditions { Delay = TimeSpan.FromMilliseconds(50) });
        using var _ = network;
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        await using var socketB = b.Bind(new IPEndPoint(AddressB, 0));
        var atA = Record(socketA, time);
        socketB.Start((datagram, from) => socketB.Send([(byte)(datagram[0] + 1)], from));

        socketA.Send([41], socketB.LocalEndPoint);
        time.AdvanceInSteps(TimeSpan.FromMilliseconds(100));

        var pong = Assert.Single(atA);
        Assert.Equal([42], pong.Payload);
        Assert.Equal(TimeSpan.FromMilliseconds(100), pong.Time - time.Start);
    }

    [Fact]
    public async Task A_handler_that_throws_does_not_stop_delivery_of_the_next_datagram()
    {
        var (time, network, a, b) = TwoHosts(LinkConditions.Perfect);
        using var _ = network;
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        await using var socketB = b.Bind(new IPEndPoint(AddressB, 0));
        var received = new List<byte>();
        socketB.Start((datagram, _) =>
        {
            received.Add(datagram[0]);
            if (datagram[0] == 1)
            {
                throw new InvalidOperationException("handler bug");
            }
        });

        socketA.Send([1], socketB.LocalEndPoint);
        socketA.Send([2], socketB.LocalEndPoint);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal([1, 2], received);
        Assert.Equal(1, network.Statistics.HandlerErrors);
    }

    [Fact]
    public async Task The_payload_is_copied_at_send_time()
    {
        var (time, network, a, b) = TwoHosts(new LinkConditions { Delay = TimeSpan.FromMilliseconds(10) });
        using var _ = network;
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        await using var socketB = b.Bind(new IPEndPoint(AddressB, 0));
        var atB = Record(socketB, time);
        byte[] buffer = [1, 2, 3];

        socketA.Send(buffer, socketB.LocalEndPoint);
        buffer.AsSpan().Fill(0xEE);
        time.Advance(TimeSpan.FromMilliseconds(10));

        Assert.Equal([1, 2, 3], Assert.Single(atB).Payload);
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

    [Fact]
    public async Task Send_returns_false_for_the_other_family_an_oversized_datagram_or_a_disposed_network()
    {
        var (_, network, a, b) = TwoHosts(LinkConditions.Perfect);
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));

        Assert.False(socketA.Send([1], new IPEndPoint(IPAddress.Parse("fd00::2"), 9)));
        Assert.False(socketA.Send(new byte[65_508], new IPEndPoint(AddressB, 9)));
        network.Dispose();
        Assert.False(socketA.Send([1], new IPEndPoint(AddressB, 9)));
    }

    [Fact]
    public async Task Dispose_drops_datagrams_in_flight()
    {
        var (time, network, a, b) = TwoHosts(new LinkConditions { Delay = TimeSpan.FromMilliseconds(10) });
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        await using var socketB = b.Bind(new IPEndPoint(AddressB, 0));
        var atB = Record(socketB, time);
        socketA.Send([1], socketB.LocalEndPoint);

        network.Dispose();
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Empty(atB);
        Assert.Equal(0, network.InFlightCount);
    }

    [Fact]
    public void Port_zero_takes_ephemeral_ports_in_order_and_conflicts_throw()
    {
        var (_, network, a, _) = TwoHosts(LinkConditions.Perfect);
        using var _ = network;

        var first = a.Bind(new IPEndPoint(AddressA, 0));
        var second = a.Bind(new IPEndPoint(AddressA, 0));

        Assert.Equal(SimulatedHost.FirstEphemeralPort, first.LocalEndPoint.Port);
        Assert.Equal(SimulatedHost.FirstEphemeralPort + 1, second.LocalEndPoint.Port);
        Assert.Equal(SocketError.AddressAlreadyInUse, Assert.Throws<SocketException>(() => a.Bind(first.LocalEndPoint)).SocketErrorCode);
        Assert.Equal(SocketError.AddressNotAvailable, Assert.Throws<SocketException>(() => a.Bind(new IPEndPoint(AddressB, 0))).SocketErrorCode);
        Assert.Equal(SocketError.AddressNotAvailable, Assert.Throws<SocketException>(() => a.Bind(new IPEndPoint(IPAddress.Any, 0))).SocketErrorCode);
    }

    [Fact]
    public async Task Start_twice_throws_and_start_after_dispose_throws()
    {
        var (_, network, a, _) = TwoHosts(LinkConditions.Perfect);
        using var _ = network;
        var socket = a.Bind(new IPEndPoint(AddressA, 0));
        socket.Start((_, _) => { });

        Assert.Throws<InvalidOperationException>(() => socket.Start((_, _) => { }));
        await socket.DisposeAsync();
        Assert.Throws<ObjectDisposedException>(() => socket.Start((_, _) => { }));
    }

    [Fact]
    public void A_host_lists_its_addresses_with_the_same_rules_as_the_real_network()
    {
        using var network = new SimulatedNetwork(new FakeTimeProvider(), seed: 1);
        var host = network.AddHost("h", IPAddress.Parse("fd00::1"), IPAddress.Parse("fe80::1"), AddressA, IPAddress.Loopback);

        Assert.Equal(["10.0.0.1", "fd00::1"], host.GetLocalAddresses(new HostAddressFilter()).Select(x => x.ToString()));
        Assert.Equal([AddressA], host.GetLocalAddresses(new HostAddressFilter { IncludeIPv6 = false }));
        Assert.Equal([IPAddress.Loopback], host.GetLocalAddresses(new HostAddressFilter { LoopbackOnly = true }));
        Assert.Empty(host.GetLocalAddresses(new HostAddressFilter { InterfaceNames = ["eth0"] }));
        Assert.Equal(2, host.GetLocalAddresses(new HostAddressFilter { InterfaceNames = [SimulatedHost.InterfaceName] }).Count);
    }

    [Fact]
    public void Adding_an_address_twice_throws()
    {
        using var network = new SimulatedNetwork(new FakeTimeProvider(), seed: 1);
        network.AddHost("a", AddressA);

        Assert.Throws<ArgumentException>(() => network.AddHost("b", AddressA));
        Assert.Throws<ArgumentException>(() => network.AddHost("c", AddressB, AddressB));
        Assert.Single(network.Hosts);
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

    private static async Task<List<string>> RunScriptAsync(int seed)
    {
        var conditions = new LinkConditions
        {
            Delay = TimeSpan.FromMilliseconds(40),
            Jitter = TimeSpan.FromMilliseconds(15),
            LossProbability = 0.1,
            DuplicationProbability = 0.05,
            ReorderProbability = 0.1,
        };
        var (time, network, a, b) = TwoHosts(conditions, seed);
        using var _ = network;
        var trace = new List<string>();
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        await using var socketB = b.Bind(new IPEndPoint(AddressB, 0));
        socketA.Start((d, from) => trace.Add($"{(time.GetUtcNow() - time.Start).Ticks} {from}->{socketA.LocalEndPoint} {Convert.ToHexString(d)}"));
        socketB.Start((d, from) => trace.Add($"{(time.GetUtcNow() - time.Start).Ticks} {from}->{socketB.LocalEndPoint} {Convert.ToHexString(d)}"));

        for (int i = 0; i < 200; i++)
        {
            socketA.Send(BitConverter.GetBytes(i), socketB.LocalEndPoint);
            socketB.Send(BitConverter.GetBytes(-i), socketA.LocalEndPoint);
            time.Advance(TimeSpan.FromMilliseconds(3));
        }

        time.Advance(TimeSpan.FromSeconds(1));
        return trace;
    }

    private static (FakeTimeProvider Time, SimulatedNetwork Network, SimulatedHost A, SimulatedHost B) TwoHosts(LinkConditions conditions, int seed = 1)
    {
        var time = new FakeTimeProvider();
        var network = new SimulatedNetwork(time, seed) { DefaultLink = conditions };
        return (time, network, network.AddHost("a", AddressA), network.AddHost("b", AddressB));
    }

    private static List<Received> Record(IDatagramSocket socket, TimeProvider time)
    {
        var list = new List<Received>();
        socket.Start((datagram, from) => list.Add(new Received(time.GetUtcNow(), from, datagram.ToArray())));
        return list;
    }

    private sealed record Received(DateTimeOffset Time, IPEndPoint From, byte[] Payload);
}
