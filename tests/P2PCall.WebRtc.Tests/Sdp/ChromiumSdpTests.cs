using P2PCall.WebRtc.Sdp;

namespace P2PCall.WebRtc.Tests.Sdp;

public class ChromiumSdpTests
{
    private const string OfferFingerprint =
        "A7:58:D4:AB:94:26:78:49:F3:3A:13:8D:A1:B3:CF:DC:F5:50:6A:8F:3C:BD:D3:F6:37:F5:8B:C7:92:A9:DB:8F";

    private const string AnswerFingerprint =
        "84:16:12:65:9B:51:6A:82:9C:7D:9E:51:9D:59:AB:84:D7:87:94:95:E8:67:46:F6:F1:81:AE:F6:C7:80:2D:66";

    public static TheoryData<string> Files => new(SdpTestData.AllFiles);

    [Theory]
    [MemberData(nameof(Files))]
    public void Parses_every_chromium_file_into_bundled_audio_video_and_data(string file)
    {
        SessionDescription sdp = SessionDescription.Parse(SdpTestData.Load(file));

        Assert.Equal(0, sdp.Version);
        Assert.Equal("-", sdp.SessionName);
        Assert.Equal(new SdpTiming(0, 0), Assert.Single(sdp.Timings));
        Assert.Equal(["audio", "video", "application"], sdp.Media.Select(m => m.MediaType));
        Assert.Equal(["0", "1", "2"], sdp.Media.Select(m => m.Mid));
        SdpGroup bundle = Assert.IsType<SdpGroup>(sdp.GetBundleGroup());
        Assert.Equal(["0", "1", "2"], bundle.Mids);
        Assert.True(sdp.ExtmapAllowMixed);
        Assert.Equal(" WMS", sdp.Attributes.GetValue("msid-semantic"));
        foreach (MediaDescription m in sdp.Media)
        {
            Assert.Equal(["trickle"], m.IceOptions);
            Assert.True(m.SupportsTrickle);
            Assert.Equal("sha-256", Assert.IsType<SdpFingerprint>(sdp.GetFingerprints(m).Single()).HashFunction);
            Assert.NotNull(sdp.GetIceUfrag(m));
            Assert.NotNull(sdp.GetIcePwd(m));
        }

        Assert.All(sdp.Media.Take(2), m =>
        {
            Assert.True(m.RtcpMux);
            Assert.True(m.RtcpRsize);
            Assert.False(m.RtcpMuxOnly);
            Assert.Equal("9 IN IP4 0.0.0.0", m.Rtcp);
            Assert.Equal(SdpDirection.SendRecv, m.Direction);
            Assert.True(m.HasDirection);
            Assert.Equal("UDP/TLS/RTP/SAVPF", m.Protocol);
            Assert.Equal(SdpMsid.NoStream, Assert.IsType<SdpMsid>(m.Msid).StreamId);
        });
    }

    [Fact]
    public void Parses_chromium_offer_values()
    {
        SessionDescription sdp = SessionDescription.Parse(SdpTestData.Load(SdpTestData.Offer));

        Assert.Equal(new SdpOrigin("-", "8218066011154687811", 2, "IN", "IP4", "127.0.0.1"), sdp.Origin);
        MediaDescription audio = sdp.Media[0];
        Assert.Equal(9, audio.Port);
        Assert.Equal(SdpConnection.Placeholder, audio.Connection);
        Assert.Equal(["111", "63", "9", "0", "8", "13", "110", "126"], audio.Formats);
        Assert.Equal("J9tx", audio.IceUfrag);
        Assert.Equal("1hrDt2iw6DlmHSoYV86fvtK2", audio.IcePwd);
        Assert.Equal(SdpSetupRole.ActPass, audio.Setup);
        Assert.Equal(new SdpFingerprint("sha-256", OfferFingerprint), audio.Fingerprint);
        Assert.True(audio.Fingerprint!.TryGetHash(out byte[]? hash));
        Assert.Equal(32, hash.Length);
        Assert.Equal(0xA7, hash[0]);
        Assert.Equal(new SdpMsid("-", "39f6117a-313a-4301-93be-4b92b0b51d0b"), audio.Msid);
        Assert.Equal(new SdpExtmap(1, "urn:ietf:params:rtp-hdrext:ssrc-audio-level"), audio.Extmaps[0]);
        Assert.Equal(new SdpExtmap(4, "urn:ietf:params:rtp-hdrext:sdes:mid"), audio.Extmaps[3]);
        Assert.Equal(
            [new SdpSsrc(2625525429, "cname", "TuMiWEtiz36MgrjJ"), new SdpSsrc(2625525429, "msid", "- 39f6117a-313a-4301-93be-4b92b0b51d0b")],
            audio.Ssrcs);
        Assert.Empty(audio.Candidates);
        Assert.False(audio.EndOfCandidates);

        SdpCodec opus = audio.GetCodecs()[0];
        Assert.Equal(new SdpCodec(111, "opus", 48000, 2, "minptime=10;useinbandfec=1", [new SdpRtcpFeedback(111, "transport-cc")]), opus);
        Assert.Equal("10", opus.GetFmtpParameters()["minptime"]);
        Assert.Equal("1", opus.GetFmtpParameters()["useinbandfec"]);
        Assert.Equal(
            ["opus", "red", "G722", "PCMU", "PCMA", "CN", "telephone-event", "telephone-event"],
            audio.GetCodecs().Select(c => c.Name));
        Assert.Equal(new SdpRtpMap(63, "red", 48000, 2), audio.RtpMaps[1]);
        Assert.True(audio.Fmtps.Single(f => f.PayloadType == 63).TryGetParameter("111/111", out string? red));
        Assert.Equal(string.Empty, red);

        MediaDescription video = sdp.Media[1];
        Assert.Equal(23, video.Formats.Count);
        SdpCodec vp8 = video.GetCodecs()[0];
        Assert.Equal(96, vp8.PayloadType);
        Assert.Equal("VP8", vp8.Name);
        Assert.Equal(90000u, vp8.ClockRate);
        Assert.Null(vp8.Channels);
        Assert.Null(vp8.Fmtp);
        Assert.Equal(
            [
                new SdpRtcpFeedback(96, "goog-remb"), new SdpRtcpFeedback(96, "transport-cc"), new SdpRtcpFeedback(96, "ccm", "fir"),
                new SdpRtcpFeedback(96, "nack"), new SdpRtcpFeedback(96, "nack", "pli"),
            ],
            vp8.Feedback);
        SdpCodec rtx = video.GetCodecs()[1];
        Assert.Equal(("rtx", "96"), (rtx.Name, rtx.GetFmtpParameters()["apt"]));
        Assert.Equal(
            "42001f",
            video.GetCodecs().Single(c => c.PayloadType == 102).GetFmtpParameters()["PROFILE-LEVEL-ID"]);
        Assert.Equal(new SdpSsrcGroup("FID", [3966065809, 3984269286]), Assert.Single(video.SsrcGroups));
        Assert.Equal(11, video.Extmaps.Count);

        MediaDescription data = sdp.Media[2];
        Assert.True(data.IsDataChannel);
        Assert.False(data.IsRtp);
        Assert.Equal("UDP/DTLS/SCTP", data.Protocol);
        Assert.Equal(["webrtc-datachannel"], data.Formats);
        Assert.Equal((ushort)5000, data.SctpPort);
        Assert.Equal((ushort)5000, data.EffectiveSctpPort);
        Assert.Equal(262144UL, data.MaxMessageSize);
        Assert.Empty(data.GetCodecs());
        Assert.False(data.RtcpMux);
        Assert.Null(data.Msid);
    }

