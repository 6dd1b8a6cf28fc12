using P2PCall.WebRtc.Rtp;

namespace P2PCall.WebRtc.Tests.Rtp;

public class RtpSequenceNumberTests
{
    [Theory]
    [InlineData(1, 0, true)]
    [InlineData(0, 1, false)]
    [InlineData(0, 65535, true)] // wrap
    [InlineData(65535, 0, false)]
    [InlineData(100, 65500, true)]
    [InlineData(5, 5, false)]
    [InlineData(32768, 0, true)] // exactly half: larger value wins
    [InlineData(0, 32768, false)]
    public void IsNewer_is_wrap_aware(int a, int b, bool expected)
    {
        Assert.Equal(expected, RtpSequenceNumber.IsNewer((ushort)a, (ushort)b));
    }

    [Theory]
    [InlineData(65535, 0, 1)]
    [InlineData(0, 65535, -1)]
    [InlineData(10, 20, 10)]
    [InlineData(20, 10, -10)]
    public void Distance_takes_the_short_way_round(int from, int to, int expected)
    {
        Assert.Equal(expected, RtpSequenceNumber.Distance((ushort)from, (ushort)to));
    }

    [Fact]
    public void Unwrapper_counts_cycles_across_wraps_and_maps_reordered_packets_back()
    {
        var unwrapper = new RtpSequenceUnwrapper();
        Assert.Equal(65534, unwrapper.Unwrap(65534));
        Assert.Equal(65535, unwrapper.Unwrap(65535));
        Assert.Equal(65536, unwrapper.Unwrap(0));
        Assert.Equal(65535, unwrapper.Unwrap(65535)); // late packet from the previous cycle
        Assert.Equal(65537, unwrapper.Unwrap(1));
        Assert.Equal(65537, unwrapper.Highest);

        long value = 65537;
        for (int i = 0; i < 5 * 65536; i += 1000)
        {
            value += 1000;
            Assert.Equal(value, unwrapper.Unwrap((ushort)value));
        }

        Assert.Equal(value, unwrapper.Highest);
    }

    [Fact]
    public void Unwrapper_maps_packets_older_than_the_first_below_it_without_moving_the_highest()
    {
        var unwrapper = new RtpSequenceUnwrapper();
        Assert.Equal(5, unwrapper.Unwrap(5));
        Assert.Equal(-1, unwrapper.Unwrap(65535));
        Assert.Equal(5, unwrapper.Highest);
        Assert.Equal(6, unwrapper.Unwrap(6));
    }
}
