using System.Net;
using P2PCall.WebRtc.Ice;

namespace P2PCall.WebRtc.Tests.Ice;

public class IceCandidateTests
{
    private const string Chromium = "candidate:3798267689 1 udp 2122260223 127.0.0.1 37540 typ host generation 0 ufrag J9tx network-id 1 network-cost 50";

    [Fact]
    public void Parses_chromium_host_candidate_and_writes_it_back_exactly()
    {
        IceCandidate c = IceCandidate.Parse(Chromium);
        Assert.Equal("3798267689", c.Foundation);
        Assert.Equal(1, c.Component);
        Assert.True(c.IsUdp);
        Assert.Equal(2122260223u, c.Priority);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 37540), c.EndPoint);
        Assert.Equal(IceCandidateType.Host, c.Type);
        Assert.Equal("J9tx", c.UsernameFragment);
        Assert.Equal("50", c.GetExtension("network-cost"));
        Assert.Equal(Chromium, c.ToString());
    }

    [Fact]
    public void Parses_without_the_candidate_prefix_and_with_the_sdp_prefix()
    {
        Assert.Equal(Chromium, IceCandidate.Parse(Chromium["candidate:".Length..]).ToString());
        Assert.Equal(Chromium, IceCandidate.Parse("a=" + Chromium + "\r\n").ToString());
    }

    [Fact]
    public void Parses_srflx_with_related_address()
    {
        const string text = "candidate:842163049 1 udp 1677729535 203.0.113.7 61000 typ srflx raddr 10.0.0.2 rport 50000 generation 0 ufrag abcd network-cost 999";
        IceCandidate c = IceCandidate.Parse(text);
        Assert.Equal(IceCandidateType.ServerReflexive, c.Type);
        Assert.Equal("10.0.0.2", c.RelatedAddress);
        Assert.Equal(50000, c.RelatedPort);
        Assert.Equal(text, c.ToString());
    }

    [Fact]
    public void Parses_tcp_candidate_with_tcptype()
    {
        IceCandidate c = IceCandidate.Parse("candidate:1 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active generation 0");
        Assert.False(c.IsUdp);
        Assert.Equal("active", c.TcpType);
    }

    [Fact]
    public void Parses_mdns_hostname_and_ipv6()
    {
        IceCandidate m = IceCandidate.Parse("candidate:2 1 UDP 2122252543 0d7b1f5c-4a3e-4a5e-9f7e-1b2c3d4e5f60.local 54321 typ host");
        Assert.True(m.IsMdns);
        Assert.Null(m.EndPoint);
        Assert.Equal("udp", m.Transport);

        IceCandidate v6 = IceCandidate.Parse("candidate:3 1 udp 2122262783 ::1 40000 typ host");
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 40000), v6.EndPoint);
    }

    [Fact]
    public void Keeps_unknown_extensions_in_order()
    {
        const string text = "candidate:1 1 udp 1 10.0.0.1 1000 typ prflx x-future abc generation 2";
        IceCandidate c = IceCandidate.Parse(text);
        Assert.Equal(IceCandidateType.PeerReflexive, c.Type);
        Assert.Equal("x-future", c.Extensions[0].Key);
        Assert.Equal(text, c.ToString());
    }

    [Theory]
    [InlineData("", IceCandidateParseError.Empty)]
    [InlineData("candidate:", IceCandidateParseError.Empty)]
    [InlineData("candidate:1 1 udp 1 10.0.0.1 1000", IceCandidateParseError.MissingFields)]
    [InlineData("candidate:1 1 udp 1 10.0.0.1 1000 host", IceCandidateParseError.MissingType)]
    [InlineData("candidate:1 1 udp 1 10.0.0.1 1000 type host", IceCandidateParseError.MissingType)]
    [InlineData("candidate:1 0 udp 1 10.0.0.1 1000 typ host", IceCandidateParseError.InvalidComponent)]
    [InlineData("candidate:1 x udp 1 10.0.0.1 1000 typ host", IceCandidateParseError.InvalidComponent)]
    [InlineData("candidate:f*o 1 udp 1 10.0.0.1 1000 typ host", IceCandidateParseError.InvalidFoundation)]
    [InlineData("candidate:1 1 udp 4294967296 10.0.0.1 1000 typ host", IceCandidateParseError.InvalidPriority)]
    [InlineData("candidate:1 1 udp -1 10.0.0.1 1000 typ host", IceCandidateParseError.InvalidPriority)]
    [InlineData("candidate:1 1 udp 1 10.0.0.1 65536 typ host", IceCandidateParseError.InvalidPort)]
    [InlineData("candidate:1 1 udp 1 bad/host 1000 typ host", IceCandidateParseError.InvalidAddress)]
    [InlineData("candidate:1 1 udp 1 10.0.0.1 1000 typ relayed", IceCandidateParseError.InvalidType)]
    [InlineData("candidate:1 1 udp 1 10.0.0.1 1000 typ srflx raddr 10.0.0.2 rport x", IceCandidateParseError.InvalidRelatedAddress)]
    [InlineData("candidate:1 1 udp 1 10.0.0.1 1000 typ host generation", IceCandidateParseError.InvalidExtension)]
    [InlineData("candidate:1 1 u@p 1 10.0.0.1 1000 typ host", IceCandidateParseError.InvalidTransport)]
    public void Rejects_malformed_lines_with_a_typed_reason(string text, IceCandidateParseError expected)
    {
        Assert.False(IceCandidate.TryParse(text, out _, out IceCandidateParseError error));
        Assert.Equal(expected, error);
        Assert.Throws<FormatException>(() => IceCandidate.Parse(text));
    }

    [Fact]
    public void Every_truncation_parses_or_fails_cleanly()
    {
        for (int n = 0; n < Chromium.Length; n++)
        {
            if (IceCandidate.TryParse(Chromium[..n], out IceCandidate? c, out IceCandidateParseError error))
            {
                Assert.Equal(IceCandidateParseError.None, error);
                Assert.NotNull(c);
            }
            else
            {
                Assert.NotEqual(IceCandidateParseError.None, error);
            }
        }
    }

    [Fact]
    public void Random_garbage_never_throws()
    {
        var random = new Random(8839);
        const string alphabet = "candidte:0123456789 udpthosrflx.:raddrport-/";
        for (int i = 0; i < 5000; i++)
        {
            char[] chars = Chromium.ToCharArray();
            for (int e = 0; e < 1 + random.Next(5); e++)
            {
                chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            }

            _ = IceCandidate.TryParse(new string(chars), out _, out _);
        }
    }
}
