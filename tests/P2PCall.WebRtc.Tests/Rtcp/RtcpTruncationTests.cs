using P2PCall.WebRtc.Rtcp;

namespace P2PCall.WebRtc.Tests.Rtcp;

public class RtcpTruncationTests
{
    [Fact]
    public void Every_truncation_of_a_sender_report_fails() =>
        RtcpTestData.AssertEveryTruncationFails(RtcpTestData.SrAndSdes[..52], p => RtcpSenderReport.TryParse(p, out _, out _));

    [Fact]
    public void Every_truncation_of_a_receiver_report_fails() =>
        RtcpTestData.AssertEveryTruncationFails(RtcpTestData.ReceiverReport, p => RtcpReceiverReport.TryParse(p, out _, out _));

    [Fact]
    public void Every_truncation_of_a_source_description_fails() =>
        RtcpTestData.AssertEveryTruncationFails(RtcpTestData.SrAndSdes[52..], p => RtcpSourceDescription.TryParse(p, out _, out _));

    [Fact]
    public void Every_truncation_of_a_goodbye_fails_except_dropping_the_whole_reason() =>
        RtcpTestData.AssertEveryTruncationFails(RtcpTestData.GoodbyeWithReason, p => RtcpGoodbye.TryParse(p, out _, out _), 8);

    [Fact]
    public void Every_truncation_of_a_nack_fails() =>
        RtcpTestData.AssertEveryTruncationFails(RtcpTestData.Nack, p => RtcpGenericNack.TryParse(p, out _, out _));

    [Fact]
    public void Every_truncation_of_a_pli_fails() =>
        RtcpTestData.AssertEveryTruncationFails(RtcpTestData.Pli, p => RtcpPictureLossIndication.TryParse(p, out _, out _));

    [Fact]
    public void Every_truncation_of_a_fir_fails() =>
        RtcpTestData.AssertEveryTruncationFails(RtcpTestData.Fir, p => RtcpFullIntraRequest.TryParse(p, out _, out _));

    [Fact]
    public void Every_truncation_of_a_remb_fails() =>
        RtcpTestData.AssertEveryTruncationFails(RtcpTestData.Remb, p => RtcpRemb.TryParse(p, out _, out _));

    [Fact]
    public void Every_truncation_of_a_compound_datagram_stops_with_an_error_or_at_a_packet_boundary()
    {
        byte[] datagram = RtcpTestData.SrAndSdes;
        for (int length = 0; length < datagram.Length; length++)
        {
            bool valid = RtcpCompoundReader.Validate(datagram.AsSpan(0, length), out RtcpParseError error, out int count);
            Assert.Equal(length == 52, valid); // only the cut right after the SR frames cleanly
            Assert.Equal(valid ? RtcpParseError.None : error, error);
            Assert.Equal(length >= 52 ? 1 : 0, count);
        }
    }

    [Fact]
    public void An_sdes_item_length_past_the_packet_fails()
    {
        byte[] bytes = Convert.FromHexString("81CA0002" + "00000001" + "01090000");
        Assert.False(RtcpSourceDescription.TryParse(RtcpTestData.Frame(bytes), out _, out RtcpParseError error));
        Assert.Equal(RtcpParseError.MalformedSourceDescription, error);
    }

    [Fact]
    public void A_bye_reason_length_past_the_packet_fails()
    {
        byte[] bytes = Convert.FromHexString("81CB0002" + "00000001" + "05414243");
        Assert.False(RtcpGoodbye.TryParse(RtcpTestData.Frame(bytes), out _, out RtcpParseError error));
        Assert.Equal(RtcpParseError.MalformedByeReason, error);
    }

    [Fact]
    public void A_fir_with_half_an_entry_fails()
    {
        byte[] bytes = Convert.FromHexString("84CE0003" + "00000001" + "00000000" + "00000002");
        Assert.False(RtcpFullIntraRequest.TryParse(RtcpTestData.Frame(bytes), out _, out RtcpParseError error));
        Assert.Equal(RtcpParseError.MalformedFeedback, error);
    }
}
