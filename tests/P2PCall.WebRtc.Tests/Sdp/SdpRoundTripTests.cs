using P2PCall.WebRtc.Sdp;

namespace P2PCall.WebRtc.Tests.Sdp;

public class SdpRoundTripTests
{
    public static TheoryData<string> Files => new(SdpTestData.AllFiles);

    [Theory]
    [MemberData(nameof(Files))]
    public void Serializing_a_parsed_chromium_file_reproduces_it_exactly(string file)
    {
        string text = SdpTestData.Load(file);
        Assert.Contains("\r\n", text, StringComparison.Ordinal);

        Assert.Equal(text, SessionDescription.Parse(text).ToString());
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Parse_serialize_parse_gives_the_same_model(string file)
    {
        SessionDescription first = SessionDescription.Parse(SdpTestData.Load(file));

        SessionDescription second = SessionDescription.Parse(first.ToString());

        SdpTestData.AssertSameModel(first, second);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Accepts_lf_line_ends_and_writes_crlf(string file)
    {
        string crlf = SdpTestData.Load(file);
        string lf = crlf.Replace("\r\n", "\n", StringComparison.Ordinal);

        SessionDescription sdp = SessionDescription.Parse(lf);

        Assert.Equal(crlf, sdp.ToString());
    }

    [Fact]
    public void Accepts_a_missing_final_line_break_and_writes_a_final_crlf()
    {
        string crlf = SdpTestData.Load(SdpTestData.Offer);

        SessionDescription sdp = SessionDescription.Parse(crlf.TrimEnd('\r', '\n'));

        Assert.EndsWith("a=max-message-size:262144\r\n", sdp.ToString(), StringComparison.Ordinal);
        Assert.Equal(crlf, sdp.ToString());
    }

    [Fact]
    public void Accepts_mixed_line_ends()
    {
        SessionDescription sdp = SessionDescription.Parse("v=0\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\nt=0 0\r\na=ice-lite\n");

        Assert.True(sdp.IceLite);
        Assert.Equal("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-lite\r\n", sdp.ToString());
    }

    [Fact]
    public void Keeps_unknown_attributes_and_all_session_lines_in_rfc_order()
    {
        const string text =
            "v=0\r\n" +
            "o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5\r\n" +
            "s=SDP Seminar\r\n" +
            "i=A Seminar on the session description protocol\r\n" +
            "u=http://www.example.com/seminars/sdp.pdf\r\n" +
            "e=j.doe@example.com (Jane Doe)\r\n" +
            "p=+1 617 555-6011\r\n" +
            "c=IN IP4 224.2.17.12/127\r\n" +
            "b=CT:128\r\n" +
            "t=2873397496 2873404696\r\n" +
            "r=7d 1h 0 25h\r\n" +
            "z=2882844526 -1h 2898848070 0\r\n" +
            "k=prompt\r\n" +
            "a=recvonly\r\n" +
            "a=x-custom:some value: with colons\r\n" +
            "a=x-flag\r\n" +
            "a=x-empty:\r\n" +
            "m=audio 49170 RTP/AVP 0\r\n" +
            "i=voice\r\n" +
            "c=IN IP4 224.2.17.12/127\r\n" +
            "c=IN IP4 224.2.17.13/127\r\n" +
            "b=AS:64\r\n" +
            "k=prompt\r\n" +
            "m=video 51372/2 RTP/AVP 99\r\n" +
            "a=rtpmap:99 h263-1998/90000\r\n";

        SessionDescription sdp = SessionDescription.Parse(text);

        Assert.Equal(text, sdp.ToString());
        Assert.Equal("A Seminar on the session description protocol", sdp.Information);
        Assert.Equal(new SdpConnection("IN", "IP4", "224.2.17.12/127"), sdp.Connection);
        Assert.Equal(new SdpBandwidth("CT", 128), Assert.Single(sdp.Bandwidths));
        Assert.Equal(new SdpTiming(2873397496, 2873404696, ["7d 1h 0 25h"]), Assert.Single(sdp.Timings));
        Assert.Equal(SdpDirection.RecvOnly, sdp.Direction);
        Assert.Equal(SdpDirection.RecvOnly, sdp.GetDirection(sdp.Media[0]));
        Assert.Equal("some value: with colons", sdp.Attributes.GetValue("x-custom"));
        Assert.Null(sdp.Attributes.Find("x-flag")!.Value);
        Assert.Equal(string.Empty, sdp.Attributes.GetValue("x-empty"));
        Assert.Equal(2, sdp.Media[0].Connections.Count);
        Assert.Equal(new SdpBandwidth("AS", 64), Assert.Single(sdp.Media[0].Bandwidths));
        Assert.Equal(new SdpCodec(0, "PCMU", 8000), Assert.Single(sdp.Media[0].GetCodecs()));
        Assert.Equal(2, sdp.Media[1].PortCount);
        Assert.Equal(51372, sdp.Media[1].Port);
    }

    [Fact]
    public void Writes_session_lines_in_rfc_order_when_read_out_of_order()
    {
        // a= before t= and c= after b= are read leniently, then written in RFC 8866 §5 order.
        SessionDescription sdp = SessionDescription.Parse(
            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\na=tool:x\r\nb=AS:5\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n");

        Assert.Equal(
            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nb=AS:5\r\nt=0 0\r\na=tool:x\r\n",
            sdp.ToString());
    }

    [Fact]
    public void Parses_the_older_dtls_sctp_data_channel_form()
    {
        const string text =
            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE data\r\n" +
            "m=application 9 DTLS/SCTP 5000\r\n" +
            "c=IN IP4 0.0.0.0\r\n" +
            "a=mid:data\r\n" +
            "a=sctpmap:5000 webrtc-datachannel 1024\r\n";

        SessionDescription sdp = SessionDescription.Parse(text);

        MediaDescription data = Assert.Single(sdp.Media);
        Assert.True(data.IsDataChannel);
        Assert.Equal("DTLS/SCTP", data.Protocol);
        Assert.Equal(["5000"], data.Formats);
        Assert.Null(data.SctpPort);
        Assert.Equal(new SdpSctpMap(5000, "webrtc-datachannel", 1024), Assert.Single(data.SctpMaps));
        Assert.Equal((ushort)5000, data.EffectiveSctpPort);
        Assert.Null(data.MaxMessageSize);
        Assert.Same(data, sdp.FindMediaByMid("data"));
        Assert.Equal(text, sdp.ToString());
    }

    [Fact]
    public void Parses_a_firefox_style_offer_with_session_level_fingerprint_and_end_of_candidates()
    {
        // Shape of a Firefox offer (written here by hand): fingerprint and ice-options at session level,
        // extmap with a direction, braces in msid, end-of-candidates after gathering.
        const string text =
            "v=0\r\n" +
            "o=mozilla...THIS_IS_SDPARTA-99.0 5017289626429373616 0 IN IP4 0.0.0.0\r\n" +
            "s=-\r\n" +
            "t=0 0\r\n" +
            "a=fingerprint:sha-256 0A:1B:2C\r\n" +
            "a=group:BUNDLE 0 1\r\n" +
            "a=ice-options:trickle\r\n" +
            "a=msid-semantic:WMS *\r\n" +
            "m=audio 50000 UDP/TLS/RTP/SAVPF 109 9 0 8 101\r\n" +
            "c=IN IP4 127.0.0.1\r\n" +
            "a=candidate:0 1 UDP 2122252543 127.0.0.1 50000 typ host\r\n" +
            "a=sendrecv\r\n" +
            "a=end-of-candidates\r\n" +
            "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n" +
            "a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level\r\n" +
            "a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1\r\n" +
            "a=fmtp:101 0-15\r\n" +
            "a=ice-pwd:2d2b0a1b4e8c7d6f5a4b3c2d1e0f9a8b\r\n" +
            "a=ice-ufrag:8a1b2c3d\r\n" +
            "a=mid:0\r\n" +
            "a=msid:{5b1e2a3c-0000-4000-8000-000000000001} {9c8d7e6f-0000-4000-8000-000000000002}\r\n" +
            "a=rtcp-mux\r\n" +
            "a=rtpmap:109 opus/48000/2\r\n" +
            "a=rtpmap:9 G722/8000/1\r\n" +
            "a=rtpmap:0 PCMU/8000\r\n" +
            "a=rtpmap:8 PCMA/8000\r\n" +
            "a=rtpmap:101 telephone-event/8000/1\r\n" +
            "a=setup:actpass\r\n" +
            "a=ssrc:1234567890 cname:{0a0b0c0d-0000-4000-8000-000000000003}\r\n" +
            "m=application 50000 UDP/DTLS/SCTP webrtc-datachannel\r\n" +
            "c=IN IP4 127.0.0.1\r\n" +
            "a=sendrecv\r\n" +
            "a=ice-pwd:2d2b0a1b4e8c7d6f5a4b3c2d1e0f9a8b\r\n" +
            "a=ice-ufrag:8a1b2c3d\r\n" +
            "a=mid:1\r\n" +
            "a=setup:actpass\r\n" +
            "a=sctp-port:5000\r\n" +
            "a=max-message-size:1073741823\r\n";

        SessionDescription sdp = SessionDescription.Parse(text);

        Assert.Equal(text, sdp.ToString());
        Assert.Equal("mozilla...THIS_IS_SDPARTA-99.0", sdp.Origin.Username);
        Assert.Equal(0UL, sdp.Origin.SessionVersion);
        Assert.Equal(["trickle"], sdp.IceOptions);
        Assert.Empty(sdp.Media[0].Fingerprints);
        Assert.Equal(new SdpFingerprint("sha-256", "0A:1B:2C"), sdp.GetFingerprints(sdp.Media[1]).Single());
        MediaDescription audio = sdp.Media[0];
        Assert.True(audio.EndOfCandidates);
        Assert.Single(audio.Candidates);
        Assert.Equal(new SdpExtmap(2, "urn:ietf:params:rtp-hdrext:csrc-audio-level", SdpDirection.RecvOnly), audio.Extmaps[1]);
        Assert.Equal("{9c8d7e6f-0000-4000-8000-000000000002}", audio.Msid!.TrackId);
        Assert.Equal(
            [(109, "opus", 2u), (9, "G722", 1u), (0, "PCMU", (uint?)null), (8, "PCMA", null), (101, "telephone-event", 1u)],
            audio.GetCodecs().Select(c => ((int)c.PayloadType, c.Name, c.Channels)));
        Assert.Equal("0-15", audio.GetCodecs()[^1].Fmtp);
        Assert.Equal("1", audio.GetCodecs()[0].GetFmtpParameters()["stereo"]);
        Assert.Equal(1073741823UL, sdp.Media[1].MaxMessageSize);
    }

    [Fact]
    public void Sctpmap_without_stream_count_parses()
    {
        Assert.True(SdpSctpMap.TryParse("5000 webrtc-datachannel", out SdpSctpMap? map));
        Assert.Equal(new SdpSctpMap(5000, "webrtc-datachannel", null), map);
        Assert.Equal("5000 webrtc-datachannel", map.FormatValue());
    }
}
