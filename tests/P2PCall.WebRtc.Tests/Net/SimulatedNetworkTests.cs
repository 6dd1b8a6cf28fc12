// Tests of the simulated network itself: hosts, binding, ports, sockets, partitions, hosts going down, determinism.
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using P2PCall.WebRtc.Net;
using static P2PCall.WebRtc.Tests.Net.SimulatedTestNetwork;

namespace P2PCall.WebRtc.Tests.Net;

public class SimulatedNetworkTests
{
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

    [Fact]
    public async Task Reusing_the_destination_endpoint_object_after_send_does_not_redirect_the_datagram()
    {
        var (time, network, a, b) = TwoHosts(new LinkConditions { Delay = TimeSpan.FromMilliseconds(10) });
        using var _ = network;
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        await using var socketB = b.Bind(new IPEndPoint(AddressB, 0));
        var atB = Record(socketB, time);
        var destination = new IPEndPoint(AddressB, socketB.LocalEndPoint.Port);

        socketA.Send([1], destination);
        destination.Port = 1;
        time.Advance(TimeSpan.FromMilliseconds(10));

        Assert.Single(atB);
    }

    [Fact]
    public async Task Changing_a_link_affects_only_datagrams_sent_afterwards()
    {
        var (time, network, a, b) = TwoHosts(new LinkConditions { Delay = TimeSpan.FromMilliseconds(100) });
        using var _ = network;
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        await using var socketB = b.Bind(new IPEndPoint(AddressB, 0));
        var atB = Record(socketB, time);

        socketA.Send([1], socketB.LocalEndPoint);
        network.SetLink(a, b, LinkConditions.Disconnected);
        socketA.Send([2], socketB.LocalEndPoint);
        time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal([1], Assert.Single(atB).Payload);
        Assert.Equal(1, network.Statistics.Lost);
    }

    [Fact]
    public async Task A_handler_can_dispose_its_own_socket()
    {
        var (time, network, a, b) = TwoHosts(LinkConditions.Perfect);
        using var _ = network;
        await using var socketA = a.Bind(new IPEndPoint(AddressA, 0));
        var socketB = b.Bind(new IPEndPoint(AddressB, 0));
        int calls = 0;
        socketB.Start((_, _) =>
        {
            calls++;
            Assert.True(socketB.DisposeAsync().IsCompleted);
        });

        socketA.Send([1], socketB.LocalEndPoint);
        socketA.Send([2], socketB.LocalEndPoint);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(1, calls);
        Assert.Equal(1, network.Statistics.DroppedNoListener);
        Assert.Equal(0, network.Statistics.HandlerErrors);
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
}
