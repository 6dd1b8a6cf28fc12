// A virtual host on a SimulatedNetwork: its addresses, its bound sockets and ephemeral ports, and
// whether it is up. It is the IDatagramNetwork a stack under test is given.
using System.Net;
using System.Net.Sockets;

namespace P2PCall.WebRtc.Net;

/// <summary>A virtual host on a <see cref="SimulatedNetwork"/>; give it to the stack under test as its network.</summary>
public sealed class SimulatedHost : IDatagramNetwork
{
    /// <summary>The name of the one virtual interface that holds all of a host's addresses (for <see cref="HostAddressFilter.InterfaceNames"/>).</summary>
    public const string InterfaceName = "sim0";

    /// <summary>The first port handed out for port 0: the start of the dynamic range (RFC 6335 §6).</summary>
    internal const int FirstEphemeralPort = 49152;

    private readonly IPAddress[] _addresses;
    private readonly Dictionary<(IPAddress Address, int Port), SimulatedDatagramSocket> _sockets = []; // guarded by Network.Gate
    private int _nextEphemeralPort = FirstEphemeralPort;
    private volatile bool _isUp = true;

    internal SimulatedHost(SimulatedNetwork network, string name, IPAddress[] addresses)
    {
        Network = network;
        Name = name;
        _addresses = addresses;
    }

    /// <summary>The network the host is on.</summary>
    public SimulatedNetwork Network { get; }

    /// <summary>The host's name, for diagnostics.</summary>
    public string Name { get; }

    /// <summary>The host's virtual addresses, in the order given.</summary>
    public IReadOnlyList<IPAddress> Addresses => _addresses;

    /// <summary>
    /// Whether the host is up. A host that is down sends nothing (Send returns false) and receives
    /// nothing, including datagrams already in flight to it. Its sockets stay bound.
    /// </summary>
    public bool IsUp
    {
        get => _isUp;
        set => _isUp = value;
    }

    /// <inheritdoc />
    /// <remarks>The same RFC 8445 §5.1.1.1 rules as the real network, applied to the host's addresses.</remarks>
    public IReadOnlyList<IPAddress> GetLocalAddresses(HostAddressFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return HostAddressRules.Select(_addresses.Select(static a => (InterfaceName, a)), filter);
    }

    /// <inheritdoc />
    /// <remarks>The address must be one of the host's (no wildcard). Port 0 takes the next free port from 49152 up, in order.</remarks>
    /// <exception cref="SocketException">The address is not the host's (AddressNotAvailable) or the port is taken (AddressAlreadyInUse).</exception>
    public IDatagramSocket Bind(IPEndPoint localEndPoint)
    {
        ArgumentNullException.ThrowIfNull(localEndPoint);
        lock (Network.Gate)
        {
            var address = Array.Find(_addresses, a => a.Equals(localEndPoint.Address))
                ?? throw new SocketException((int)SocketError.AddressNotAvailable);
            int port = localEndPoint.Port == 0 ? AllocatePortLocked(address) : localEndPoint.Port;
            if (_sockets.ContainsKey((address, port)))
            {
                throw new SocketException((int)SocketError.AddressAlreadyInUse);
            }

            var socket = new SimulatedDatagramSocket(this, new IPEndPoint(address, port));
            _sockets.Add((address, port), socket);
            return socket;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({string.Join(", ", (object[])_addresses)})";

    /// <summary>Removes a disposed socket's binding. Caller holds Network.Gate.</summary>
    internal void UnbindLocked(SimulatedDatagramSocket socket)
    {
        var key = (socket.LocalEndPoint.Address, socket.LocalEndPoint.Port);
        if (_sockets.TryGetValue(key, out var bound) && ReferenceEquals(bound, socket))
        {
            _sockets.Remove(key);
        }
    }

    /// <summary>The handler of the started socket bound to <paramref name="endPoint"/>, if any. Caller holds Network.Gate.</summary>
    internal DatagramHandler? FindHandlerLocked(IPEndPoint endPoint) =>
        _sockets.TryGetValue((endPoint.Address, endPoint.Port), out var socket) ? socket.HandlerLocked : null;

    private int AllocatePortLocked(IPAddress address)
    {
        const int rangeSize = IPEndPoint.MaxPort - FirstEphemeralPort + 1;
        for (int i = 0; i < rangeSize; i++)
        {
            int port = _nextEphemeralPort;
            _nextEphemeralPort = port == IPEndPoint.MaxPort ? FirstEphemeralPort : port + 1;
            if (!_sockets.ContainsKey((address, port)))
            {
                return port;
            }
        }

        throw new SocketException((int)SocketError.AddressAlreadyInUse);
    }
}
