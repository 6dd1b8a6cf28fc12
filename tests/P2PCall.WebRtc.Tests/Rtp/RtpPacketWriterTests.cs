using P2PCall.WebRtc.Rtp;

namespace P2PCall.WebRtc.Tests.Rtp;

public class RtpPacketWriterTests
{
    [Fact]
    public void Writes_an_opus_packet_with_mid_and_audio_level_byte_for_byte()
    {
        byte[] level = [RtpHeaderExtensions.EncodeAudioLevel(true, 5)];
        byte[] mid = new byte[8];
        Assert.True(RtpHeaderExtensions.TryWriteMid("0", mid, out int midLength));
        var writer = new RtpPacketWriter
        {
            PayloadType = 111,
            SequenceNumber = 0x1234,
            Timestamp = 960,
            Ssrc = 0x11223344,
            Extensions = [new RtpHeaderExtension(1, level), new RtpHeaderExtension(4, mid.AsMemory(0, midLength))],
            Payload = [0xFC, 0xFF, 0xFE],
        };

        Assert.Equal(RtpHeaderExtensionForm.OneByte, writer.ExtensionForm);
        byte[] buffer = new byte[writer.GetSerializedLength()];
        Assert.True(writer.TryWrite(buffer, out int written));
        Assert.Equal(buffer.Length, written);
        Assert.Equal("906F1234000003C011223344BEDE000110854030FCFFFE", Convert.ToHexString(buffer));
    }

