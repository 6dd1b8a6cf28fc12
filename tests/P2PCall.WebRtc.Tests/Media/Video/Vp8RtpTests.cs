using P2PCall.WebRtc.Media.Video;

namespace P2PCall.WebRtc.Tests.Media.Video;

public sealed class Vp8RtpTests
{
    private static byte[] Frame(int size, bool key)
    {
        byte[] f = new byte[size];
        for (int i = 0; i < size; i++)
        {
            f[i] = (byte)(i * 7);
        }

        f[0] = (byte)(key ? 0x10 : 0x11); // P bit (bit 0) clear on a keyframe (RFC 7741 §4.3)
        return f;
    }

    [Fact]
    public void Packetize_respects_the_mtu_and_marks_only_the_last_packet()
    {
        var packetizer = new Vp8Packetizer(1100);
        List<Vp8RtpPayload> packets = packetizer.Packetize(Frame(5000, true));
        Assert.Equal(5, packets.Count);
        Assert.All(packets, p => Assert.True(p.Payload.Length <= 1100));
        Assert.Equal([false, false, false, false, true], packets.Select(p => p.Marker));
        Assert.Equal(0x90, packets[0].Payload[0]);
        Assert.Equal(0x80, packets[1].Payload[0]);
    }

    [Fact]
    public void WritePacket_into_a_caller_buffer_gives_the_same_packets_as_Packetize()
    {
        byte[] frame = Frame(2500, false);
        List<Vp8RtpPayload> expected = new Vp8Packetizer(1000, 77).Packetize(frame);
        var packetizer = new Vp8Packetizer(1000, 77);
        byte[] buffer = new byte[1000];

        Assert.Equal(expected.Count, packetizer.GetPacketCount(frame.Length));
        for (int i = 0; i < expected.Count; i++)
        {
            int length = packetizer.WritePacket(frame, i, buffer, out bool marker);
            Assert.Equal(expected[i].Payload, buffer.AsSpan(0, length).ToArray());
            Assert.Equal(expected[i].Marker, marker);
        }

        Assert.Equal(78, packetizer.NextPictureId);
    }

    [Fact]
    public void Round_trip_with_reordering_inside_a_frame_across_sequence_wrap()
    {
        var packetizer = new Vp8Packetizer(300);
        using var depacketizer = new Vp8Depacketizer();
        byte[] frame = Frame(1000, true);
        List<Vp8RtpPayload> packets = packetizer.Packetize(frame);
        ushort seq = 65534;
        var order = new[] { 2, 0, 3, 1 };
        Vp8AssembledFrame result = default;
        bool done = false;
        foreach (int i in order)
        {
            Assert.False(done);
            done = depacketizer.Push((ushort)(seq + i), 9000, packets[i].Marker, packets[i].Payload, out result);
        }

        Assert.True(done);
        Assert.Equal(frame, result.Data.ToArray());
        Assert.True(result.IsKeyframe);
        Assert.Equal(0, result.PictureId);
        Assert.Equal(9000u, result.RtpTimestamp);
    }

    [Fact]
    public void Without_waiting_a_lost_packet_drops_the_frame_and_counts_it()
    {
        var packetizer = new Vp8Packetizer(300);
        using var depacketizer = new Vp8Depacketizer(TimeSpan.Zero);
        List<Vp8RtpPayload> first = packetizer.Packetize(Frame(1000, true));
        List<Vp8RtpPayload> second = packetizer.Packetize(Frame(200, false));
        ushort seq = 100;
        for (int i = 0; i < first.Count; i++)
        {
            if (i != 1)
            {
                Assert.False(depacketizer.Push((ushort)(seq + i), 3000, first[i].Marker, first[i].Payload, out _));
            }
        }

        Assert.True(depacketizer.Push((ushort)(seq + first.Count), 6000, second[0].Marker, second[0].Payload, out Vp8AssembledFrame f));
        Assert.False(f.IsKeyframe);
        Assert.True(f.AfterGap);
        Assert.Equal(1, f.PictureId);
        Assert.Equal(1, depacketizer.DroppedFrames);
        Assert.False(depacketizer.Push((ushort)(seq + 1), 3000, first[1].Marker, first[1].Payload, out _));
        Assert.Equal(1, depacketizer.DiscardedPackets);
    }

    [Fact]
    public void PictureId_wraps_after_15_bits()
    {
        var packetizer = new Vp8Packetizer(1100, 0x7FFF);
        byte[] a = packetizer.Packetize(Frame(10, true))[0].Payload;
        byte[] b = packetizer.Packetize(Frame(10, false))[0].Payload;
        Assert.True(Vp8PayloadDescriptor.TryParse(a, out Vp8PayloadDescriptor da));
        Assert.True(Vp8PayloadDescriptor.TryParse(b, out Vp8PayloadDescriptor db));
        Assert.Equal(0x7FFF, da.PictureId);
        Assert.Equal(0, db.PictureId);
    }

    [Theory]
    [InlineData(new byte[] { 0x10, 0xAA }, 1, -1)] // no extension
    [InlineData(new byte[] { 0x90, 0x80, 0x05, 0xAA }, 3, 5)] // 7-bit PictureID
    [InlineData(new byte[] { 0x90, 0x80, 0x81, 0x02, 0xAA }, 4, 0x102)] // 15-bit PictureID
    [InlineData(new byte[] { 0x90, 0xF0, 0x81, 0x02, 0x07, 0x20, 0xAA }, 6, 0x102)] // I, L, T, K
    [InlineData(new byte[] { 0x90, 0x40, 0x07, 0xAA }, 3, -1)] // L only
    [InlineData(new byte[] { 0x90, 0x10, 0x20, 0xAA }, 3, -1)] // K only
    [InlineData(new byte[] { 0x80, 0x00, 0xAA }, 2, -1)] // X with nothing
    public void Parses_every_descriptor_variant_and_rejects_each_truncation(byte[] packet, int headerLength, int pictureId)
    {
        Assert.True(Vp8PayloadDescriptor.TryParse(packet, out Vp8PayloadDescriptor d));
        Assert.Equal(headerLength, d.HeaderLength);
        Assert.Equal(pictureId, d.PictureId);
        for (int len = 0; len < packet.Length; len++)
        {
            Assert.False(Vp8PayloadDescriptor.TryParse(packet.AsSpan(0, len), out _));
        }
    }

    [Fact]
    public void Keyframe_detection_needs_start_pid0_and_P_clear()
    {
        Assert.True(Vp8PayloadDescriptor.IsKeyframeStart([0x10, 0x10]));
        Assert.False(Vp8PayloadDescriptor.IsKeyframeStart([0x10, 0x11])); // interframe
        Assert.False(Vp8PayloadDescriptor.IsKeyframeStart([0x00, 0x10])); // not a start
        Assert.False(Vp8PayloadDescriptor.IsKeyframeStart([0x11, 0x10])); // PID 1
    }

    [Fact]
    public void Truncated_packets_are_discarded_and_counted()
    {
        using var depacketizer = new Vp8Depacketizer();
        Assert.False(depacketizer.Push(1, 1, true, [0x90, 0x80, 0x81], out _));
        Assert.Equal(1, depacketizer.DiscardedPackets);
    }
}
