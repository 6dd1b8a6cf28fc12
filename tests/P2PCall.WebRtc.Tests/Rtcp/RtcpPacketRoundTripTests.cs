using System.Text;
using P2PCall.WebRtc.Rtcp;

namespace P2PCall.WebRtc.Tests.Rtcp;

public class RtcpPacketRoundTripTests
{
    private static readonly RtcpReportBlock BlockA = new(0x11223344, 10, -2, 0x00010005, 32, 0x9A108000, 0x8000);
    private static readonly RtcpReportBlock BlockB = new(0xFFFFFFFF, 255, 0x7FFFFF, uint.MaxValue, uint.MaxValue, uint.MaxValue, uint.MaxValue);
    private static readonly RtcpReportBlock BlockC = new(5, 0, -0x800000, 0, 0, 0, 0);

    [Fact]
    public void Writes_the_chromium_shaped_sr_and_sdes_byte_for_byte()
    {
        byte[] buffer = new byte[200];
        Assert.True(RtcpSenderReport.TryWrite(buffer, 0x5A2B3C4D, new RtcpSenderInfo(0xE94D9A1080000000UL, 123456, 100, 15000), [BlockA], out int sr));
        Assert.True(RtcpSourceDescription.TryWrite(buffer.AsSpan(sr), [new RtcpSdesItem(0x5A2B3C4D, RtcpSdesItemType.CName, RtcpTestData.ChromiumCName)], out int sdes));
        Assert.Equal(RtcpTestData.SrAndSdes, buffer[..(sr + sdes)]);
    }

    [Fact]
    public void Sender_report_round_trips_with_zero_and_many_blocks()
    {
        foreach (RtcpReportBlock[] blocks in new[] { Array.Empty<RtcpReportBlock>(), [BlockA, BlockB, BlockC], Enumerable.Repeat(BlockA, 31).ToArray() })
        {
            byte[] buffer = new byte[RtcpSenderReport.GetSerializedLength(blocks.Length)];
            var info = new RtcpSenderInfo(ulong.MaxValue, 1, 2, 3);
            Assert.True(RtcpSenderReport.TryWrite(buffer, 7, info, blocks, out int written));
            Assert.Equal(buffer.Length, written);
            Assert.True(RtcpSenderReport.TryParse(RtcpTestData.Frame(buffer), out RtcpSenderReport sr, out _));
            Assert.Equal(7u, sr.SenderSsrc);
            Assert.Equal(info, sr.SenderInfo);
            var read = new List<RtcpReportBlock>();
            for (int i = 0; i < sr.ReportCount; i++)
            {
                read.Add(sr.GetReportBlock(i));
            }

            Assert.Equal(blocks, read);
        }
    }

    [Fact]
    public void Receiver_report_round_trips_and_parses_the_hand_built_one()
    {
        Assert.True(RtcpReceiverReport.TryParse(RtcpTestData.Frame(RtcpTestData.ReceiverReport), out RtcpReceiverReport known, out _));
        Assert.Equal(1u, known.SenderSsrc);
        Assert.Equal(2, known.ReportCount);
        Assert.Equal(new RtcpReportBlock(2, 0, 3, 4, 5, 6, 7), known.GetReportBlock(0));
        Assert.Equal(new RtcpReportBlock(8, 255, -0x800000, 9, 10, 11, 12), known.GetReportBlock(1));

        byte[] buffer = new byte[RtcpReceiverReport.GetSerializedLength(2)];
        Assert.True(RtcpReceiverReport.TryWrite(buffer, 1, [known.GetReportBlock(0), known.GetReportBlock(1)], out _));
        Assert.Equal(RtcpTestData.ReceiverReport, buffer);
    }

    [Fact]
    public void Report_block_clamps_cumulative_loss_to_24_signed_bits()
    {
        byte[] buffer = new byte[RtcpReportBlock.Length];
        (BlockA with { CumulativeLost = int.MaxValue }).Write(buffer);
        Assert.Equal(0x7FFFFF, RtcpReportBlock.Read(buffer).CumulativeLost);
        (BlockA with { CumulativeLost = int.MinValue }).Write(buffer);
        Assert.Equal(-0x800000, RtcpReportBlock.Read(buffer).CumulativeLost);
    }

