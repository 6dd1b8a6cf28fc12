using P2PCall.WebRtc.Media.Video;

namespace P2PCall.WebRtc.Tests.Media.Video;

/// <summary>The depacketizer as a frame queue: packets repaired late (NACK, RFC 4585 §6.2.1) still complete their frame.</summary>
public sealed class Vp8FrameQueueTests
{
    private const uint FrameTicks = 3000; // 30 fps at 90 kHz (RFC 7741 §4.1)

    private static List<(ushort Seq, uint Ts, Vp8RtpPayload P)> Stream(int frames, int frameSize, ushort firstSeq)
    {
        var packetizer = new Vp8Packetizer(300);
        var packets = new List<(ushort, uint, Vp8RtpPayload)>();
        ushort seq = firstSeq;
        for (int f = 0; f < frames; f++)
        {
            byte[] data = new byte[frameSize];
            data.AsSpan().Fill((byte)(f + 1));
            data[0] = (byte)(f == 0 ? 0x10 : 0x11); // keyframe first (RFC 7741 §4.3 P bit)
            foreach (Vp8RtpPayload p in packetizer.Packetize(data))
            {
                packets.Add((seq++, 1000 + ((uint)f * FrameTicks), p));
            }
        }

        return packets;
    }

    private static List<Vp8AssembledFrame> Drain(Vp8Depacketizer d, bool first, Vp8AssembledFrame frame, List<byte[]> data)
    {
        var got = new List<Vp8AssembledFrame>();
        while (first)
        {
            got.Add(frame);
            data.Add(frame.Data.ToArray());
            first = d.TryReadFrame(out frame);
        }

        return got;
    }

    [Fact]
    public void A_packet_retransmitted_after_later_frames_completes_its_frame_and_releases_them_in_order()
    {
        using var depacketizer = new Vp8Depacketizer(TimeSpan.FromMilliseconds(300));
        var packets = Stream(5, 700, 65530); // 3 packets a frame, across the sequence wrap
        var lost = packets[4]; // the middle packet of frame 1
        var emitted = new List<Vp8AssembledFrame>();
        var data = new List<byte[]>();
        foreach (var p in packets)
        {
            if (p.Seq != lost.Seq)
            {
                emitted.AddRange(Drain(depacketizer, depacketizer.Push(p.Seq, p.Ts, p.P.Marker, p.P.Payload, out var f), f, data));
            }
        }

        Assert.Single(emitted); // frame 0; frames 1..4 wait behind the hole

        emitted.AddRange(Drain(depacketizer, depacketizer.Push(lost.Seq, lost.Ts, lost.P.Marker, lost.P.Payload, out var g), g, data));

        Assert.Equal([1000u, 4000u, 7000u, 10000u, 13000u], emitted.Select(e => e.RtpTimestamp));
        Assert.All(emitted, e => Assert.False(e.AfterGap));
        Assert.Equal(0, depacketizer.DroppedFrames);
        Assert.Equal(700, data[1].Length);
        Assert.All(data[1].Skip(1), b => Assert.Equal(2, b));
    }

    [Fact]
    public void A_hole_never_repaired_is_given_up_after_the_wait_and_the_next_frame_is_flagged()
    {
        using var depacketizer = new Vp8Depacketizer(TimeSpan.FromMilliseconds(100)); // 9000 ticks: 3 frames
        var packets = Stream(8, 700, 100);
        var emitted = new List<Vp8AssembledFrame>();
        var data = new List<byte[]>();
        var lostSeq = packets[4].Seq;
        foreach (var p in packets)
        {
            if (p.Seq != lostSeq)
            {
                emitted.AddRange(Drain(depacketizer, depacketizer.Push(p.Seq, p.Ts, p.P.Marker, p.P.Payload, out var f), f, data));
            }
        }

        Assert.Equal(1, depacketizer.DroppedFrames);
        Assert.Equal(1000u, emitted[0].RtpTimestamp);
        Assert.Equal(7000u, emitted[1].RtpTimestamp); // frame 1 skipped
        Assert.True(emitted[1].AfterGap);
        Assert.Equal(7, emitted.Count);
        Assert.False(depacketizer.Push(lostSeq, 4000, false, packets[4].P.Payload, out _)); // too late now
        Assert.Equal(1, depacketizer.DiscardedPackets);
    }

    [Fact]
    public void Duplicates_are_discarded_and_do_not_emit_twice()
    {
        using var depacketizer = new Vp8Depacketizer();
        var packets = Stream(1, 100, 7);
        var p = packets[0];
        Assert.True(depacketizer.Push(p.Seq, p.Ts, p.P.Marker, p.P.Payload, out _));
        Assert.False(depacketizer.Push(p.Seq, p.Ts, p.P.Marker, p.P.Payload, out _));
        Assert.Equal(1, depacketizer.DiscardedPackets);
    }

    [Fact]
    public void Padding_only_packets_between_frames_hold_their_place_without_a_gap()
    {
        using var depacketizer = new Vp8Depacketizer();
        var packets = Stream(2, 100, 10); // one packet a frame: seq 10 and 12, padding at 11
        var emitted = new List<Vp8AssembledFrame>();
        var data = new List<byte[]>();
        emitted.AddRange(Drain(depacketizer, depacketizer.Push(10, packets[0].Ts, true, packets[0].P.Payload, out var a), a, data));
        emitted.AddRange(Drain(depacketizer, depacketizer.Push(11, packets[0].Ts, false, [], out var b), b, data));
        emitted.AddRange(Drain(depacketizer, depacketizer.Push(12, packets[1].Ts, true, packets[1].P.Payload, out var c), c, data));

        Assert.Equal(2, emitted.Count);
        Assert.False(emitted[1].AfterGap);
        Assert.Equal(0, depacketizer.DroppedFrames);
    }
}
