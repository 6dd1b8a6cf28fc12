// Tests of the real UDP network on loopback: exchange, binding, address listing, disposal, robustness of the receive loop.
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using P2PCall.WebRtc.Net;

namespace P2PCall.WebRtc.Tests.Net;

// Real sockets, sending only to 127.0.0.1 or ::1.
public class UdpDatagramSocketTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);
    private static readonly IPEndPoint AnyLoopbackPort = new(IPAddress.Loopback, 0);

    [Fact]
    public async Task Two_sockets_on_ipv4_loopback_exchange_datagrams_both_ways()
    {
        await AssertExchangeAsync(IPAddress.Loopback);
    }

    [Fact]
    public async Task Two_sockets_on_ipv6_loopback_exchange_datagrams_both_ways()
    {
        if (!Socket.OSSupportsIPv6)
        {
            return; // Skipped: the OS has no IPv6.
        }

        try
        {
            await using var probe = UdpNetwork.Default.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        }
        catch (SocketException)
        {
            return; // Skipped: ::1 cannot be bound on this machine.
        }

        await AssertExchangeAsync(IPAddress.IPv6Loopback);
    }

    [Fact]
    public async Task Bind_with_port_zero_picks_a_port()
    {
        await using var socket = UdpNetwork.Default.Bind(AnyLoopbackPort);

        Assert.Equal(IPAddress.Loopback, socket.LocalEndPoint.Address);
        Assert.InRange(socket.LocalEndPoint.Port, 1, IPEndPoint.MaxPort);
    }

    [Fact]
    public async Task Bind_on_a_port_in_use_throws_socket_exception()
    {
        await using var first = UdpNetwork.Default.Bind(AnyLoopbackPort);

        var error = Assert.Throws<SocketException>(() => UdpNetwork.Default.Bind(first.LocalEndPoint));
        Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
    }

    [Fact]
    public void LoopbackOnly_filter_returns_only_loopback_addresses()
    {
        var addresses = UdpNetwork.Default.GetLocalAddresses(new HostAddressFilter { LoopbackOnly = true });

        Assert.Contains(IPAddress.Loopback, addresses);
        Assert.All(addresses, a => Assert.True(IPAddress.IsLoopback(a)));
        AssertIPv4First(addresses);
    }

    [Fact]
    public void Default_filter_returns_no_loopback_and_no_link_local_addresses()
    {
        var addresses = UdpNetwork.Default.GetLocalAddresses(new HostAddressFilter());

        Assert.All(addresses, a => Assert.False(IPAddress.IsLoopback(a) || a.IsIPv6LinkLocal, a.ToString()));
        AssertIPv4First(addresses);
        Assert.Equal(addresses, UdpNetwork.Default.GetLocalAddresses(new HostAddressFilter())); // stable
    }

    [Fact]
    public async Task DisposeAsync_completes_the_receive_loop_and_later_sends_return_false()
    {
        var socket = (UdpDatagramSocket)UdpNetwork.Default.Bind(AnyLoopbackPort);
        socket.Start((_, _) => { });
        Assert.False(socket.ReceiveLoopTask.IsCompleted);

        await socket.DisposeAsync();

        Assert.True(socket.ReceiveLoopTask.IsCompletedSuccessfully);
        Assert.False(socket.Send([1, 2, 3], socket.LocalEndPoint));
        Assert.Equal(1, socket.SendFailures);
        Assert.Null(socket.ReceiveFault);
        await socket.DisposeAsync(); // idempotent
        Assert.Throws<ObjectDisposedException>(() => socket.Start((_, _) => { }));
    }

    [Fact]
    public async Task A_handler_that_throws_does_not_stop_delivery_of_the_next_datagram()
    {
        var second = NewSignal<byte>();
        await using var receiver = (UdpDatagramSocket)UdpNetwork.Default.Bind(AnyLoopbackPort);
        await using var sender = UdpNetwork.Default.Bind(AnyLoopbackPort);
        receiver.Start((datagram, _) =>
        {
            if (datagram[0] == 1)
            {
                throw new InvalidOperationException("handler bug");
            }

            second.TrySetResult(datagram[0]);
        });

        Assert.True(sender.Send([1], receiver.LocalEndPoint));
        Assert.True(sender.Send([2], receiver.LocalEndPoint));

        Assert.Equal(2, await second.Task.WaitAsync(Generous));
        Assert.Equal(1, receiver.HandlerErrors);
        Assert.IsType<InvalidOperationException>(receiver.LastHandlerError);
        Assert.Equal(2, receiver.DatagramsReceived);
    }

    [Fact]
    public async Task Datagrams_from_one_peer_reuse_one_remote_endpoint_instance()
    {
        var remotes = new ConcurrentQueue<IPEndPoint>();
        var done = NewSignal<bool>();
        await using var receiver = UdpNetwork.Default.Bind(AnyLoopbackPort);
        await using var sender = UdpNetwork.Default.Bind(AnyLoopbackPort);
        receiver.Start((datagram, remote) =>
        {
            remotes.Enqueue(remote);
            if (remotes.Count == 3)
            {
                done.TrySetResult(true);
            }
        });

        for (byte i = 0; i < 3; i++)
        {
            Assert.True(sender.Send([i], receiver.LocalEndPoint));
        }

        await done.Task.WaitAsync(Generous);
        var all = remotes.ToArray();
        Assert.Equal(sender.LocalEndPoint, all[0]);
        Assert.Same(all[0], all[1]);
        Assert.Same(all[0], all[2]);
    }

    [Fact]
    public async Task Many_datagrams_over_loopback_all_arrive_in_order()
    {
        const int count = 1000;
        var received = new List<int>(count);
        var done = NewSignal<bool>();
        await using var receiver = (UdpDatagramSocket)UdpNetwork.Default.Bind(AnyLoopbackPort);
        await using var sender = (UdpDatagramSocket)UdpNetwork.Default.Bind(AnyLoopbackPort);
        receiver.Start((datagram, _) =>
        {
            received.Add(BitConverter.ToInt32(datagram));
            if (received.Count == count)
            {
                done.TrySetResult(true);
            }
        });

        var payload = new byte[1200];
        for (int i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(payload, i);
            Assert.True(sender.Send(payload, receiver.LocalEndPoint));
        }

        await done.Task.WaitAsync(Generous);
        Assert.Equal(Enumerable.Range(0, count), received);
        Assert.Equal(count, sender.DatagramsSent);
        Assert.Equal(count, receiver.DatagramsReceived);
    }

    [Fact]
    public async Task Sending_to_a_closed_port_neither_throws_nor_stops_receiving()
    {
        var closed = UdpNetwork.Default.Bind(AnyLoopbackPort);
        var closedEndPoint = closed.LocalEndPoint;
        await closed.DisposeAsync();
        var reply = NewSignal<byte>();
        await using var socket = (UdpDatagramSocket)UdpNetwork.Default.Bind(AnyLoopbackPort);
        await using var peer = UdpNetwork.Default.Bind(AnyLoopbackPort);
        socket.Start((datagram, _) => reply.TrySetResult(datagram[0]));

        // The ICMP port unreachable that comes back must not break the socket.
        socket.Send([9], closedEndPoint);
        socket.Send([9], closedEndPoint);
        Assert.True(peer.Send([7], socket.LocalEndPoint));

        Assert.Equal(7, await reply.Task.WaitAsync(Generous));
        Assert.Null(socket.ReceiveFault);
    }

    [Fact]
    public async Task Send_to_the_other_address_family_returns_false()
    {
        await using var socket = (UdpDatagramSocket)UdpNetwork.Default.Bind(AnyLoopbackPort);

        Assert.False(socket.Send([1], new IPEndPoint(IPAddress.IPv6Loopback, 9)));
        Assert.Equal(1, socket.SendFailures);
    }

    [Fact]
    public async Task Start_twice_throws()
    {
        await using var socket = UdpNetwork.Default.Bind(AnyLoopbackPort);
        socket.Start((_, _) => { });

        Assert.Throws<InvalidOperationException>(() => socket.Start((_, _) => { }));
    }

    [Fact]
    public async Task DisposeAsync_from_inside_the_handler_does_not_deadlock_and_ends_the_loop()
    {
        var disposed = NewSignal<bool>();
        var socket = (UdpDatagramSocket)UdpNetwork.Default.Bind(AnyLoopbackPort);
        await using var peer = UdpNetwork.Default.Bind(AnyLoopbackPort);
        socket.Start((_, _) =>
        {
            var pending = socket.DisposeAsync();
            disposed.TrySetResult(pending.IsCompleted);
        });

        Assert.True(peer.Send([1], socket.LocalEndPoint));

        Assert.True(await disposed.Task.WaitAsync(Generous));
        await socket.ReceiveLoopTask.WaitAsync(Generous);
        Assert.True(socket.ReceiveLoopTask.IsCompletedSuccessfully);
    }

    private static async Task AssertExchangeAsync(IPAddress loopback)
    {
        var atA = NewSignal<(byte[] Data, IPEndPoint From)>();
        var atB = NewSignal<(byte[] Data, IPEndPoint From)>();
        await using var a = UdpNetwork.Default.Bind(new IPEndPoint(loopback, 0));
        await using var b = UdpNetwork.Default.Bind(new IPEndPoint(loopback, 0));
        a.Start((datagram, from) => atA.TrySetResult((datagram.ToArray(), from)));
        b.Start((datagram, from) => atB.TrySetResult((datagram.ToArray(), from)));

        Assert.True(a.Send([1, 2, 3], b.LocalEndPoint));
        Assert.True(b.Send([4, 5], a.LocalEndPoint));

        var (toB, fromA) = await atB.Task.WaitAsync(Generous);
        var (toA, fromB) = await atA.Task.WaitAsync(Generous);
        Assert.Equal([1, 2, 3], toB);
        Assert.Equal(a.LocalEndPoint, fromA);
        Assert.Equal([4, 5], toA);
        Assert.Equal(b.LocalEndPoint, fromB);
    }

    private static void AssertIPv4First(IReadOnlyList<IPAddress> addresses)
    {
        var families = addresses.Select(a => a.AddressFamily).ToList();
        Assert.Equal(families.OrderBy(f => f == AddressFamily.InterNetwork ? 0 : 1), families);
    }

    private static TaskCompletionSource<T> NewSignal<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
