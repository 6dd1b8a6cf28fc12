using Microsoft.Extensions.Time.Testing;
using P2PCall.WebRtc.Rtcp;

namespace P2PCall.WebRtc.Tests.Rtcp;

public class RtcpTimeTests
{
    [Fact]
    public void Round_trip_time_matches_the_rfc_3550_example()
    {
        // RFC 3550 §6.4.1 figure: A = 0xb710:8000 (46864.500 s), LSR = 0xb705:2000 (46853.125 s),
        // DLSR = 0x0005:4000 (5.250 s) → RTT = 0x0006:2000 (6.125 s).
        Assert.True(RtcpRoundTrip.TryCompute(0xB7108000, 0xB7052000, 0x00054000, out TimeSpan rtt));
        Assert.Equal(TimeSpan.FromSeconds(6.125), rtt);
    }

    [Fact]
    public void Round_trip_time_works_across_the_16_bit_seconds_wrap()
    {
        // LSR just before the middle-32 wrap, A just after it.
        Assert.True(RtcpRoundTrip.TryCompute(0x00000800, 0xFFFF0000, 0x00000400, out TimeSpan rtt));
        Assert.Equal(NtpTimestamp.CompactToTimeSpan(0x00010400), rtt);
    }

    [Fact]
    public void No_round_trip_time_without_an_sr_and_small_negatives_clamp_to_zero()
    {
        Assert.False(RtcpRoundTrip.TryCompute(0xB7108000, 0, 0, out _));
        Assert.True(RtcpRoundTrip.TryCompute(0x00010000, 0x00010000, 0x00000010, out TimeSpan rtt));
        Assert.Equal(TimeSpan.Zero, rtt);
        Assert.False(RtcpRoundTrip.TryCompute(0x00010000, 0x00010000, 0x00100000, out _)); // 16 s negative: bogus
    }

    [Fact]
    public void Ntp_timestamps_convert_from_and_to_wallclock_time()
    {
        // 1970-01-01 is 2 208 988 800 s after the NTP epoch.
        NtpTimestamp unixEpoch = NtpTimestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch.AddMilliseconds(500));
        Assert.Equal(2208988800u, unixEpoch.Seconds);
        Assert.Equal(0x80000000u, unixEpoch.Fraction);
        Assert.Equal(unchecked((uint)((2208988800UL << 16) | 0x8000)), unixEpoch.Middle32);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddMilliseconds(500), unixEpoch.ToDateTimeOffset());

        var time = new DateTimeOffset(2026, 11, 25, 7, 0, 0, 123, TimeSpan.Zero);
        Assert.Equal(time, NtpTimestamp.FromDateTimeOffset(time).ToDateTimeOffset());
    }

    [Fact]
    public void Ntp_seconds_wrap_in_2036_and_era_1_converts_back()
    {
        var wrap = new DateTimeOffset(2036, 2, 7, 6, 28, 16, TimeSpan.Zero);
        NtpTimestamp atWrap = NtpTimestamp.FromDateTimeOffset(wrap);
        Assert.Equal(0u, atWrap.Seconds);
        Assert.Equal(wrap, atWrap.ToDateTimeOffset());
        Assert.Equal(wrap.AddSeconds(-1), NtpTimestamp.FromDateTimeOffset(wrap.AddSeconds(-1)).ToDateTimeOffset());
        Assert.Equal(uint.MaxValue, NtpTimestamp.FromDateTimeOffset(wrap.AddSeconds(-1)).Seconds);
    }

    [Fact]
    public void Now_reads_the_time_provider()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        NtpTimestamp before = NtpTimestamp.Now(time);
        time.Advance(TimeSpan.FromSeconds(1.5));
        NtpTimestamp after = NtpTimestamp.Now(time);
        Assert.Equal(0x00018000u, after.Middle32 - before.Middle32);
    }

    [Fact]
    public void Compact_ntp_units_convert_both_ways()
    {
        Assert.Equal(TimeSpan.FromSeconds(0.5), NtpTimestamp.CompactToTimeSpan(0x8000));
        Assert.Equal(0x00054000u, NtpTimestamp.TimeSpanToCompact(TimeSpan.FromSeconds(5.25)));
        Assert.Equal(0u, NtpTimestamp.TimeSpanToCompact(TimeSpan.FromSeconds(-1)));
        Assert.Equal(uint.MaxValue, NtpTimestamp.TimeSpanToCompact(TimeSpan.FromDays(2)));
    }

    [Fact]
    public void Deterministic_interval_follows_rfc_3550_with_our_minimum()
    {
        TimeSpan min = RtcpInterval.DefaultMinimumInterval;

        // Two-party call: the bandwidth term is tiny, so the minimum (halved initially) rules.
        Assert.Equal(TimeSpan.FromSeconds(0.5), RtcpInterval.ComputeDeterministic(2, 2, 12500, true, 100, initial: true, min));
        Assert.Equal(TimeSpan.FromSeconds(1), RtcpInterval.ComputeDeterministic(2, 2, 12500, true, 100, initial: false, min));

        // Large group, receivers share 75 %: 100 members, 1 sender, 200 octets, 1000 octets/s → 200 * 99 / 750 s.
        Assert.Equal(200.0 * 99 / 750, RtcpInterval.ComputeDeterministic(100, 1, 1000, false, 200, false, min).TotalSeconds, 6);

        // ... and the sender shares 25 %: 200 * 1 / 250 s = 0.8 s → minimum 1 s.
        Assert.Equal(1.0, RtcpInterval.ComputeDeterministic(100, 1, 1000, true, 200, false, min).TotalSeconds, 6);

        // Many senders: everyone shares all the bandwidth: 200 * 10 / 100 = 20 s.
        Assert.Equal(20.0, RtcpInterval.ComputeDeterministic(10, 5, 100, true, 200, false, min).TotalSeconds, 6);
    }

    [Fact]
    public void Randomised_interval_stays_within_half_and_one_and_a_half_times()
    {
        var random = new Random(36);
        TimeSpan td = TimeSpan.FromSeconds(1);
        double low = double.MaxValue;
        double high = 0;
        for (int i = 0; i < 1000; i++)
        {
            double t = RtcpInterval.Randomize(td, random).TotalSeconds;
            Assert.InRange(t, 0.5, 1.5);
            low = Math.Min(low, t);
            high = Math.Max(high, t);
        }

        Assert.True(low < 0.6 && high > 1.4);
    }
}
