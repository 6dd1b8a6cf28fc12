using P2PCall.WebRtc.Rtp;

namespace P2PCall.WebRtc.Tests.Rtp;

public class RtpPacketTests
{
    // An Opus packet shaped like Chromium's: PT 111, one-byte extensions (audio level id 1, MID id 4), RFC 3550 §5.1 layout.
    private static readonly byte[] OpusWithExtensions = Convert.FromHexString(
        "906F1234" + "000003C0" + "11223344" + // V=2 X=1 CC=0, M=0 PT=111, seq 0x1234, ts 960, ssrc
        "BEDE0002" + // one-byte profile, 2 words
        "1085" + "4030" + "00" + "00" + "0000" + // id1 L0 0x85; id4 L0 '0'; padding
        "FCFFFE"); // payload

    [Fact]
    public void Parses_a_chromium_shaped_opus_packet_with_one_byte_extensions()
    {
        Assert.True(RtpPacket.TryParse(OpusWithExtensions, out RtpPacket packet, out RtpParseError error));
        Assert.Equal(RtpParseError.None, error);
        Assert.Equal(2, packet.Version);
        Assert.False(packet.HasPadding);
        Assert.True(packet.HasExtension);
        Assert.False(packet.Marker);
        Assert.Equal(111, packet.PayloadType);
        Assert.Equal(0x1234, packet.SequenceNumber);
        Assert.Equal(960u, packet.Timestamp);
        Assert.Equal(0x11223344u, packet.Ssrc);
        Assert.Equal(0, packet.CsrcCount);
        Assert.Equal(RtpHeaderExtensions.OneByteProfile, packet.ExtensionProfile);
        Assert.Equal(RtpHeaderExtensionForm.OneByte, packet.ExtensionForm);
        Assert.Equal(8, packet.ExtensionData.Length);
        Assert.Equal(24, packet.HeaderLength);
        Assert.Equal(new byte[] { 0xFC, 0xFF, 0xFE }, packet.Payload.ToArray());

        Assert.True(packet.TryGetExtension(1, out ReadOnlySpan<byte> level));
        Assert.True(RtpHeaderExtensions.TryReadAudioLevel(level, out bool voice, out byte dbov));
        Assert.True(voice);
        Assert.Equal(5, dbov);

        Assert.True(packet.TryGetExtension(4, out ReadOnlySpan<byte> mid));
        Assert.True(RtpHeaderExtensions.TryReadMid(mid, out string midText));
        Assert.Equal("0", midText);
        Assert.False(packet.TryGetExtension(2, out _));

        var ids = new List<int>();
        RtpHeaderExtensionEnumerator e = packet.GetExtensions();
        while (e.MoveNext())
        {
            ids.Add(e.Current.Id);
        }

        Assert.Equal([1, 4], ids);
        Assert.False(e.IsMalformed);
    }

    [Fact]
    public void Parses_csrcs_marker_and_padding()
    {
        byte[] bytes = Convert.FromHexString(
            "A2E00001" + "00000002" + "00000003" + // V=2 P=1 CC=2, M=1 PT=96
            "0000000A" + "0000000B" + // CSRCs
            "DEADBEEF" + // payload
            "000003"); // 3 padding bytes
        Assert.True(RtpPacket.TryParse(bytes, out RtpPacket packet, out _));
        Assert.True(packet.Marker);
        Assert.Equal(96, packet.PayloadType);
        Assert.Equal(2, packet.CsrcCount);
        Assert.Equal(10u, packet.GetCsrc(0));
        Assert.Equal(11u, packet.GetCsrc(1));
        Assert.True(packet.HasPadding);
        Assert.Equal(3, packet.PaddingLength);
        Assert.Equal(Convert.FromHexString("DEADBEEF"), packet.Payload.ToArray());
        Assert.Equal(RtpHeaderExtensionForm.None, packet.ExtensionForm);
        Assert.True(packet.ExtensionData.IsEmpty);
    }

    [Fact]
    public void Padding_may_fill_everything_after_the_header()
    {
        byte[] bytes = Convert.FromHexString("A0600001000000020000000300000004");
        Assert.True(RtpPacket.TryParse(bytes, out RtpPacket packet, out _));
        Assert.True(packet.Payload.IsEmpty);
        Assert.Equal(4, packet.PaddingLength);
    }

    [Theory]
    [InlineData("A060000100000002000000030000", (int)RtpParseError.PaddingCountZero)] // last byte 0
    [InlineData("A060000100000002000000030005", (int)RtpParseError.PaddingOverrun)] // 5 > 2 bytes after header
    [InlineData("A06000010000000200000003", (int)RtpParseError.PaddingMissing)] // P set, nothing after the header
    [InlineData("406000010000000200000003", (int)RtpParseError.UnsupportedVersion)] // V=1
    [InlineData("006000010000000200000003", (int)RtpParseError.UnsupportedVersion)] // V=0
    [InlineData("81600001000000020000000300", (int)RtpParseError.CsrcListTruncated)]
    [InlineData("90600001000000020000000300", (int)RtpParseError.ExtensionHeaderTruncated)]
    [InlineData("906000010000000200000003BEDE000110", (int)RtpParseError.ExtensionTruncated)]
    [InlineData("8060000100000002000000", (int)RtpParseError.TooShortForFixedHeader)]
    [InlineData("", (int)RtpParseError.TooShortForFixedHeader)]
    public void Rejects_malformed_packets_with_a_typed_reason(string hex, int expected)
    {
        Assert.False(RtpPacket.TryParse(Convert.FromHexString(hex), out _, out RtpParseError error));
        Assert.Equal((RtpParseError)expected, error);
    }

