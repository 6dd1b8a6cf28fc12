using System.Net;
using P2PCall.WebRtc.Net;

namespace P2PCall.WebRtc.Tests.Net;

/// <summary>The interface list is read once and reused; each call still applies its own filter to it.</summary>
public class UdpNetworkAddressTests
{
    [Fact]
    public void Repeated_gathering_gives_the_same_addresses_filtered_per_call()
    {
        IReadOnlyList<IPAddress> first = UdpNetwork.Default.GetLocalAddresses(new HostAddressFilter { LoopbackOnly = true });
        IReadOnlyList<IPAddress> second = UdpNetwork.Default.GetLocalAddresses(new HostAddressFilter { LoopbackOnly = true });
        IReadOnlyList<IPAddress> public_ = UdpNetwork.Default.GetLocalAddresses(new HostAddressFilter());

        Assert.Equal(first, second);
        Assert.Contains(IPAddress.Loopback, first);
        Assert.All(first, a => Assert.True(IPAddress.IsLoopback(a)));
        Assert.DoesNotContain(public_, IPAddress.IsLoopback); // RFC 8445 §5.1.1.1, applied to the cached list too
    }
}