    [Fact]
    public void Parses_chromium_answer_with_active_setup_and_its_own_credentials()
    {
        SessionDescription sdp = SessionDescription.Parse(SdpTestData.Load(SdpTestData.Answer));

        Assert.Equal("4497528153601224128", sdp.Origin.SessionId);
        Assert.All(sdp.Media, m => Assert.Equal(SdpSetupRole.Active, sdp.GetSetup(m)));
        MediaDescription audio = sdp.Media[0];
        Assert.Equal("ZsJ/", audio.IceUfrag);
        Assert.Equal("PDO+MmrvPg302KpMu6GPhzkv", audio.IcePwd);
        Assert.Equal(new SdpFingerprint("sha-256", AnswerFingerprint), audio.Fingerprint);
        Assert.Equal(new SdpMsid("-", "47a5e56b-86ea-42df-a161-4255c852f709"), audio.Msid);
        Assert.Equal(new SdpCodec(111, "opus", 48000, 2, "minptime=10;useinbandfec=1", [new SdpRtcpFeedback(111, "transport-cc")]), audio.GetCodecs()[0]);
        Assert.Equal(262144UL, sdp.FindMediaByMid("2")!.MaxMessageSize);
    }

    [Fact]
    public void Keeps_offer_candidates_in_order_as_written()
    {
        SessionDescription sdp = SessionDescription.Parse(SdpTestData.Load(SdpTestData.OfferWithCandidates));

        int[] ports = [37540, 45496, 59739];
        for (int i = 0; i < 3; i++)
        {
            MediaDescription m = sdp.Media[i];
            Assert.Equal(ports[i], m.Port);
            Assert.Equal(new SdpConnection("IN", "IP4", "127.0.0.1"), m.Connection);
            Assert.Equal(
                $"3798267689 1 udp 2122260223 127.0.0.1 {ports[i]} typ host generation 0 network-id 1 network-cost 50",
                Assert.Single(m.Candidates));
        }
    }

    [Fact]
    public void Keeps_answer_candidate_on_the_bundle_tagged_section()
    {
        SessionDescription sdp = SessionDescription.Parse(SdpTestData.Load(SdpTestData.AnswerWithCandidates));

        Assert.Equal(51921, sdp.Media[0].Port);
        Assert.Equal(
            "4247206338 1 udp 2122260223 127.0.0.1 51921 typ host generation 0 network-id 1 network-cost 50",
            Assert.Single(sdp.Media[0].Candidates));
        Assert.Empty(sdp.Media[1].Candidates);
        Assert.Empty(sdp.Media[2].Candidates);
    }

    [Fact]
    public void Finds_media_by_mid_and_returns_null_for_unknown_mid()
    {
        SessionDescription sdp = SessionDescription.Parse(SdpTestData.Load(SdpTestData.Offer));

        Assert.Same(sdp.Media[1], sdp.FindMediaByMid("1"));
        Assert.Null(sdp.FindMediaByMid("7"));
    }
}
