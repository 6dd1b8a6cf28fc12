// Tests of the RFC 8445 §5.1.1.1 host-candidate address rules and the address ordering.
using System.Net;
using P2PCall.WebRtc.Net;

namespace P2PCall.WebRtc.Tests.Net;

public class HostAddressRulesTests
{
    private static readonly HostAddressFilter Default = new();

    [Theory]
    [InlineData("192.0.2.2", true)]
    [InlineData("169.254.10.1", true)]   // IPv4 link-local is not excluded by RFC 8445
    [InlineData("2001:db8::5", true)]
    [InlineData("fd00::2", true)]        // unique local addresses are fine
    [InlineData("127.0.0.1", false)]     // RFC 8445 §5.1.1.1: no loopback
    [InlineData("127.1.2.3", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::fc:ff:fe00:1", false)] // link-local IPv6 never gathered (documented choice)
    [InlineData("fec0::1", false)]       // site-local MUST NOT
    [InlineData("::ffff:192.0.2.2", false)] // IPv4-mapped SHOULD NOT
    [InlineData("::192.0.2.2", false)]   // IPv4-compatible MUST NOT
    [InlineData("0.0.0.0", false)]
    [InlineData("::", false)]
    public void Default_filter_applies_rfc8445_host_candidate_rules(string address, bool expected)
    {
        Assert.Equal(expected, HostAddressRules.IsCandidateAddress(IPAddress.Parse(address), Default));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.0.0.53", true)]
    [InlineData("::1", true)]
    [InlineData("192.0.2.2", false)]
    [InlineData("fd00::2", false)]
    public void LoopbackOnly_filter_keeps_only_loopback(string address, bool expected)
    {
        Assert.Equal(expected, HostAddressRules.IsCandidateAddress(IPAddress.Parse(address), new HostAddressFilter { LoopbackOnly = true }));
    }

    [Fact]
    public void LoopbackOnly_without_ipv6_keeps_only_ipv4_loopback()
    {
        var filter = new HostAddressFilter { LoopbackOnly = true, IncludeIPv6 = false };
        Assert.True(HostAddressRules.IsCandidateAddress(IPAddress.Loopback, filter));
        Assert.False(HostAddressRules.IsCandidateAddress(IPAddress.IPv6Loopback, filter));
    }

    [Fact]
    public void Select_puts_ipv4_first_keeps_interface_order_and_removes_duplicates()
    {
        var input = new (string, IPAddress)[]
        {
            ("eth0", IPAddress.Parse("2001:db8::1")),
            ("eth0", IPAddress.Parse("192.0.2.9")),
            ("wlan0", IPAddress.Parse("198.51.100.7")),
            ("wlan0", IPAddress.Parse("fd00::7")),
            ("eth1", IPAddress.Parse("192.0.2.9")),
            ("lo", IPAddress.Loopback),
        };

        var selected = HostAddressRules.Select(input, Default);

        Assert.Equal(
            ["192.0.2.9", "198.51.100.7", "2001:db8::1", "fd00::7"],
            selected.Select(a => a.ToString()));
    }

    [Fact]
    public void Select_honours_interface_names_and_ipv6_switch()
    {
        var input = new (string, IPAddress)[]
        {
            ("eth0", IPAddress.Parse("192.0.2.9")),
            ("eth0", IPAddress.Parse("2001:db8::1")),
            ("wlan0", IPAddress.Parse("198.51.100.7")),
        };

        var onlyEth0 = HostAddressRules.Select(input, new HostAddressFilter { InterfaceNames = ["ETH0"] });
        var noIPv6 = HostAddressRules.Select(input, new HostAddressFilter { IncludeIPv6 = false });

        Assert.Equal(["192.0.2.9", "2001:db8::1"], onlyEth0.Select(a => a.ToString()));
        Assert.Equal(["192.0.2.9", "198.51.100.7"], noIPv6.Select(a => a.ToString()));
    }
}
