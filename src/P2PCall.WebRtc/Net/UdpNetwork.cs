// The machine's real UDP network: lists local addresses from the network interfaces and binds
// UdpDatagramSocket instances on them.
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace P2PCall.WebRtc.Net;

/// <summary>The machine's real UDP network (RFC 768), the production <see cref="IDatagramNetwork"/>.</summary>
public sealed class UdpNetwork : IDatagramNetwork
{
    /// <summary>The default socket buffer size requested for each direction: 4 MiB.</summary>
    /// <remarks>
    /// A burst of media or a bulk data-channel transfer over loopback outruns the receive loop for a
    /// moment; with the kernel's default (about 208 KiB on Linux) datagrams are then dropped at the
    /// receive buffer. The kernel caps the request (Linux: <c>net.core.rmem_max</c> / <c>wmem_max</c>)
    /// without failing, so this is a request, not a guarantee.
    /// </remarks>
    public const int DefaultSocketBufferSize = 4 * 1024 * 1024;

    /// <summary>The shared instance with default settings.</summary>
    public static UdpNetwork Default { get; } = new();

    /// <summary>The receive and send buffer size requested for each socket, in bytes (see <see cref="DefaultSocketBufferSize"/>).</summary>
    public int SocketBufferSize { get; init; } = DefaultSocketBufferSize;

    /// <inheritdoc />
    /// <remarks>
    /// Reads the interfaces that are up (and the loopback interface, which Linux reports with an unknown
    /// status), applies the RFC 8445 §5.1.1.1 rules: no loopback unless <see cref="HostAddressFilter.LoopbackOnly"/>,
    /// no link-local, site-local, IPv4-mapped or IPv4-compatible IPv6. The order is IPv4 first, then IPv6,
    /// each in the operating system's interface order.
    /// </remarks>
    public IReadOnlyList<IPAddress> GetLocalAddresses(HostAddressFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return HostAddressRules.Select(EnumerateInterfaceAddresses(), filter);
    }

    /// <inheritdoc />
    /// <exception cref="SocketException">The address is not local or the port is in use.</exception>
    public IDatagramSocket Bind(IPEndPoint localEndPoint)
    {
        ArgumentNullException.ThrowIfNull(localEndPoint);
        return UdpDatagramSocket.Bind(localEndPoint, SocketBufferSize);
    }

    private static IEnumerable<(string, IPAddress)> EnumerateInterfaceAddresses()
    {
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            bool usable = nic.OperationalStatus == OperationalStatus.Up
                || (nic.NetworkInterfaceType == NetworkInterfaceType.Loopback && nic.OperationalStatus == OperationalStatus.Unknown);
            if (!usable)
            {
                continue;
            }

            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                yield return (nic.Name, unicast.Address);
            }
        }
    }
}
