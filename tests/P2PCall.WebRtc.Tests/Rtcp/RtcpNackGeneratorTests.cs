using Microsoft.Extensions.Time.Testing;
using P2PCall.WebRtc.Rtcp;

namespace P2PCall.WebRtc.Tests.Rtcp;

public sealed class RtcpNackGeneratorTests
{
    private static ushort[] Due(RtcpNackGenerator g, out bool gaveUp)
    {
        Span<ushort> buffer = stackalloc ushort[64];
        var due = g.Collect(buffer);
        gaveUp = due.GaveUp;
        return buffer[..due.Count].ToArray();
    }

    [Fact]
    public void A_gap_is_asked_for_at_once_oldest_first_across_the_wrap()
    {
        var g = new RtcpNackGenerator(new FakeTimeProvider());
        g.OnPacket(65533);
        g.OnPacket(1); // 65534, 65535, 0 missing

        Assert.Equal([65534, 65535, 0], Due(g, out var gaveUp));
        Assert.False(gaveUp);
        Assert.Empty(Due(g, out _)); // not again before the retry interval
        Assert.Equal(3, g.MissingCount);
    }

    [Fact]
    public void A_missing_packet_is_asked_again_each_interval_then_abandoned()
    {
        var time = new FakeTimeProvider();
        var g = new RtcpNackGenerator(time) { RetryInterval = TimeSpan.FromMilliseconds(30), MaxRetries = 3 };
        g.OnPacket(10);
        g.OnPacket(12);

        Assert.Equal([11], Due(g, out _));
        time.Advance(TimeSpan.FromMilliseconds(29));
        Assert.Empty(Due(g, out _));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([11], Due(g, out _));
        time.Advance(TimeSpan.FromMilliseconds(30));
        Assert.Equal([11], Due(g, out _));
        time.Advance(TimeSpan.FromMilliseconds(30));
        Assert.Empty(Due(g, out var gaveUp));

        Assert.True(gaveUp);
        Assert.Equal(1, g.Abandoned);
        Assert.Equal(0, g.MissingCount);
        Assert.Equal(3, g.Requested);
    }

    [Fact]
    public void A_late_or_retransmitted_packet_is_forgotten_and_counted()
    {
        var g = new RtcpNackGenerator(new FakeTimeProvider());
        g.OnPacket(1);
        g.OnPacket(5);
        Assert.Equal([2, 3, 4], Due(g, out _));

        g.OnPacket(3);
        g.OnPacket(3); // a duplicate changes nothing

        Assert.Equal(1, g.Recovered);
        Assert.Equal(2, g.MissingCount);
    }

    [Fact]
    public void Packets_older_than_the_max_age_are_abandoned()
    {
        var time = new FakeTimeProvider();
        var g = new RtcpNackGenerator(time) { MaxAge = TimeSpan.FromMilliseconds(100), RetryInterval = TimeSpan.FromSeconds(10) };
        g.OnPacket(1);
        g.OnPacket(3);
        Assert.Equal([2], Due(g, out _));

        time.Advance(TimeSpan.FromMilliseconds(101));
        Assert.Empty(Due(g, out var gaveUp));
        Assert.True(gaveUp);
    }

    [Fact]
    public void A_gap_larger_than_the_capacity_is_abandoned_whole()
    {
        var g = new RtcpNackGenerator(new FakeTimeProvider(), capacity: 8);
        g.OnPacket(100);
        g.OnPacket(120);

        Assert.Empty(Due(g, out var gaveUp));
        Assert.True(gaveUp);
        Assert.Equal(19, g.Abandoned);
    }

    [Fact]
    public void When_full_the_oldest_missing_packet_makes_room()
    {
        var g = new RtcpNackGenerator(new FakeTimeProvider(), capacity: 4);
        g.OnPacket(0);
        g.OnPacket(4); // 1, 2, 3
        g.OnPacket(7); // 5, then 6 pushes out 1

        Assert.Equal([2, 3, 5, 6], Due(g, out var gaveUp));
        Assert.True(gaveUp);
        Assert.Equal(1, g.Abandoned);
    }
}
