// Decides which local addresses may become ICE host candidates (RFC 8445 §5.1.1.1) and orders them.
// Shared by the real UDP network and the simulated hosts so both apply the same rules.
using System.Net;
using System.Net.Sockets;

namespace P2PCall.WebRtc.Net;

/// <summary>The host-candidate address rules of RFC 8445 §5.1.1.1, applied to one address at a time.</summary>
internal static class HostAddressRules
{
    /// <summary>Whether <paramref name="address"/> may be offered as a host candidate under <paramref name="filter"/>.</summary>
    public static bool IsCandidateAddress(IPAddress address, HostAddressFilter filter)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(filter);

        bool loopback = IPAddress.IsLoopback(address);
        if (filter.LoopbackOnly)
        {
            // Test and same-machine mode: the opposite of the RFC rule below, on purpose.
            return loopback && (address.AddressFamily == AddressFamily.InterNetwork || filter.IncludeIPv6);
        }

        // RFC 8445 §5.1.1.1: addresses from a loopback interface MUST NOT be included.
        if (loopback)
        {
            return false;
        }

        switch (address.AddressFamily)
        {
            case AddressFamily.InterNetwork:
                // 0.0.0.0 is not an address a peer can reach. IPv4 link-local (169.254/16) is not
                // excluded by RFC 8445, so it is kept: two hosts on one cable can use it.
                return !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.Broadcast);

            case AddressFamily.InterNetworkV6:
                if (!filter.IncludeIPv6 || address.Equals(IPAddress.IPv6Any) || address.IsIPv6Multicast)
                {
                    return false;
                }

                // RFC 8445 §5.1.1.1: IPv6 site-local unicast addresses (RFC 3879) MUST NOT be included.
                if (address.IsIPv6SiteLocal)
                {
                    return false;
                }

                // RFC 8445 §5.1.1.1: IPv4-mapped IPv6 addresses SHOULD NOT be included unless the
                // application is IPv6-only; ours is not (IPv4 candidates are gathered natively).
                if (address.IsIPv4MappedToIPv6)
                {
                    return false;
                }

                // RFC 8445 §5.1.1.1: deprecated IPv4-compatible IPv6 addresses (::a.b.c.d, RFC 4291 §2.5.5.1) MUST NOT be included.
                if (IsIPv4Compatible(address))
                {
                    return false;
                }

                // RFC 8445 §5.1.1.1: when privacy (temporary, RFC 7721) IPv6 addresses are gathered,
                // link-local IPv6 addresses MUST NOT be. .NET cannot tell temporary addresses apart on
                // Linux, and a link-local address also needs a scope id that an SDP candidate line cannot
                // carry, so link-local IPv6 (fe80::/10) is never gathered.
                return !address.IsIPv6LinkLocal;

            default:
                return false;
        }
    }

    /// <summary>
    /// Filters and orders addresses: IPv4 first, then IPv6, each family in the given order, without duplicates.
    /// </summary>
    /// <param name="addresses">Candidate addresses with the name of the interface that holds each.</param>
    /// <param name="filter">Which addresses qualify.</param>
    public static IReadOnlyList<IPAddress> Select(IEnumerable<(string InterfaceName, IPAddress Address)> addresses, HostAddressFilter filter)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(filter);

        var v4 = new List<IPAddress>();
        var v6 = new List<IPAddress>();
        foreach (var (interfaceName, address) in addresses)
        {
            if (filter.InterfaceNames.Count > 0 && !ContainsName(filter.InterfaceNames, interfaceName))
            {
                continue;
            }

            if (!IsCandidateAddress(address, filter))
            {
                continue;
            }

            var list = address.AddressFamily == AddressFamily.InterNetwork ? v4 : v6;
            if (!list.Contains(address))
            {
                list.Add(address);
            }
        }

        v4.AddRange(v6);
        return v4;
    }

    private static bool ContainsName(IReadOnlyCollection<string> names, string name)
    {
        foreach (var candidate in names)
        {
            if (string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsIPv4Compatible(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out _))
        {
            return false;
        }

        // ::a.b.c.d has 96 zero bits first; :: and ::1 are not IPv4-compatible addresses.
        return bytes[..12].IndexOfAnyExcept((byte)0) < 0 && bytes[12..].IndexOfAnyExcept((byte)0) >= 0
            && !(bytes[12] == 0 && bytes[13] == 0 && bytes[14] == 0);
    }
}
