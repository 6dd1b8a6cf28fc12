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
        return HostAddressRules.Select(InterfaceAddresses.Get(), filter);
    }

    /// <inheritdoc />
    /// <exception cref="SocketException">The address is not local or the port is in use.</exception>
    public IDatagramSocket Bind(IPEndPoint localEndPoint)
    {
        ArgumentNullException.ThrowIfNull(localEndPoint);
        return UdpDatagramSocket.Bind(localEndPoint, SocketBufferSize);
    }

    /// <summary>
    /// The interfaces' addresses, read once and kept until the operating system reports an address or
    /// availability change, or for <see cref="MaxAge"/> at most: reading them costs ~0.35 ms on Linux, paid by
    /// every gathering otherwise (Chromium's network manager keeps the list the same way).
    /// </summary>
    private static class InterfaceAddresses
    {
        private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);
        private static readonly Lock Gate = new();
        private static (long At, (string, IPAddress)[] Addresses)? _cached;
        private static bool _watching;
        private static int _generation;

        public static (string, IPAddress)[] Get()
        {
            TimeProvider clock = TimeProvider.System;
            int generation;
            lock (Gate)
            {
                if (_cached is { } c && clock.GetElapsedTime(c.At) < MaxAge)
                {
                    return c.Addresses;
                }

                generation = _generation;
            }

            long at = clock.GetTimestamp();
            (string, IPAddress)[] fresh = [.. EnumerateInterfaceAddresses()];
            lock (Gate)
            {
                if (generation == _generation)
                {
                    _cached = (at, fresh); // not if a change was reported while reading
                }

                if (!_watching)
                {
                    _watching = true;
                    NetworkChange.NetworkAddressChanged += (_, _) => Invalidate();
                    NetworkChange.NetworkAvailabilityChanged += (_, _) => Invalidate();
                }
            }

            return fresh;
        }

        private static void Invalidate()
        {
            lock (Gate)
            {
                _cached = null;
                _generation++;
            }
        }
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
