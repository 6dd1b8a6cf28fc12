using System.Text;
using P2PCall.WebRtc.Rtcp;

namespace P2PCall.WebRtc.Tests.Rtcp;

public class RtcpCompoundTests
{
    [Fact]
    public void Parses_an_sr_plus_sdes_compound_like_chromium_sends()
    {
        var reader = new RtcpCompoundReader(RtcpTestData.SrAndSdes);
        Assert.True(reader.StartsWithReport);

        Assert.True(reader.MoveNext());
        Assert.Equal(RtcpPacketKind.SenderReport, reader.Current.Kind);
        Assert.True(RtcpSenderReport.TryParse(reader.Current, out RtcpSenderReport sr, out _));
        Assert.Equal(0x5A2B3C4Du, sr.SenderSsrc);
        Assert.Equal(new RtcpSenderInfo(0xE94D9A1080000000UL, 123456, 100, 15000), sr.SenderInfo);
        Assert.Equal(1, sr.ReportCount);
        Assert.Equal(new RtcpReportBlock(0x11223344, 10, -2, 0x00010005, 32, 0x9A108000, 0x8000), sr.GetReportBlock(0));
        Assert.True(sr.ProfileExtension.IsEmpty);

        Assert.True(reader.MoveNext());
        Assert.Equal(RtcpPacketKind.SourceDescription, reader.Current.Kind);
        Assert.True(RtcpSourceDescription.TryParse(reader.Current, out RtcpSourceDescription sdes, out _));
        Assert.True(sdes.TryGetCName(0x5A2B3C4D, out ReadOnlySpan<byte> cname));
        Assert.Equal(RtcpTestData.ChromiumCName, Encoding.ASCII.GetString(cname));

        Assert.False(reader.MoveNext());
        Assert.Equal(RtcpParseError.None, reader.Error);
        Assert.True(RtcpCompoundReader.Validate(RtcpTestData.SrAndSdes, out _, out int count));
        Assert.Equal(2, count);
    }

    [Fact]
    public void Reduced_size_rtcp_that_starts_with_feedback_is_accepted()
    {
        // RFC 5506 §3: a datagram may carry a single feedback packet without SR/RR.
        byte[] datagram = [.. RtcpTestData.Pli, .. RtcpTestData.Nack];
        var reader = new RtcpCompoundReader(datagram);
        Assert.False(reader.StartsWithReport);
        Assert.True(reader.MoveNext());
        Assert.Equal(RtcpPacketKind.PictureLossIndication, reader.Current.Kind);
        Assert.True(reader.MoveNext());
        Assert.Equal(RtcpPacketKind.GenericNack, reader.Current.Kind);
        Assert.False(reader.MoveNext());
        Assert.Equal(RtcpParseError.None, reader.Error);
    }

    [Fact]
    public void Known_but_unhandled_and_unknown_packets_are_classified_and_skipped()
    {
        byte[] app = Convert.FromHexString("80CC0002" + "00000001" + "41424344"); // APP "ABCD"
        byte[] xr = Convert.FromHexString("80CF0001" + "00000001");
        byte[] unknownPt = Convert.FromHexString("80D00001" + "00000001"); // PT 208
        byte[] unknownRtpfb = Convert.FromHexString("83CD0002" + "00000001" + "00000002"); // TMMBR-like FMT 3
        byte[] otherAfb = Convert.FromHexString("8FCE0003" + "00000001" + "00000000" + "41424344");
        byte[] ccfb = Convert.FromHexString("8BCD0002" + "00000001" + "00000002"); // RFC 8888 FMT 11
        byte[] datagram = [.. RtcpTestData.ReceiverReport, .. app, .. xr, .. unknownPt, .. RtcpTestData.TransportCc, .. unknownRtpfb, .. otherAfb, .. ccfb, .. RtcpTestData.Remb];

        var kinds = new List<RtcpPacketKind>();
        foreach (RtcpPacketView packet in new RtcpCompoundReader(datagram))
        {
            kinds.Add(packet.Kind);
        }

        Assert.Equal(
            [
                RtcpPacketKind.ReceiverReport, RtcpPacketKind.ApplicationDefined, RtcpPacketKind.ExtendedReport, RtcpPacketKind.Unknown,
                RtcpPacketKind.TransportWideCc, RtcpPacketKind.Unknown, RtcpPacketKind.ApplicationLayerFeedback,
                RtcpPacketKind.CongestionControlFeedback, RtcpPacketKind.ReceiverEstimatedMaxBitrate,
            ],
            kinds);
    }

