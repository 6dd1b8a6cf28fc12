// A socket bound on a SimulatedHost: hands sends to the network and holds the handler the network
// calls on delivery. Disposing it unbinds its port.
using System.Net;
using System.Net.Sockets;

namespace P2PCall.WebRtc.Net;

/// <summary>A socket on a <see cref="SimulatedHost"/>, created by <see cref="SimulatedHost.Bind"/>.</summary>
/// <remarks>
/// Datagrams that arrive before <see cref="Start"/> are dropped (counted as no listener): unlike a
/// kernel, the simulation keeps no receive buffer.
/// </remarks>
internal sealed class SimulatedDatagramSocket : IDatagramSocket
{
    // RFC 768 / RFC 791: 65,535 minus the 8-byte UDP and 20-byte IPv4 headers; RFC 8200: minus 8 only.
    private const int MaxIPv4Payload = 65507;
    private const int MaxIPv6Payload = 65527;

    private DatagramHandler? _handler; // guarded by Host.Network.Gate
    private bool _disposed;            // guarded by Host.Network.Gate

    internal SimulatedDatagramSocket(SimulatedHost host, IPEndPoint localEndPoint)
    {
        Host = host;
        LocalEndPoint = localEndPoint;
    }

    /// <summary>The host the socket is bound on.</summary>
    public SimulatedHost Host { get; }

    /// <inheritdoc />
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The handler, or null before Start or after dispose. Caller holds Network.Gate.</summary>
    internal DatagramHandler? HandlerLocked => _disposed ? null : _handler;

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">Start was already called.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public void Start(DatagramHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (Host.Network.Gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_handler is not null)
            {
                throw new InvalidOperationException("The socket is already started.");
            }

            _handler = handler;
        }
    }

    /// <inheritdoc />
    /// <remarks>Returns true for a datagram the network then loses: loss happens on the link, not locally.</remarks>
    public bool Send(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        int max = remote.AddressFamily == AddressFamily.InterNetworkV6 ? MaxIPv6Payload : MaxIPv4Payload;
        if (remote.AddressFamily != LocalEndPoint.AddressFamily || datagram.Length > max)
        {
            return false;
        }

        lock (Host.Network.Gate)
        {
            if (_disposed)
            {
                return false;
            }
        }

        return Host.Network.Send(this, datagram, remote);
    }

    /// <summary>Unbinds the port at once; datagrams in flight to it are then dropped. Safe to call more than once.</summary>
    public ValueTask DisposeAsync()
    {
        lock (Host.Network.Gate)
        {
            if (!_disposed)
            {
                _disposed = true;
                _handler = null;
                Host.UnbindLocked(this);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override string ToString() => $"sim udp {LocalEndPoint} on {Host.Name}";
}
