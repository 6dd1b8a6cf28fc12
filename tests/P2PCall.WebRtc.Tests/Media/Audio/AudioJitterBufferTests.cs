using Microsoft.Extensions.Time.Testing;
using P2PCall.WebRtc.Media.Audio;

namespace P2PCall.WebRtc.Tests.Media.Audio;

public class AudioJitterBufferTests
{
    private readonly AudioJitterBuffer _buffer = new(new AudioJitterBufferOptions
    {
        StartDelay = TimeSpan.FromMilliseconds(60), // these tests start with a 60 ms cushion; see the StartDelay tests
        TargetDelay = TimeSpan.FromMilliseconds(60),
        MaxDelay = TimeSpan.FromMilliseconds(200),
    });

    private bool Insert(ushort seq) => _buffer.Insert(new RtpPacketInfo(0, seq, seq * 160u, false, 1), [(byte)seq, (byte)(seq >> 8)]);

    private (JitterBufferSlot Kind, int Seq, int Next) Pull()
    {
        Span<byte> payload = stackalloc byte[1500];
        Span<byte> next = stackalloc byte[1500];
        var kind = _buffer.Pull(payload, out var length, next, out var nextLength, out _);
        return (kind, length == 2 ? payload[0] | (payload[1] << 8) : -1, nextLength == 2 ? next[0] | (next[1] << 8) : -1);
    }

    [Fact]
    public void Playout_waits_for_the_target_delay()
    {
        Insert(100);
        Assert.Equal(JitterBufferSlot.None, Pull().Kind);
        Assert.Equal(JitterBufferSlot.None, Pull().Kind);
        Assert.Equal((JitterBufferSlot.Packet, 100, -1), Pull()); // the first packet has waited 60 ms
    }

    [Fact]
    public void Reordered_packets_play_in_sequence_order()
    {
        foreach (var seq in new ushort[] { 10, 12, 11, 14, 13 })
        {
            Assert.True(Insert(seq));
        }

        var played = Enumerable.Range(0, 5).Select(_ => Pull()).ToList();
        Assert.All(played, p => Assert.Equal(JitterBufferSlot.Packet, p.Kind));
        Assert.Equal([10, 11, 12, 13, 14], played.Select(p => p.Seq));
    }

    [Fact]
    public void Duplicates_are_dropped_and_counted()
    {
        Insert(10);
        Assert.False(Insert(10));
        Insert(11);
        Insert(12);
        Assert.False(Insert(12));

        Assert.Equal([10, 11, 12], Enumerable.Range(0, 3).Select(_ => Pull().Seq));
        Assert.Equal(2, _buffer.Statistics.DuplicatePackets);
        Assert.Equal(3, _buffer.Statistics.PacketsInserted);
    }

    [Fact]
    public void Packets_for_slots_already_played_are_late()
    {
        Insert(10);
        Insert(11);
        Insert(12);
        Pull();
        Pull();

        Assert.False(Insert(10));
        Assert.False(Insert(11));
        Assert.Equal(2, _buffer.Statistics.LatePackets);
        Assert.Equal((JitterBufferSlot.Packet, 12, -1), Pull());
    }

    [Fact]
    public void A_missing_packet_becomes_a_lost_slot_with_the_next_packet_for_fec()
    {
        foreach (var seq in new ushort[] { 10, 11, 13, 14 })
        {
            Insert(seq);
        }

        Assert.Equal(10, Pull().Seq);
        Assert.Equal(11, Pull().Seq);
        Assert.Equal((JitterBufferSlot.Lost, -1, 13), Pull());
        Assert.Equal(13, Pull().Seq);
        Assert.Equal(14, Pull().Seq);
        Assert.Equal(1, _buffer.Statistics.LostFrames);
    }

    [Fact]
    public void Sequence_numbers_wrap_at_65536()
    {
        foreach (var seq in new ushort[] { 65534, 0, 65535, 1, 2 })
        {
            Assert.True(Insert(seq));
        }

        Assert.Equal([65534, 65535, 0, 1, 2], Enumerable.Range(0, 5).Select(_ => Pull().Seq));
        Assert.False(Insert(65535)); // late across the wrap
        Assert.Equal(1, _buffer.Statistics.LatePackets);
    }

    [Fact]
    public void An_underrun_conceals_without_skipping_the_packet_still_on_its_way()
    {
        Insert(10);
        Insert(11);
        Insert(12);
        Pull();
        Pull();
        Pull();

        Assert.Equal((JitterBufferSlot.Lost, -1, -1), Pull());
        Assert.True(Insert(13)); // delayed, not lost: it still plays
        Assert.Equal((JitterBufferSlot.Packet, 13, -1), Pull());
    }

    [Fact]
    public void A_burst_after_a_stall_is_trimmed_back_to_the_target_delay()
    {
        ushort seq = 1000;
        for (var i = 0; i < 20; i++)
        {
            Insert(seq++);
            Pull();
        }

        for (var i = 0; i < 15; i++)
        {
            Pull(); // the network stalls for 300 ms
        }

        for (var i = 0; i < 30; i++)
        {
            Insert(seq++); // then everything arrives at once
            Assert.InRange(_buffer.Statistics.BufferedFrames, 0, 10); // never more than MaxDelay
        }

        Assert.True(_buffer.Statistics.DroppedFrames > 0);
        var newest = (ushort)(seq - 1);
        var pulls = 0;
        while (Pull().Seq != newest)
        {
            pulls++;
            Assert.True(pulls <= 10, "the newest packet must play within MaxDelay");
        }
    }