    [Fact]
    public void Zero_length_fields_advance_by_one_word_and_the_walk_ends()
    {
        // RFC 3550 §6.4.1: length 0 means a 4-byte packet; every step advances, so the walk is bounded.
        byte[] datagram = Convert.FromHexString("80C80000" + "80C90000" + "80CA0000" + "80CB0000" + "81CD0000" + "81CE0000");
        var reader = new RtcpCompoundReader(datagram);
        int count = 0;
        while (reader.MoveNext())
        {
            count++;
            RtcpPacketView p = reader.Current;
            Assert.Equal(4, p.Bytes.Length);
        }

        Assert.Equal(6, count);
        Assert.Equal(RtcpParseError.None, reader.Error);

        // The typed readers refuse what is too short for their type.
        Assert.True(RtcpPacketView.TryRead(datagram, out RtcpPacketView sr, out _));
        Assert.False(RtcpSenderReport.TryParse(sr, out _, out RtcpParseError error));
        Assert.Equal(RtcpParseError.BodyTooShort, error);
        Assert.True(RtcpPacketView.TryRead(datagram.AsSpan(16), out RtcpPacketView nack, out _));
        Assert.False(RtcpGenericNack.TryParse(nack, out _, out error));
        Assert.Equal(RtcpParseError.BodyTooShort, error);

        // An SDES or BYE with count 0 and no body is valid but empty (RFC 3550 §6.5: "valid but useless").
        Assert.True(RtcpPacketView.TryRead(datagram.AsSpan(8), out RtcpPacketView sdes, out _));
        Assert.True(RtcpSourceDescription.TryParse(sdes, out RtcpSourceDescription emptySdes, out _));
        Assert.Equal(0, emptySdes.ChunkCount);
    }

    [Fact]
    public void A_length_that_overruns_the_datagram_stops_the_walk_with_its_offset()
    {
        byte[] datagram = [.. RtcpTestData.Pli, .. Convert.FromHexString("81CD00FF" + "00000001")];
        var reader = new RtcpCompoundReader(datagram);
        Assert.True(reader.MoveNext());
        Assert.False(reader.MoveNext());
        Assert.Equal(RtcpParseError.LengthOverrun, reader.Error);
        Assert.Equal(RtcpTestData.Pli.Length, reader.ErrorOffset);
        Assert.False(reader.MoveNext());
        Assert.False(RtcpCompoundReader.Validate(datagram, out RtcpParseError error, out int count));
        Assert.Equal(RtcpParseError.LengthOverrun, error);
        Assert.Equal(1, count);
    }

    [Theory]
    [InlineData("", (int)RtcpParseError.Empty)]
    [InlineData("80C8", (int)RtcpParseError.TooShortForHeader)]
    [InlineData("40C80000", (int)RtcpParseError.UnsupportedVersion)]
    [InlineData("A0C9000100000000", (int)RtcpParseError.PaddingCountZero)]
    [InlineData("A0C9000100000005", (int)RtcpParseError.PaddingOverrun)]
    public void Framing_errors_are_typed(string hex, int expected)
    {
        Assert.False(RtcpCompoundReader.Validate(Convert.FromHexString(hex), out RtcpParseError error, out _));
        Assert.Equal((RtcpParseError)expected, error);
    }

    [Fact]
    public void Padding_on_the_last_packet_is_removed_from_the_body()
    {
        // RR with no blocks + 4 padding bytes (count 4), P bit set.
        byte[] bytes = Convert.FromHexString("A0C90002" + "0000002A" + "00000004");
        RtcpPacketView packet = RtcpTestData.Frame(bytes);
        Assert.Equal(4, packet.PaddingLength);
        Assert.Equal(4, packet.Body.Length);
        Assert.True(RtcpReceiverReport.TryParse(packet, out RtcpReceiverReport rr, out _));
        Assert.Equal(42u, rr.SenderSsrc);
    }