    [Fact]
    public void Source_description_round_trips_several_chunks_and_items_padded_to_32_bits()
    {
        RtcpSdesItem[] items =
        [
            new(1, RtcpSdesItemType.CName, "a"),
            new(1, RtcpSdesItemType.Tool, "P2PCall"),
            new(2, RtcpSdesItemType.CName, "abc"), // chunk length 4 + 5 + 1 = 10 → 12
            new(3, RtcpSdesItemType.Mid, "0"),
            new(3, RtcpSdesItemType.Note, string.Empty),
            new(4, RtcpSdesItemType.Name, new string('x', 255)),
        ];

        int length = RtcpSourceDescription.GetSerializedLength(items);
        Assert.Equal(0, length % 4);
        byte[] buffer = new byte[length];
        Assert.True(RtcpSourceDescription.TryWrite(buffer, items, out int written));
        Assert.Equal(length, written);
        Assert.True(RtcpSourceDescription.TryParse(RtcpTestData.Frame(buffer), out RtcpSourceDescription sdes, out _));
        Assert.Equal(4, sdes.ChunkCount);

        var read = new List<RtcpSdesItem>();
        foreach (RtcpSdesItemView item in sdes)
        {
            read.Add(new RtcpSdesItem(item.Ssrc, item.Type, Encoding.UTF8.GetString(item.Text)));
        }

        Assert.Equal(items, read);
        Assert.True(sdes.TryGetCName(2, out ReadOnlySpan<byte> cname));
        Assert.Equal("abc"u8.ToArray(), cname.ToArray());
        Assert.False(sdes.TryGetCName(3, out _));
    }

    [Theory]
    [InlineData(1, 12)] // chunk 4 + 2 + 1 + 1 null = 8
    [InlineData(2, 16)] // 9 → 12
    [InlineData(5, 16)] // 12, no extra padding
    [InlineData(6, 20)] // 13 → 16
    public void Source_description_always_has_at_least_one_null_octet_per_chunk(int cnameLength, int expectedLength)
    {
        RtcpSdesItem[] items = [new(9, RtcpSdesItemType.CName, new string('c', cnameLength))];
        int length = RtcpSourceDescription.GetSerializedLength(items);
        Assert.Equal(expectedLength, length);
        byte[] buffer = new byte[length];
        Assert.True(RtcpSourceDescription.TryWrite(buffer, items, out _));
        Assert.Equal(0, buffer[4 + 4 + 2 + cnameLength]);
        Assert.True(RtcpSourceDescription.TryParse(RtcpTestData.Frame(buffer), out _, out _));
    }

    [Fact]
    public void Source_description_writer_refuses_bad_items()
    {
        Assert.Throws<ArgumentException>(() => RtcpSourceDescription.GetSerializedLength([new RtcpSdesItem(1, RtcpSdesItemType.CName, new string('x', 256))]));
        Assert.Throws<ArgumentException>(() => RtcpSourceDescription.GetSerializedLength([new RtcpSdesItem(1, RtcpSdesItemType.End, "x")]));
        RtcpSdesItem[] tooMany = Enumerable.Range(0, 32).Select(i => new RtcpSdesItem((uint)i, RtcpSdesItemType.CName, "x")).ToArray();
        Assert.Throws<ArgumentException>(() => RtcpSourceDescription.GetSerializedLength(tooMany));
    }

    [Fact]
    public void Goodbye_round_trips_with_and_without_reason()
    {
        Assert.True(RtcpGoodbye.TryParse(RtcpTestData.Frame(RtcpTestData.GoodbyeWithReason), out RtcpGoodbye known, out _));
        Assert.Equal(2, known.SourceCount);
        Assert.Equal(2u, known.GetSsrc(1));
        Assert.Equal("camera off!", Encoding.ASCII.GetString(known.Reason));

        byte[] buffer = new byte[RtcpGoodbye.GetSerializedLength(2, "camera off!")];
        Assert.True(RtcpGoodbye.TryWrite(buffer, [1, 2], "camera off!", out _));
        Assert.Equal(RtcpTestData.GoodbyeWithReason, buffer);

        buffer = new byte[RtcpGoodbye.GetSerializedLength(1, "bye")];
        Assert.Equal(12, buffer.Length);
        Assert.True(RtcpGoodbye.TryWrite(buffer, [0xABCDEF01], "bye", out _));
        Assert.True(RtcpGoodbye.TryParse(RtcpTestData.Frame(buffer), out RtcpGoodbye withReason, out _));
        Assert.Equal("bye"u8.ToArray(), withReason.Reason.ToArray());

        buffer = new byte[RtcpGoodbye.GetSerializedLength(1, null)];
        Assert.True(RtcpGoodbye.TryWrite(buffer, [0xABCDEF01], null, out _));
        Assert.True(RtcpGoodbye.TryParse(RtcpTestData.Frame(buffer), out RtcpGoodbye bare, out _));
        Assert.Equal(0xABCDEF01u, bare.GetSsrc(0));
        Assert.True(bare.Reason.IsEmpty);
    }

    [Fact]
    public void Pli_round_trips()
    {
        byte[] buffer = new byte[RtcpPictureLossIndication.Length];
        Assert.True(RtcpPictureLossIndication.TryWrite(buffer, 1, 2, out _));
        Assert.Equal(RtcpTestData.Pli, buffer);
        Assert.True(RtcpPictureLossIndication.TryParse(RtcpTestData.Frame(buffer), out RtcpPictureLossIndication pli, out _));
        Assert.Equal(1u, pli.SenderSsrc);
        Assert.Equal(2u, pli.MediaSsrc);
    }

