using Microsoft.Extensions.Time.Testing;
using P2PCall.WebRtc.Rtp;

namespace P2PCall.WebRtc.Tests.Rtp;

public class RtpReceiverStatisticsTests
{
    private const uint Ssrc = 0x1234;
    private const int ClockRate = 8000;

    private static RtpReceiverStatistics Create(int minSequential = 0, FakeTimeProvider? time = null) =>
        new(Ssrc, ClockRate, time ?? new FakeTimeProvider(), minSequential);

    private static void Feed(RtpReceiverStatistics stats, params int[] sequenceNumbers)
    {
        foreach (int seq in sequenceNumbers)
        {
            stats.OnPacketReceived((ushort)seq, (uint)(seq * 160), (uint)(seq * 160));
        }
    }

    [Fact]
    public void A_new_source_is_on_probation_until_two_sequential_packets_arrive()
    {
        RtpReceiverStatistics stats = Create(RtpReceiverStatistics.DefaultMinSequential);
        Assert.Equal(RtpReceiveOutcome.InProbation, stats.OnPacketReceived(10, 0, 0));
        Assert.False(stats.IsValid);
        Assert.Equal(RtpReceiveOutcome.InProbation, stats.OnPacketReceived(20, 0, 0)); // not sequential: restart probation
        Assert.Equal(RtpReceiveOutcome.Accepted, stats.OnPacketReceived(21, 160, 160));
        Assert.True(stats.IsValid);

        // RFC 3550 A.1: counting starts at the packet that ended probation.
        Assert.Equal(1, stats.PacketsReceived);
        Assert.Equal(1, stats.PacketsExpected);
        Assert.Equal(21u, stats.ExtendedHighestSequenceNumber);
        Assert.True(stats.HasReceivedSinceLastReport);
    }

    [Fact]
    public void Counts_loss_and_reports_fraction_lost_per_the_rfc_formula()
    {
        RtpReceiverStatistics stats = Create();
        Feed(stats, Enumerable.Range(1, 100).Where(s => s % 10 != 0).ToArray()); // drop 10 of 100 (but 100 itself)
        Feed(stats, 100);

        Assert.Equal(100, stats.PacketsExpected);
        Assert.Equal(91, stats.PacketsReceived);
        RtpReceptionReport report = stats.CreateReport();
        Assert.Equal(Ssrc, report.Ssrc);
        Assert.Equal(9, report.CumulativeLost);
        Assert.Equal((byte)((9 << 8) / 100), report.FractionLost); // RFC 3550 A.3: (lost_interval << 8) / expected_interval
        Assert.Equal(100u, report.ExtendedHighestSequenceNumber);
        Assert.False(stats.HasReceivedSinceLastReport);

        // Next interval: 101..150 without loss → fraction 0, cumulative unchanged.
        Feed(stats, Enumerable.Range(101, 50).ToArray());
        report = stats.CreateReport();
        Assert.Equal(0, report.FractionLost);
        Assert.Equal(9, report.CumulativeLost);

        // Next interval: 151..160 with 5 lost → 5 * 256 / 10 = 128.
        Feed(stats, 151, 153, 155, 157, 159, 160);
        report = stats.CreateReport();
        Assert.Equal(4 * 256 / 10, report.FractionLost);
        Assert.Equal(13, report.CumulativeLost);
    }

    [Fact]
    public void Reordered_packets_are_not_loss()
    {
        RtpReceiverStatistics stats = Create();
        Feed(stats, 1, 2, 4, 3, 5, 7, 6);
        RtpReceptionReport report = stats.CreateReport();
        Assert.Equal(0, report.CumulativeLost);
        Assert.Equal(0, report.FractionLost);
        Assert.Equal(7u, report.ExtendedHighestSequenceNumber);
    }

    [Fact]
    public void Duplicates_count_as_received_so_cumulative_loss_can_go_negative()
    {
        RtpReceiverStatistics stats = Create();
        Feed(stats, 1, 2, 2, 3, 3);
        RtpReceptionReport report = stats.CreateReport();
        Assert.Equal(5, stats.PacketsReceived);
        Assert.Equal(-2, report.CumulativeLost); // RFC 3550 §6.4.1: lost may be negative with duplicates
        Assert.Equal(0, report.FractionLost);
    }

    [Fact]
    public void Sequence_wrap_advances_the_cycle_count_without_loss()
    {
        RtpReceiverStatistics stats = Create();
        for (int i = 65530; i < 65536 + 6; i++)
        {
            Assert.Equal(RtpReceiveOutcome.Accepted, stats.OnPacketReceived((ushort)i, (uint)i * 160, (uint)i * 160));
        }

        Assert.Equal(1u, stats.Cycles);
        RtpReceptionReport report = stats.CreateReport();
        Assert.Equal((1u << 16) | 5u, report.ExtendedHighestSequenceNumber);
        Assert.Equal(0, report.CumulativeLost);
        Assert.Equal(12, stats.PacketsExpected);

        // A late packet from before the wrap does not add a cycle.
        stats.OnPacketReceived(65533, 0, 0);
        Assert.Equal(1u, stats.Cycles);
    }

    [Fact]
    public void A_large_jump_is_ignored_once_and_restarts_the_statistics_when_confirmed()
    {
        RtpReceiverStatistics stats = Create();
        Feed(stats, 1, 2, 3);
        Assert.Equal(RtpReceiveOutcome.BadSequence, stats.OnPacketReceived(40000, 0, 0));
        Assert.Equal(3, stats.PacketsReceived);
        Assert.Equal(RtpReceiveOutcome.Restarted, stats.OnPacketReceived(40001, 0, 0));
        Assert.Equal(1, stats.PacketsReceived);
        Assert.Equal(40001u, stats.ExtendedHighestSequenceNumber);
        Assert.Equal(0, stats.PacketsLost);
    }

