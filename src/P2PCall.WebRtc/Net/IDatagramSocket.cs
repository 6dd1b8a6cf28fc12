// The datagram transport the stack is written against: a bound socket with a push-based receive
// handler and a non-blocking send, and the network that lists local addresses and binds sockets.
// Implemented by UdpNetwork (real UDP) and SimulatedNetwork's hosts (deterministic tests).
using System.Net;

namespace P2PCall.WebRtc.Net;

/// <summary>Receives one datagram; the span is valid only during the call.</summary>
/// <param name="datagram">The payload.</param>
/// <param name="remote">The sender. Implementations reuse one instance per sender, so do not mutate it; compare senders with Equals.</param>
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
    /// A handler exception is caught and counted; it does not stop delivery.
    /// </summary>
    /// <param name="handler">Called for each datagram.</param>
    /// <exception cref="InvalidOperationException">Start was already called.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    void Start(DatagramHandler handler);

    /// <summary>
    /// Sends one datagram without blocking and never throws for network reasons. Returns false when it
    /// was dropped locally (socket closed, buffer full, wrong address family, oversized); true means only
    /// that it was handed to the network, which may still lose it. Thread-safe, and may be called from
    /// inside the handler.
    /// </summary>
    /// <param name="datagram">The payload.</param>
    /// <param name="remote">The destination.</param>
    bool Send(ReadOnlySpan<byte> datagram, IPEndPoint remote);
}

/// <summary>
/// Which local addresses to gather host candidates on (RFC 8445 §5.1.1.1). Whatever the filter, loopback
/// is excluded unless <see cref="LoopbackOnly"/>, and link-local, site-local, IPv4-mapped and
/// IPv4-compatible IPv6 addresses are always excluded.
/// </summary>
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
    /// <exception cref="System.Net.Sockets.SocketException">The address is not local (AddressNotAvailable) or the port is taken (AddressAlreadyInUse).</exception>
    IDatagramSocket Bind(IPEndPoint localEndPoint);
}
