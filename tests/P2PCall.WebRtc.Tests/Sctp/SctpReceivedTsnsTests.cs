using P2PCall.WebRtc.Sctp;

namespace P2PCall.WebRtc.Tests.Sctp;

public class SctpReceivedTsnsTests
{
    private static (ushort, ushort)[] Blocks(SctpReceivedTsns tsns)
    {
        var blocks = new (ushort Start, ushort End)[64];
        return blocks[..tsns.WriteGapBlocks(blocks)];
    }

    [Fact]
    public void In_order_tsns_advance_the_cumulative_tsn()
    {
        var tsns = new SctpReceivedTsns(99);
        Assert.True(tsns.Add(100));
        Assert.True(tsns.Add(101));
        Assert.Equal(101u, tsns.Cumulative);
        Assert.False(tsns.HasGaps);
        Assert.False(tsns.Add(101)); // duplicate
        Assert.Empty(Blocks(tsns));
    }

    [Fact]
    public void Gaps_become_gap_ack_blocks_relative_to_the_cumulative_tsn()
    {
        var tsns = new SctpReceivedTsns(0);
        foreach (var t in new uint[] { 1, 3, 4, 7, 9, 10 })
        {
            Assert.True(tsns.Add(t));
        }

        Assert.Equal(1u, tsns.Cumulative);
        Assert.Equal([(2, 3), (6, 6), (8, 9)], Blocks(tsns));
        Assert.True(tsns.Contains(4));
        Assert.False(tsns.Contains(5));
        Assert.True(tsns.Add(2));
        Assert.Equal(4u, tsns.Cumulative);
        Assert.Equal([(3, 3), (5, 6)], Blocks(tsns));
    }

    [Fact]
    public void Wraps_around_at_two_to_the_32()
    {
        var tsns = new SctpReceivedTsns(uint.MaxValue - 1);
        Assert.True(tsns.Add(1));
        Assert.True(tsns.Add(uint.MaxValue));
        Assert.Equal(uint.MaxValue, tsns.Cumulative);
        Assert.Equal([(2, 2)], Blocks(tsns));
        Assert.True(tsns.Add(0));
        Assert.Equal(1u, tsns.Cumulative);
        Assert.False(tsns.HasGaps);
    }

    [Fact]
    public void Tsns_beyond_what_a_gap_block_can_say_are_refused()
    {
        var tsns = new SctpReceivedTsns(10);
        Assert.False(tsns.Add(10 + SctpReceivedTsns.Range + 1));
        Assert.True(tsns.Add(10 + SctpReceivedTsns.Range));
        Assert.False(tsns.Add(5)); // old
    }

    [Fact]
    public void Forward_tsn_skips_and_then_continues_through_what_arrived()
    {
        var tsns = new SctpReceivedTsns(0);
        tsns.Add(5);
        tsns.Add(6);
        tsns.SkipTo(4);
        Assert.Equal(6u, tsns.Cumulative);
        tsns.SkipTo(3); // behind: ignored
        Assert.Equal(6u, tsns.Cumulative);
        tsns.Add(100);
        tsns.SkipTo(200_000);
        Assert.Equal(200_000u, tsns.Cumulative);
        Assert.False(tsns.HasGaps);
        Assert.True(tsns.Add(200_001));
    }
}