    [Fact]
    public void Jitter_is_zero_for_a_constant_rate_stream()
    {
        RtpReceiverStatistics stats = Create();
        for (int i = 0; i < 500; i++)
        {
            stats.OnPacketReceived((ushort)i, (uint)(1000 + (i * 160)), (uint)(777777 + (i * 160)));
        }

        Assert.Equal(0u, stats.CreateReport().Jitter);
    }

    [Fact]
    public void Jitter_grows_with_arrival_jitter_and_converges_to_the_mean_deviation()
    {
        // Arrivals alternate 40 units early and late: |D| = 80 for every pair, so J → 80 (RFC 3550 A.8).
        RtpReceiverStatistics stats = Create();
        uint previous = 0;
        for (int i = 0; i < 500; i++)
        {
            int offset = i % 2 == 0 ? 40 : -40;
            stats.OnPacketReceived((ushort)i, (uint)(i * 160), (uint)(100 + (i * 160) + offset));
            if (i == 20)
            {
                previous = stats.Jitter;
                Assert.InRange(previous, 40u, 80u);
            }
        }

        Assert.InRange(stats.Jitter, 78u, 80u);
        Assert.True(stats.Jitter > previous);

        // Smaller arrival jitter gives a smaller estimate.
        RtpReceiverStatistics calm = Create();
        for (int i = 0; i < 500; i++)
        {
            calm.OnPacketReceived((ushort)i, (uint)(i * 160), (uint)((i * 160) + (i % 2 == 0 ? 5 : -5)));
        }

        Assert.InRange(calm.Jitter, 9u, 10u);
    }

    [Fact]
    public void Packets_of_one_frame_sharing_a_timestamp_do_not_count_as_jitter()
    {
        RtpReceiverStatistics stats = Create();
        ushort seq = 0;
        for (int frame = 0; frame < 100; frame++)
        {
            for (int packet = 0; packet < 3; packet++)
            {
                stats.OnPacketReceived(seq++, (uint)(frame * 3000), (uint)((frame * 3000) + (packet * 50)));
            }
        }

        Assert.Equal(0u, stats.Jitter);
    }

    [Fact]
    public void Arrival_times_from_the_time_provider_give_zero_jitter_at_a_constant_rate()
    {
        var time = new FakeTimeProvider();
        RtpReceiverStatistics stats = Create(time: time);
        for (int i = 0; i < 200; i++)
        {
            stats.OnPacketReceived((ushort)i, (uint)(i * 160));
            time.Advance(TimeSpan.FromMilliseconds(20)); // 160 units at 8 kHz
        }

        Assert.Equal(0u, stats.Jitter);

        for (int i = 200; i < 400; i++)
        {
            stats.OnPacketReceived((ushort)i, (uint)(i * 160));
            time.Advance(TimeSpan.FromMilliseconds(i % 2 == 0 ? 15 : 25));
        }

        Assert.InRange(stats.Jitter, 38u, 40u); // gaps of 15/25 ms: arrivals 0 or 5 ms late, |D| = 5 ms = 40 units
    }

    [Fact]
    public void Report_carries_lsr_and_dlsr_after_a_sender_report()
    {
        var time = new FakeTimeProvider();
        RtpReceiverStatistics stats = Create(time: time);
        Feed(stats, 1, 2);
        Assert.Equal(0u, stats.CreateReport().LastSenderReport);

        stats.OnSenderReportReceived(0xAAAABBBBCCCCDDDDUL);
        time.Advance(TimeSpan.FromMilliseconds(500));
        Feed(stats, 3);
        RtpReceptionReport report = stats.CreateReport();
        Assert.Equal(0xBBBBCCCCu, report.LastSenderReport);
        Assert.Equal(32768u, report.DelaySinceLastSenderReport); // 0.5 s in 1/65536 s
    }

    [Fact]
    public void Cumulative_loss_is_clamped_to_24_bits()
    {
        RtpReceiverStatistics stats = Create();
        int seq = 0;
        stats.OnPacketReceived(0, 0, 0);

        // Jumps below MAX_DROPOUT: 2999 lost per step, many cycles of loss.
        for (int i = 0; i < 3000; i++)
        {
            seq += 2999;
            stats.OnPacketReceived((ushort)seq, 0, 0);
        }

        Assert.True(stats.PacketsLost > 0x7FFFFF);
        Assert.Equal(0x7FFFFF, stats.CreateReport().CumulativeLost);
    }
}

public class RtpReceiverStatisticsPacketTests
{
    [Fact]
    public void Parsed_packets_feed_the_statistics_directly()
    {
        var stats = new RtpReceiverStatistics(3, 90000, new FakeTimeProvider(), minSequential: 0);
        byte[] buffer = new byte[64];
        for (int i = 0; i < 10; i++)
        {
            if (i == 4)
            {
                continue;
            }

            var writer = new RtpPacketWriter { PayloadType = 96, SequenceNumber = (ushort)(65530 + i), Timestamp = (uint)(i * 3000), Ssrc = 3, Payload = [1] };
            Assert.True(writer.TryWrite(buffer, out int written));
            Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, written), out RtpPacket packet, out _));
            Assert.Equal(RtpReceiveOutcome.Accepted, stats.OnPacketReceived(packet, (uint)(i * 3000)));
        }

        RtpReceptionReport report = stats.CreateReport();
        Assert.Equal(1, report.CumulativeLost);
        Assert.Equal((1u << 16) | 3u, report.ExtendedHighestSequenceNumber);
        Assert.Equal(0u, report.Jitter);
    }
}