    [Fact]
    public void Fir_round_trips_with_several_entries()
    {
        Assert.True(RtcpFullIntraRequest.TryParse(RtcpTestData.Frame(RtcpTestData.Fir), out RtcpFullIntraRequest known, out _));
        Assert.Equal(new RtcpFirEntry(2, 7), known.GetEntry(0));

        RtcpFirEntry[] entries = [new(2, 7), new(0xFFFFFFFF, 255)];
        byte[] buffer = new byte[RtcpFullIntraRequest.GetSerializedLength(entries.Length)];
        Assert.True(RtcpFullIntraRequest.TryWrite(buffer, 1, entries, out _));
        Assert.Equal(RtcpTestData.Fir[4..], buffer[4..RtcpTestData.Fir.Length]); // same SSRCs and first entry; only the length differs
        Assert.True(RtcpFullIntraRequest.TryParse(RtcpTestData.Frame(buffer), out RtcpFullIntraRequest fir, out _));
        Assert.Equal(1u, fir.SenderSsrc);
        Assert.Equal(2, fir.EntryCount);
        Assert.Equal(entries[0], fir.GetEntry(0));
        Assert.Equal(entries[1], fir.GetEntry(1));
    }

    [Fact]
    public void Remb_parses_bitrate_and_ssrcs_and_round_trips()
    {
        Assert.True(RtcpRemb.TryParse(RtcpTestData.Frame(RtcpTestData.Remb), out RtcpRemb known, out _));
        Assert.Equal(1_000_000UL, known.Bitrate);
        Assert.Equal(2, known.SsrcCount);
        Assert.Equal(3u, known.GetSsrc(1));

        byte[] buffer = new byte[RtcpRemb.GetSerializedLength(2)];
        Assert.True(RtcpRemb.TryWrite(buffer, 1, 1_000_000, [2, 3], out _));
        Assert.Equal(RtcpTestData.Remb, buffer);

        foreach (ulong bitrate in new ulong[] { 0, 1, 262143, 262144, 2_500_000, 30_000_000_000 })
        {
            Assert.True(RtcpRemb.TryWrite(buffer, 1, bitrate, [2, 3], out _));
            Assert.True(RtcpRemb.TryParse(RtcpTestData.Frame(buffer), out RtcpRemb remb, out _));
            Assert.InRange(remb.Bitrate, bitrate - (bitrate >> 17), bitrate); // 18-bit mantissa precision
        }
    }

    [Fact]
    public void Application_layer_feedback_without_the_remb_identifier_is_not_remb()
    {
        byte[] afb = Convert.FromHexString("8FCE0004" + "00000001" + "00000000" + "41424344" + "00000000");
        Assert.False(RtcpRemb.TryParse(RtcpTestData.Frame(afb), out _, out RtcpParseError error));
        Assert.Equal(RtcpParseError.NotRemb, error);
    }

    [Fact]
    public void Typed_readers_refuse_other_packet_types()
    {
        RtcpPacketView pli = RtcpTestData.Frame(RtcpTestData.Pli);
        Assert.False(RtcpSenderReport.TryParse(pli, out _, out RtcpParseError error));
        Assert.Equal(RtcpParseError.WrongPacketType, error);
        Assert.False(RtcpReceiverReport.TryParse(pli, out _, out _));
        Assert.False(RtcpSourceDescription.TryParse(pli, out _, out _));
        Assert.False(RtcpGoodbye.TryParse(pli, out _, out _));
        Assert.False(RtcpGenericNack.TryParse(pli, out _, out _));
        Assert.False(RtcpFullIntraRequest.TryParse(pli, out _, out _));
        Assert.False(RtcpRemb.TryParse(pli, out _, out _));
        Assert.False(RtcpPictureLossIndication.TryParse(RtcpTestData.Frame(RtcpTestData.Nack), out _, out _));
    }

    [Fact]
    public void Writers_refuse_buffers_one_byte_short()
    {
        Assert.False(RtcpSenderReport.TryWrite(new byte[RtcpSenderReport.GetSerializedLength(1) - 1], 1, default, [BlockA], out int w));
        Assert.Equal(0, w);
        Assert.False(RtcpReceiverReport.TryWrite(new byte[RtcpReceiverReport.GetSerializedLength(1) - 1], 1, [BlockA], out _));
        Assert.False(RtcpSourceDescription.TryWrite(new byte[11], [new RtcpSdesItem(1, RtcpSdesItemType.CName, "ab")], out _));
        Assert.False(RtcpGoodbye.TryWrite(new byte[7], [1], null, out _));
        Assert.False(RtcpGenericNack.TryWrite(new byte[15], 1, 2, [5], out _));
        Assert.False(RtcpPictureLossIndication.TryWrite(new byte[11], 1, 2, out _));
        Assert.False(RtcpFullIntraRequest.TryWrite(new byte[19], 1, [new RtcpFirEntry(1, 1)], out _));
        Assert.False(RtcpRemb.TryWrite(new byte[19], 1, 5, [], out _));
    }
}