    [Fact]
    public void Random_datagrams_and_mutations_never_throw_and_always_terminate()
    {
        var random = new Random(5506);
        byte[] seed = [.. RtcpTestData.SrAndSdes, .. RtcpTestData.ReceiverReport, .. RtcpTestData.GoodbyeWithReason, .. RtcpTestData.Nack,
            .. RtcpTestData.Pli, .. RtcpTestData.Fir, .. RtcpTestData.Remb, .. RtcpTestData.TransportCc];
        int typedOk = 0;
        for (int i = 0; i < 5000; i++)
        {
            byte[] datagram;
            if (i % 2 == 0)
            {
                datagram = (byte[])seed.Clone();
                int flips = random.Next(1, 8);
                for (int f = 0; f < flips; f++)
                {
                    datagram[random.Next(datagram.Length)] = (byte)random.Next(256);
                }

                datagram = datagram[..random.Next(datagram.Length + 1)];
            }
            else
            {
                datagram = new byte[random.Next(80)];
                random.NextBytes(datagram);
                if (datagram.Length > 0)
                {
                    datagram[0] = (byte)(0x80 | (datagram[0] & 0x3F));
                }
            }

            var reader = new RtcpCompoundReader(datagram);
            int steps = 0;
            while (reader.MoveNext())
            {
                steps++;
                Assert.True(steps <= datagram.Length / 4);
                typedOk += RtcpFuzzProbe.ExerciseTypedReaders(reader.Current);
            }
        }

        Assert.True(typedOk > 100);
    }
}

internal static class RtcpFuzzProbe
{
    public static int ExerciseTypedReaders(RtcpPacketView packet)
    {
        int ok = 0;
        if (RtcpSenderReport.TryParse(packet, out RtcpSenderReport sr, out _))
        {
            ok++;
            _ = sr.SenderInfo;
            for (int i = 0; i < sr.ReportCount; i++)
            {
                _ = sr.GetReportBlock(i);
            }
        }

        if (RtcpReceiverReport.TryParse(packet, out RtcpReceiverReport rr, out _))
        {
            ok++;
            for (int i = 0; i < rr.ReportCount; i++)
            {
                _ = rr.GetReportBlock(i);
            }
        }

        if (RtcpSourceDescription.TryParse(packet, out RtcpSourceDescription sdes, out _))
        {
            ok++;
            foreach (RtcpSdesItemView item in sdes)
            {
                Assert.NotEqual(RtcpSdesItemType.End, item.Type);
            }
        }

        if (RtcpGoodbye.TryParse(packet, out RtcpGoodbye bye, out _))
        {
            ok++;
            for (int i = 0; i < bye.SourceCount; i++)
            {
                _ = bye.GetSsrc(i);
            }
        }

        if (RtcpGenericNack.TryParse(packet, out RtcpGenericNack nack, out _))
        {
            ok++;
            int lost = 0;
            foreach (ushort seq in nack.GetLostSequenceNumbers())
            {
                lost++;
            }

            Assert.InRange(lost, nack.PairCount, 17 * nack.PairCount);
        }

        if (RtcpFullIntraRequest.TryParse(packet, out RtcpFullIntraRequest fir, out _))
        {
            ok++;
            for (int i = 0; i < fir.EntryCount; i++)
            {
                _ = fir.GetEntry(i);
            }
        }

        if (RtcpRemb.TryParse(packet, out RtcpRemb remb, out _))
        {
            ok++;
            for (int i = 0; i < remb.SsrcCount; i++)
            {
                _ = remb.GetSsrc(i);
            }
        }

        if (RtcpPictureLossIndication.TryParse(packet, out _, out _))
        {
            ok++;
        }

        return ok;
    }
}

public class RtcpDemultiplexerTests
{
    [Theory]
    [InlineData("81C8", true)] // SR
    [InlineData("81CD", true)] // RTPFB
    [InlineData("80DF", true)] // 223, top of the range
    [InlineData("80E0", false)] // 224: RTP PT 96 with marker
    [InlineData("806F", false)] // RTP PT 111
    [InlineData("80EF", false)] // RTP PT 111 with marker
    [InlineData("80BF", false)] // 191
    [InlineData("80", false)]
    public void Tells_rtcp_from_rtp_by_the_second_byte(string hex, bool expected)
    {
        Assert.Equal(expected, RtcpDemultiplexer.IsRtcp(Convert.FromHexString(hex)));
    }
}