    [Fact]
    public void Round_trips_every_header_field_csrcs_one_byte_extensions_and_padding()
    {
        uint[] csrcs = [1, 2, 0xFFFFFFFF];
        byte[] sixteen = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        var writer = new RtpPacketWriter
        {
            Marker = true,
            PayloadType = 127,
            SequenceNumber = 65535,
            Timestamp = 0xFFFFFFFF,
            Ssrc = 0xCAFEBABE,
            Csrcs = csrcs,
            Extensions = [new RtpHeaderExtension(14, sixteen), new RtpHeaderExtension(3, new byte[] { 9 })],
            Payload = [1, 2, 3, 4, 5],
            PaddingLength = 7,
        };

        byte[] buffer = new byte[200];
        Assert.True(writer.TryWrite(buffer, out int written));
        Assert.Equal(writer.GetSerializedLength(), written);
        Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, written), out RtpPacket packet, out _));
        Assert.True(packet.Marker);
        Assert.Equal(127, packet.PayloadType);
        Assert.Equal(65535, packet.SequenceNumber);
        Assert.Equal(0xFFFFFFFF, packet.Timestamp);
        Assert.Equal(0xCAFEBABE, packet.Ssrc);
        Assert.Equal(3, packet.CsrcCount);
        Assert.Equal(0xFFFFFFFF, packet.GetCsrc(2));
        Assert.Equal(RtpHeaderExtensionForm.OneByte, packet.ExtensionForm);
        Assert.True(packet.TryGetExtension(14, out ReadOnlySpan<byte> e14));
        Assert.Equal(sixteen, e14.ToArray());
        Assert.True(packet.TryGetExtension(3, out ReadOnlySpan<byte> e3));
        Assert.Equal(new byte[] { 9 }, e3.ToArray());
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, packet.Payload.ToArray());
        Assert.Equal(7, packet.PaddingLength);
        Assert.Equal(0, packet.ExtensionData.Length % 4);
    }

    [Theory]
    [InlineData(15, 1)] // id 15 is reserved in the one-byte form
    [InlineData(200, 4)] // id above 14
    [InlineData(1, 17)] // longer than 16 bytes
    [InlineData(1, 0)] // zero-length data
    public void Switches_to_the_two_byte_form_when_one_byte_cannot_carry_an_element(int id, int length)
    {
        byte[] data = Enumerable.Repeat((byte)0x5A, length).ToArray();
        var writer = new RtpPacketWriter
        {
            PayloadType = 96,
            Extensions = [new RtpHeaderExtension(2, new byte[] { 1 }), new RtpHeaderExtension(id, data)],
            Payload = [0xEE],
        };

        Assert.Equal(RtpHeaderExtensionForm.TwoByte, writer.ExtensionForm);
        byte[] buffer = new byte[writer.GetSerializedLength()];
        Assert.True(writer.TryWrite(buffer, out int written));
        Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, written), out RtpPacket packet, out _));
        Assert.Equal(RtpHeaderExtensionForm.TwoByte, packet.ExtensionForm);
        Assert.Equal(RtpHeaderExtensions.TwoByteProfile, packet.ExtensionProfile);
        Assert.True(packet.TryGetExtension(id, out ReadOnlySpan<byte> read));
        Assert.Equal(data, read.ToArray());
        Assert.True(packet.TryGetExtension(2, out ReadOnlySpan<byte> two));
        Assert.Equal(new byte[] { 1 }, two.ToArray());
        Assert.Equal(new byte[] { 0xEE }, packet.Payload.ToArray());
    }

    [Fact]
    public void Too_small_buffers_are_refused_at_every_length()
    {
        var writer = new RtpPacketWriter
        {
            PayloadType = 96,
            Csrcs = [7],
            Extensions = [new RtpHeaderExtension(1, new byte[] { 1, 2 })],
            Payload = [1, 2, 3],
            PaddingLength = 2,
        };

        int length = writer.GetSerializedLength();
        byte[] buffer = new byte[length];
        for (int i = 0; i < length; i++)
        {
            Assert.False(writer.TryWrite(buffer.AsSpan(0, i), out int written));
            Assert.Equal(0, written);
        }

        Assert.True(writer.TryWrite(buffer, out _));
    }

    [Fact]
    public void Out_of_range_fields_throw_argument_exceptions()
    {
        Assert.Throws<ArgumentException>(() => new RtpPacketWriter { PayloadType = 128 }.GetSerializedLength());
        Assert.Throws<ArgumentException>(() => new RtpPacketWriter { Csrcs = new uint[16] }.GetSerializedLength());
        Assert.Throws<ArgumentException>(() => new RtpPacketWriter { PaddingLength = 256 }.GetSerializedLength());
        Assert.Throws<ArgumentException>(() => new RtpPacketWriter { Extensions = [new RtpHeaderExtension(0, new byte[1])] }.GetSerializedLength());
        Assert.Throws<ArgumentException>(() => new RtpPacketWriter { Extensions = [new RtpHeaderExtension(256, new byte[1])] }.GetSerializedLength());
        Assert.Throws<ArgumentException>(() => new RtpPacketWriter { Extensions = [new RtpHeaderExtension(20, new byte[256])] }.GetSerializedLength());
    }

    [Fact]
    public void A_packet_without_extensions_has_no_x_bit()
    {
        var writer = new RtpPacketWriter { PayloadType = 0, SequenceNumber = 1, Timestamp = 2, Ssrc = 3, Payload = [0xAB] };
        byte[] buffer = new byte[writer.GetSerializedLength()];
        Assert.True(writer.TryWrite(buffer, out _));
        Assert.Equal("800000010000000200000003AB", Convert.ToHexString(buffer));
    }

    [Fact]
    public void Audio_level_and_mid_helpers_validate_their_input()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RtpHeaderExtensions.EncodeAudioLevel(false, 128));
        Assert.Equal(0x7F, RtpHeaderExtensions.EncodeAudioLevel(false, 127));
        Assert.False(RtpHeaderExtensions.TryReadAudioLevel([], out _, out _));
        Assert.False(RtpHeaderExtensions.TryWriteMid(string.Empty, new byte[4], out _));
        Assert.False(RtpHeaderExtensions.TryWriteMid("toolong", new byte[4], out _));
        Assert.False(RtpHeaderExtensions.TryReadMid([0xFF, 0xFE], out _));
        Assert.False(RtpHeaderExtensions.TryReadMid([], out _));
    }

    [Fact]
    public void Random_packets_round_trip_through_writer_and_reader()
    {
        var random = new Random(8285);
        byte[] buffer = new byte[2048];
        for (int round = 0; round < 500; round++)
        {
            uint[] csrcs = Enumerable.Range(0, random.Next(16)).Select(_ => (uint)random.NextInt64(uint.MaxValue + 1L)).ToArray();
            bool twoByte = random.Next(2) == 0;
            var ids = new HashSet<int>();
            var extensions = new List<RtpHeaderExtension>();
            int extensionCount = random.Next(6);
            while (extensions.Count < extensionCount)
            {
                int id = twoByte ? random.Next(1, 256) : random.Next(1, 15);
                if (ids.Add(id))
                {
                    byte[] data = new byte[twoByte ? random.Next(0, 40) : random.Next(1, 17)];
                    random.NextBytes(data);
                    extensions.Add(new RtpHeaderExtension(id, data));
                }
            }

            byte[] payload = new byte[random.Next(300)];
            random.NextBytes(payload);
            var writer = new RtpPacketWriter
            {
                Marker = random.Next(2) == 0,
                PayloadType = (byte)random.Next(128),
                SequenceNumber = (ushort)random.Next(65536),
                Timestamp = (uint)random.NextInt64(uint.MaxValue + 1L),
                Ssrc = (uint)random.NextInt64(uint.MaxValue + 1L),
                Csrcs = csrcs,
                Extensions = [.. extensions],
                Payload = payload,
                PaddingLength = random.Next(2) == 0 ? 0 : random.Next(1, 256),
            };

            Assert.True(writer.TryWrite(buffer, out int written));
            Assert.Equal(writer.GetSerializedLength(), written);
            Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, written), out RtpPacket packet, out RtpParseError error), error.ToString());
            Assert.Equal(writer.Marker, packet.Marker);
            Assert.Equal(writer.PayloadType, packet.PayloadType);
            Assert.Equal(writer.SequenceNumber, packet.SequenceNumber);
            Assert.Equal(writer.Timestamp, packet.Timestamp);
            Assert.Equal(writer.Ssrc, packet.Ssrc);
            Assert.Equal(csrcs.Length, packet.CsrcCount);
            for (int i = 0; i < csrcs.Length; i++)
            {
                Assert.Equal(csrcs[i], packet.GetCsrc(i));
            }

            var read = new List<(int Id, byte[] Data)>();
            RtpHeaderExtensionEnumerator e = packet.GetExtensions();
            while (e.MoveNext())
            {
                read.Add((e.Current.Id, e.Current.Data.ToArray()));
            }

            Assert.False(e.IsMalformed);
            Assert.Equal(extensions.Select(x => (x.Id, x.Data.ToArray())), read);
            Assert.Equal(payload, packet.Payload.ToArray());
            Assert.Equal(writer.PaddingLength, packet.PaddingLength);
        }
    }
}
