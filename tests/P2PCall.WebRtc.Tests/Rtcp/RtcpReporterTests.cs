using System.Text;
using Microsoft.Extensions.Time.Testing;
using P2PCall.WebRtc.Rtcp;
using P2PCall.WebRtc.Rtp;

namespace P2PCall.WebRtc.Tests.Rtcp;

public class RtcpReporterTests
{
    private const uint AliceSsrc = 0xA11CE;
    private const uint BobSsrc = 0xB0B;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));

    private RtcpReporter Create(uint ssrc, int seed = 1) => new(ssrc, "cname-" + ssrc, _time, random: new Random(seed));

    private byte[] AdvanceAndWrite(RtcpReporter reporter)
    {
        _time.Advance(reporter.GetDelayUntilNextReport());
        byte[] buffer = new byte[reporter.MaxReportLength];
        Assert.True(reporter.TryWriteReport(buffer, out int written));
        return buffer[..written];
    }

    [Fact]
    public void First_report_comes_after_a_randomised_half_interval_and_is_an_rr_with_sdes_cname()
    {
        RtcpReporter reporter = Create(AliceSsrc);
        TimeSpan delay = reporter.GetDelayUntilNextReport();
        Assert.InRange(delay, TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(0.75));

        byte[] buffer = new byte[reporter.MaxReportLength];
        _time.Advance(delay - TimeSpan.FromMilliseconds(1));
        Assert.False(reporter.TryWriteReport(buffer, out int written));
        Assert.Equal(0, written);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(TimeSpan.Zero, reporter.GetDelayUntilNextReport());
        Assert.True(reporter.TryWriteReport(buffer, out written));

        var reader = new RtcpCompoundReader(buffer.AsSpan(0, written));
        Assert.True(reader.StartsWithReport);
        Assert.True(reader.MoveNext());
        Assert.True(RtcpReceiverReport.TryParse(reader.Current, out RtcpReceiverReport rr, out _));
        Assert.Equal(AliceSsrc, rr.SenderSsrc);
        Assert.Equal(0, rr.ReportCount);
        Assert.True(reader.MoveNext());
        Assert.True(RtcpSourceDescription.TryParse(reader.Current, out RtcpSourceDescription sdes, out _));
        Assert.True(sdes.TryGetCName(AliceSsrc, out ReadOnlySpan<byte> cname));
        Assert.Equal("cname-" + AliceSsrc, Encoding.UTF8.GetString(cname));
        Assert.False(reader.MoveNext());
        Assert.Equal(RtcpParseError.None, reader.Error);

        // Not due again right away.
        Assert.False(reporter.TryWriteReport(buffer, out _));
    }

    [Fact]
    public void Regular_reports_follow_each_other_within_half_to_one_and_a_half_minimum_intervals()
    {
        RtcpReporter reporter = Create(AliceSsrc, seed: 42);
        AdvanceAndWrite(reporter);
        var intervals = new List<TimeSpan>();
        for (int i = 0; i < 50; i++)
        {
            TimeSpan delay = reporter.GetDelayUntilNextReport();
            intervals.Add(delay);
            AdvanceAndWrite(reporter);
        }

        Assert.All(intervals, d => Assert.InRange(d, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1.5)));
        Assert.True(intervals.Distinct().Count() > 40); // randomised, not a fixed period
        Assert.InRange(intervals.Average(d => d.TotalSeconds), 0.85, 1.15);
    }

    [Fact]
    public void A_sending_endpoint_reports_with_an_sr_carrying_its_counts_and_clocks()
    {
        RtcpReporter reporter = Create(AliceSsrc);
        RtcpSenderStatistics sender = reporter.AddSender(48000);
        Assert.Same(sender, reporter.AddSender(48000));
        for (int i = 0; i < 50; i++)
        {
            sender.OnPacketSent((uint)(1000 + (i * 960)), 100);
            _time.Advance(TimeSpan.FromMilliseconds(20));
        }

        // Last packet (ts 1000 + 49 * 960) went out 20 ms ago; the report goes out after the delay on top.
        TimeSpan delay = reporter.GetDelayUntilNextReport();
        byte[] report = AdvanceAndWrite(reporter);
        var reader = new RtcpCompoundReader(report);
        Assert.True(reader.MoveNext());
        Assert.True(RtcpSenderReport.TryParse(reader.Current, out RtcpSenderReport sr, out _));
        Assert.Equal(AliceSsrc, sr.SenderSsrc);
        RtcpSenderInfo info = sr.SenderInfo;
        Assert.Equal(50u, info.PacketCount);
        Assert.Equal(5000u, info.OctetCount);
        Assert.Equal(NtpTimestamp.Now(_time).Value, info.NtpTimestamp);
        uint expectedRtp = (uint)(1000 + (49 * 960) + ((0.020 + delay.TotalSeconds) * 48000));
        Assert.InRange(info.RtpTimestamp, expectedRtp - 1, expectedRtp + 1);
    }

    [Fact]
    public void An_endpoint_that_stopped_sending_two_intervals_ago_goes_back_to_rr()
    {
        RtcpReporter reporter = Create(AliceSsrc);
        reporter.AddSender(8000).OnPacketSent(0, 160);
        Assert.Equal(RtcpPacketType.SenderReport, AdvanceAndWrite(reporter)[1]);
        Assert.Equal(RtcpPacketType.SenderReport, AdvanceAndWrite(reporter)[1]); // sent since the report before last
        Assert.Equal(RtcpPacketType.ReceiverReport, AdvanceAndWrite(reporter)[1]);
    }

    [Fact]
    public void Report_blocks_cover_sources_heard_from_since_the_last_report()
    {
        RtcpReporter bob = Create(BobSsrc);
        RtpReceiverStatistics fromAlice = bob.GetOrAddSource(AliceSsrc, 8000);
        Assert.Same(fromAlice, bob.GetOrAddSource(AliceSsrc, 8000));
        for (int seq = 1; seq <= 20; seq++)
        {
            if (seq != 10)
            {
                fromAlice.OnPacketReceived((ushort)seq, (uint)(seq * 160));
            }

            _time.Advance(TimeSpan.FromMilliseconds(20));
        }

        var reader = new RtcpCompoundReader(AdvanceAndWrite(bob));
        Assert.True(reader.MoveNext());
        Assert.True(RtcpReceiverReport.TryParse(reader.Current, out RtcpReceiverReport rr, out _));
        Assert.Equal(1, rr.ReportCount);
        RtcpReportBlock block = rr.GetReportBlock(0);
        Assert.Equal(AliceSsrc, block.Ssrc);
        Assert.Equal(1, block.CumulativeLost); // probation took seq 1; seq 2..20 expected, 10 missing
        Assert.Equal(20u, block.ExtendedHighestSequenceNumber);
        Assert.Equal((byte)(256 / 19), block.FractionLost);

        // Nothing new from Alice: the next RR has no block.
        reader = new RtcpCompoundReader(AdvanceAndWrite(bob));
        Assert.True(reader.MoveNext());
        Assert.True(RtcpReceiverReport.TryParse(reader.Current, out rr, out _));
        Assert.Equal(0, rr.ReportCount);
    }

    [Fact]
    public void Round_trip_time_is_measured_from_the_peer_report_about_our_sr()
    {
        RtcpReporter alice = Create(AliceSsrc, seed: 1);
        RtcpReporter bob = Create(BobSsrc, seed: 2);
        RtcpSenderStatistics aliceSender = alice.AddSender(8000);
        RtpReceiverStatistics bobFromAlice = bob.GetOrAddSource(AliceSsrc, 8000);
        for (int seq = 0; seq < 5; seq++)
        {
            aliceSender.OnPacketSent((uint)(seq * 160), 160);
            bobFromAlice.OnPacketReceived((ushort)seq, (uint)(seq * 160));
            _time.Advance(TimeSpan.FromMilliseconds(20));
        }

        byte[] buffer = new byte[1500];
        Assert.True(alice.TryWriteReportNow(buffer, out int written));

        // Network delay 15 ms each way; Bob holds the SR 100 ms before reporting.
        _time.Advance(TimeSpan.FromMilliseconds(15));
        Assert.Equal(RtcpParseError.None, bob.OnRtcpReceived(buffer.AsSpan(0, written)));
        bobFromAlice.OnPacketReceived(5, 800);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(bob.TryWriteReportNow(buffer, out written));
        _time.Advance(TimeSpan.FromMilliseconds(15));

        Assert.Null(alice.RoundTripTime);
        Assert.Equal(RtcpParseError.None, alice.OnRtcpReceived(buffer.AsSpan(0, written)));
        Assert.NotNull(alice.RoundTripTime);
        Assert.InRange(alice.RoundTripTime.Value.TotalMilliseconds, 29.9, 30.1); // 1/65536 s resolution
    }

    [Fact]
    public void Bye_stops_tracking_the_sources_it_names()
    {
        RtcpReporter bob = Create(BobSsrc);
        bob.GetOrAddSource(AliceSsrc, 8000);
        bob.GetOrAddSource(0x5555, 8000);
        byte[] bye = new byte[RtcpGoodbye.GetSerializedLength(1, "bye")];
        Assert.True(RtcpGoodbye.TryWrite(bye, [AliceSsrc], "bye", out _));
        Assert.Equal(RtcpParseError.None, bob.OnRtcpReceived(bye));
        Assert.False(bob.TryGetSource(AliceSsrc, out _));
        Assert.True(bob.TryGetSource(0x5555, out _));
        Assert.Equal(1, bob.SourceCount);
    }

    [Fact]
    public void Malformed_datagrams_are_reported_not_thrown()
    {
        RtcpReporter reporter = Create(AliceSsrc);
        Assert.Equal(RtcpParseError.Empty, reporter.OnRtcpReceived([]));
        Assert.Equal(RtcpParseError.LengthOverrun, reporter.OnRtcpReceived(Convert.FromHexString("81C9FFFF00000001")));
        Assert.Equal(RtcpParseError.None, reporter.OnRtcpReceived(Convert.FromHexString("81C8000100000001"))); // SR too short: skipped
        var random = new Random(3611);
        for (int i = 0; i < 2000; i++)
        {
            byte[] noise = new byte[random.Next(64)];
            random.NextBytes(noise);
            _ = reporter.OnRtcpReceived(noise);
        }
    }

    [Fact]
    public void A_too_small_buffer_writes_nothing_and_keeps_the_report_due()
    {
        RtcpReporter reporter = Create(AliceSsrc);
        _time.Advance(reporter.GetDelayUntilNextReport());
        Assert.False(reporter.TryWriteReport(new byte[10], out int written));
        Assert.Equal(0, written);
        Assert.Equal(TimeSpan.Zero, reporter.GetDelayUntilNextReport());
        Assert.True(reporter.TryWriteReport(new byte[reporter.MaxReportLength], out _));
    }
}