    [Fact]
    public void Every_truncation_inside_the_header_fails_and_inside_the_payload_shortens_it()
    {
        byte[] bytes = Convert.FromHexString("926F0001" + "00000002" + "00000003" + "0000000A" + "0000000B" + "BEDE0001" + "10854030" + "0102030405");
        Assert.True(RtpPacket.TryParse(bytes, out RtpPacket full, out _));
        int headerLength = full.HeaderLength;
        for (int length = 0; length < bytes.Length; length++)
        {
            bool ok = RtpPacket.TryParse(bytes.AsSpan(0, length), out RtpPacket packet, out RtpParseError error);
            if (length < headerLength)
            {
                Assert.False(ok);
                Assert.NotEqual(RtpParseError.None, error);
            }
            else
            {
                // RTP has no length field: a shorter datagram is a shorter payload (RFC 3550 §5.1).
                Assert.True(ok);
                Assert.Equal(length - headerLength, packet.Payload.Length);
            }
        }
    }

    [Fact]
    public void Two_byte_extensions_enumerate_with_zero_length_elements_and_padding()
    {
        byte[] bytes = Convert.FromHexString(
            "906000010000000200000003" +
            "10030002" + // two-byte profile with app bits 3, 2 words
            "1400" + "00" + "010361" + "6263" + // id 20 len 0, a padding byte, id 1 len 3 "abc"
            "AA");
        Assert.True(RtpPacket.TryParse(bytes, out RtpPacket packet, out _));
        Assert.Equal(RtpHeaderExtensionForm.TwoByte, packet.ExtensionForm);
        Assert.Equal(0x1003, packet.ExtensionProfile);
        Assert.True(packet.TryGetExtension(20, out ReadOnlySpan<byte> empty));
        Assert.True(empty.IsEmpty);
        Assert.True(packet.TryGetExtension(1, out ReadOnlySpan<byte> abc));
        Assert.Equal("abc"u8.ToArray(), abc.ToArray());
        Assert.Equal(new byte[] { 0xAA }, packet.Payload.ToArray());
    }

    [Fact]
    public void One_byte_id_15_stops_the_walk_and_later_elements_are_ignored()
    {
        // RFC 8285 §4.2: id 15 ends processing of the whole extension.
        byte[] data = Convert.FromHexString("1001" + "F0" + "2005" + "000000");
        var e = new RtpHeaderExtensionEnumerator(RtpHeaderExtensionForm.OneByte, data);
        Assert.True(e.MoveNext());
        Assert.Equal(1, e.Current.Id);
        Assert.False(e.MoveNext());
        Assert.False(e.IsMalformed);
    }

    [Theory]
    [InlineData("13AABB", (int)RtpHeaderExtensionForm.OneByte)] // L=3 wants 4 bytes, 2 left
    [InlineData("05", (int)RtpHeaderExtensionForm.OneByte)] // id 0 with L != 0
    [InlineData("0105AA", (int)RtpHeaderExtensionForm.TwoByte)] // length 5, 1 left
    [InlineData("01", (int)RtpHeaderExtensionForm.TwoByte)] // no length byte
    public void Overrunning_elements_end_the_walk_as_malformed(string hex, int form)
    {
        var e = new RtpHeaderExtensionEnumerator((RtpHeaderExtensionForm)form, Convert.FromHexString(hex));
        Assert.False(e.MoveNext());
        Assert.True(e.IsMalformed);
    }

    [Fact]
    public void Other_extension_profiles_are_raw_bytes_only()
    {
        byte[] bytes = Convert.FromHexString("906000010000000200000003" + "ABCD0001" + "11223344");
        Assert.True(RtpPacket.TryParse(bytes, out RtpPacket packet, out _));
        Assert.Equal(RtpHeaderExtensionForm.Other, packet.ExtensionForm);
        Assert.Equal(Convert.FromHexString("11223344"), packet.ExtensionData.ToArray());
        Assert.False(packet.GetExtensions().MoveNext());
    }

    [Fact]
    public void Random_datagrams_never_throw()
    {
        var random = new Random(3550);
        var buffer = new byte[64];
        int parsed = 0;
        for (int i = 0; i < 20000; i++)
        {
            int length = random.Next(buffer.Length + 1);
            random.NextBytes(buffer);
            buffer[0] = (byte)((buffer[0] & 0x3F) | 0x80); // mostly version 2 so the deeper paths run
            if (RtpPacket.TryParse(buffer.AsSpan(0, length), out RtpPacket packet, out _))
            {
                parsed++;
                Assert.True(packet.HeaderLength + packet.Payload.Length + packet.PaddingLength == length);
                int count = 0;
                foreach (RtpHeaderExtensionElement element in packet.GetExtensions())
                {
                    count++;
                    Assert.InRange(element.Id, 1, 255);
                }

                Assert.True(count <= packet.ExtensionData.Length);
            }
        }

        Assert.True(parsed > 1000);
    }
}
