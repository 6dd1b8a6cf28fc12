using System.Net;
using P2PCall.WebRtc.Ice;

namespace P2PCall.WebRtc.Tests.Ice;

public class IcePriorityTests
{
    [Fact]
    public void Candidate_priority_follows_the_rfc_8445_formula()
    {
        // RFC 8445 §5.1.2.1: 2^24 * 126 + 2^8 * 65535 + (256 - 1)
        Assert.Equal(2130706431u, IcePriority.Candidate(IcePriority.HostTypePreference, 65535, 1));
        Assert.Equal((100u << 24) + (65535u << 8) + 255u, IcePriority.Candidate(IcePriority.ServerReflexiveTypePreference, 65535, 1));
    }

    [Fact]
    public void Pair_priority_follows_the_rfc_8445_formula_and_is_symmetric_across_agents()
    {
        uint g = 2130706431, d = 1694498815;
        ulong expected = ((ulong)d << 32) + (2UL * g) + 1;
        Assert.Equal(expected, IcePriority.Pair(g, d));
        Assert.Equal(((ulong)d << 32) + (2UL * g), IcePriority.Pair(d, g));
    }

    [Fact]
    public void Foundation_is_shared_by_same_type_base_and_server_only()
    {
        string a = IcePriority.Foundation(IceCandidateType.Host, IPAddress.Loopback, null);
        Assert.Equal(a, IcePriority.Foundation(IceCandidateType.Host, IPAddress.Loopback, null));
        Assert.NotEqual(a, IcePriority.Foundation(IceCandidateType.Host, IPAddress.IPv6Loopback, null));
        Assert.NotEqual(a, IcePriority.Foundation(IceCandidateType.ServerReflexive, IPAddress.Loopback, "stun:x"));
        Assert.All(a, c => Assert.True(char.IsAsciiDigit(c)));
    }

    [Fact]
    public void Generated_credentials_meet_rfc_8445_lengths_and_alphabet()
    {
        string ufrag = IceCredentials.NewUfrag(), pwd = IceCredentials.NewPassword();
        Assert.True(IceCredentials.IsValid(ufrag, 4));
        Assert.True(IceCredentials.IsValid(pwd, 22));
        Assert.NotEqual(pwd, IceCredentials.NewPassword());
        Assert.False(IceCredentials.IsValid("ab:c", 4));
    }

    [Theory]
    [InlineData("stun:127.0.0.1:3478", "127.0.0.1", 3478)]
    [InlineData("stun:stun.example.org", "stun.example.org", 3478)]
    [InlineData("stun:[::1]:19302", "::1", 19302)]
    [InlineData("STUN:host:1?transport=udp", "host", 1)]
    public void Parses_stun_urls(string url, string host, int port)
    {
        Assert.True(IceServerUrl.TryParse(url, out string h, out int p));
        Assert.Equal(host, h);
        Assert.Equal(port, p);
    }

    [Theory]
    [InlineData("turn:host:3478")]
    [InlineData("stun:")]
    [InlineData("stun:host:0")]
    [InlineData("stun:host:x")]
    [InlineData("stun:[::1")]
    public void Rejects_bad_stun_urls(string url) => Assert.False(IceServerUrl.TryParse(url, out _, out _));
}
