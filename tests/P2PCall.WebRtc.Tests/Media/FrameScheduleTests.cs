using Microsoft.Extensions.Time.Testing;
using P2PCall.WebRtc.Media;

namespace P2PCall.WebRtc.Tests.Media;

public class FrameScheduleTests
{
    /// <summary>A clock whose timestamps do not divide 20 ms evenly (an NTSC-colourburst-like 3.579545 MHz).</summary>
    private sealed class OddFrequencyTime : TimeProvider
    {
        public override long TimestampFrequency => 3_579_545;

        public override long GetTimestamp() => 0;
    }

    [Fact]
    public void Frame_n_is_due_at_start_plus_n_frames_the_boundary_included()
    {
        var time = new FakeTimeProvider();
        var frame = TimeSpan.FromMilliseconds(20).Ticks * time.TimestampFrequency / TimeSpan.TicksPerSecond;
        var schedule = new FrameSchedule(time, TimeSpan.FromMilliseconds(20));
        Assert.False(schedule.IsDue(long.MaxValue - 1));
        Assert.Equal(0, schedule.Take(1_000));

        schedule.Start(1_000);
        Assert.False(schedule.IsDue(999));
        Assert.Equal(0, schedule.Take(999)); // a start in the future: nothing yet
        Assert.True(schedule.IsDue(1_000));
        Assert.Equal(1, schedule.Take(1_000)); // frame 0 at the start itself
        Assert.Equal(0, schedule.Take(1_000));
        Assert.False(schedule.IsDue(1_000 + frame - 1));
        Assert.True(schedule.IsDue(1_000 + frame));
        Assert.Equal(3, schedule.Take(1_000 + (3 * frame) + 1)); // frames 1, 2, 3 after a late tick
        Assert.Equal(1_000 + (4 * frame), schedule.NextDue);

        schedule.Stop();
        Assert.False(schedule.IsStarted);
        Assert.Equal(0, schedule.Take(1_000 + (10 * frame)));
    }

    [Fact]
    public void An_hour_at_a_frequency_that_does_not_divide_the_frame_has_no_drift()
    {
        var schedule = new FrameSchedule(new OddFrequencyTime(), TimeSpan.FromMilliseconds(20));
        schedule.Start(0);
        const long hour = 3_579_545L * 3600;

        Assert.Equal(180_001, schedule.Take(hour)); // frames 0 … 180,000: the last is due at exactly one hour
        Assert.Equal(hour + 71_591, schedule.NextDue); // 20 ms = 71,590.9 stamps, rounded up so it is never early
    }
}