    [Fact]
    public void Delay_added_by_underruns_drains_back_to_the_target()
    {
        ushort seq = 500;
        for (var i = 0; i < 3; i++)
        {
            Insert(seq++);
        }

        // Five 20 ms slots without packets, then the stream resumes at its normal pace with the 5 late packets at once.
        for (var i = 0; i < 8; i++)
        {
            Pull();
        }

        for (var i = 0; i < 5; i++)
        {
            Insert(seq++);
        }

        Assert.Equal(5, _buffer.Statistics.BufferedFrames);
        for (var i = 0; i < 250; i++)
        {
            Insert(seq++);
            Pull();
        }

        Assert.InRange(_buffer.Statistics.BufferedFrames, 3, 4); // back near the 60 ms target
        Assert.True(_buffer.Statistics.DroppedFrames >= 1);
    }

    [Fact]
    public void A_long_silence_stops_playout_and_a_new_stream_buffers_again()
    {
        Insert(10);
        Insert(11);
        Insert(12);
        for (var i = 0; i < 3; i++)
        {
            Pull();
        }

        var lost = 0;
        for (var i = 0; i < 20; i++)
        {
            lost += Pull().Kind == JitterBufferSlot.Lost ? 1 : 0;
        }

        Assert.Equal(10, lost); // MaxConsecutiveUnderruns, then idle
        Assert.Equal(JitterBufferSlot.None, Pull().Kind);

        Insert(40_000); // far away: a restarted stream
        Insert(40_001);
        Insert(40_002);
        Assert.Equal(40_000, Pull().Seq);
    }

    [Fact]
    public void Receiver_on_a_fake_clock_plays_reordered_packets_in_order_every_20_ms()
    {
        var time = new FakeTimeProvider();
        var track = AudioTestKit.NewRemoteTrack();
        var codecs = new[] { new RTCRtpCodecParameters(0, "audio/PCMU", 8000, 1, null) };
        using var receiver = new AudioReceiver(track, codecs, null, time);
        var levels = new List<int>();
        receiver.FrameReceived += (_, f) => levels.Add(f.Samples.Span[0]);

        // Packet i carries the level 1000 * (i + 1); pairs arrive swapped.
        void Deliver(int i) => track.Deliver(new RtpPacketInfo(0, (ushort)(65_530 + i), (uint)(i * 160), i == 0, 7), Enumerable.Repeat(G711.LinearToMuLaw((short)(1000 * (i + 1))), 160).ToArray());
        for (var i = 0; i < 12; i += 2)
        {
            Deliver(i + 1);
            Deliver(i);
            time.Advance(TimeSpan.FromMilliseconds(40));
        }

        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
        }

        var decoded = levels.Take(12).Select(l => (int)Math.Round(l / 1000.0)).ToList();
        Assert.Equal(Enumerable.Range(1, 12), decoded);
        Assert.Equal(12, receiver.Statistics.FramesDecoded);
        Assert.Equal(0, receiver.Statistics.JitterBuffer.LatePackets);
    }

    [Fact]
    public void Options_with_max_below_target_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new AudioJitterBuffer(new AudioJitterBufferOptions { TargetDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(40) }));
    }

    [Fact]
    public void With_the_default_start_delay_the_first_packet_plays_at_the_next_slot()
    {
        var buffer = new AudioJitterBuffer();
        Span<byte> payload = stackalloc byte[1500];
        Span<byte> next = stackalloc byte[1500];
        Assert.Equal(JitterBufferSlot.None, buffer.Pull(payload, out _, next, out _, out _));

        buffer.Insert(new RtpPacketInfo(111, 500, 0, true, 1), [1]);

        Assert.Equal(JitterBufferSlot.Packet, buffer.Pull(payload, out var length, next, out _, out _));
        Assert.Equal(1, length);
        Assert.Equal(1, payload[0]);
    }

    [Fact]
    public void Starting_low_an_underrun_adds_a_frame_of_delay_and_nothing_is_lost()
    {
        var buffer = new AudioJitterBuffer();
        Span<byte> payload = stackalloc byte[1500];
        Span<byte> next = stackalloc byte[1500];
        buffer.Insert(new RtpPacketInfo(111, 0, 0, true, 1), [0]);
        Assert.Equal(JitterBufferSlot.Packet, buffer.Pull(payload, out _, next, out _, out _));

        // Packet 1 is late by one slot (jitter): the slot is concealed without advancing, so it still plays after.
        Assert.Equal(JitterBufferSlot.Lost, buffer.Pull(payload, out _, next, out _, out _));
        buffer.Insert(new RtpPacketInfo(111, 1, 960, false, 1), [1]);
        buffer.Insert(new RtpPacketInfo(111, 2, 1920, false, 1), [2]);
        Assert.Equal(JitterBufferSlot.Packet, buffer.Pull(payload, out _, next, out _, out _));
        Assert.Equal(1, payload[0]);
        Assert.Equal(1, buffer.Statistics.BufferedFrames); // one frame of delay now held
        Assert.Equal(0, buffer.Statistics.LatePackets);
    }

    [Fact]
    public void A_start_delay_above_the_maximum_is_refused() =>
        Assert.Throws<ArgumentException>(() => new AudioJitterBuffer(new AudioJitterBufferOptions { StartDelay = TimeSpan.FromMilliseconds(300) }));
}
