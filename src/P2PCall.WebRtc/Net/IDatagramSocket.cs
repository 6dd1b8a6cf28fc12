using System.Net;

namespace P2PCall.WebRtc.Net;

/// <summary>Receives one datagram; the span is valid only during the call.</summary>
/// <param name="datagram">The payload.</param>
/// <param name="remote">The sender. Implementations reuse instances per sender, so do not mutate it.</param>
public delegate void DatagramHandler(ReadOnlySpan<byte> datagram, IPEndPoint remote);

/// <summary>
/// A bound datagram endpoint: a real UDP socket or a host on the simulated network.
/// Delivery is best effort, as UDP's is (RFC 768): sends never block and may be lost.
/// </summary>
public interface IDatagramSocket : IAsyncDisposable
{
    /// <summary>The address and port this socket is bound to.</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>
    /// Starts delivering received datagrams to <paramref name="handler"/>, one at a time, in arrival order.
    /// The handler must not block; it runs on the socket's receive loop (real network) or inside the
    /// simulated clock's timer callback (simulated network). Call once.
    /// </summary>
    /// <param name="handler">Called for each datagram.</param>
    void Start(DatagramHandler handler);

    /// <summary>Sends one datagram without blocking. Returns false when it was dropped locally (socket closed, buffer full).</summary>
    /// <param name="datagram">The payload.</param>
    /// <param name="remote">The destination.</param>
    bool Send(ReadOnlySpan<byte> datagram, IPEndPoint remote);
}

/// <summary>Which local addresses to gather host candidates on (RFC 8445 §5.1.1.1).</summary>
public sealed class HostAddressFilter
{
    /// <summary>Only loopback addresses (127.0.0.0/8, ::1).</summary>
    public bool LoopbackOnly { get; init; }

    /// <summary>Include IPv6 addresses.</summary>
    public bool IncludeIPv6 { get; init; } = true;

    /// <summary>When not empty, only interfaces with these names.</summary>
    public IReadOnlyCollection<string> InterfaceNames { get; init; } = [];
}

/// <summary>The network a stack binds sockets on: the machine's real UDP, or a simulated one.</summary>
public interface IDatagramNetwork
{
    /// <summary>The local addresses that pass the filter, in a stable order (IPv4 first).</summary>
    /// <param name="filter">Which addresses qualify.</param>
    IReadOnlyList<IPAddress> GetLocalAddresses(HostAddressFilter filter);

    /// <summary>Binds a socket; port 0 picks a free port.</summary>
    /// <param name="localEndPoint">The local address and port.</param>
    IDatagramSocket Bind(IPEndPoint localEndPoint);
}
