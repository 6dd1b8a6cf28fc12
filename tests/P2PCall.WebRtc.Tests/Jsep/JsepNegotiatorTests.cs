using P2PCall.WebRtc.Jsep;
using P2PCall.WebRtc.Sdp;

namespace P2PCall.WebRtc.Tests.Jsep;

public class JsepNegotiatorTests
{
    private static readonly SdpFingerprint OurFingerprint = new("sha-256", string.Join(':', Enumerable.Range(0, 32).Select(i => i.ToString("X2", System.Globalization.CultureInfo.InvariantCulture))));

    private static JsepNegotiator NewNegotiator(string ufrag = "abcd", SdpFingerprint? fingerprint = null) =>
        new(new LocalTransportInfo(ufrag, "0123456789abcdefghijkl" + ufrag, [fingerprint ?? OurFingerprint], "cname-" + ufrag));

    /// <summary>The seed's side: audio and video added with addTrack, then createDataChannel("chat").</summary>
    private static JsepNegotiator SeedSide(string ufrag = "abcd")
    {
        var n = NewNegotiator(ufrag);
        var audio = n.AddTransceiver(MediaKind.Audio, RTCRtpTransceiverDirection.SendRecv, createdByAddTrack: true);
        audio.SendTrackId = "audio-" + ufrag;
        var video = n.AddTransceiver(MediaKind.Video, RTCRtpTransceiverDirection.SendRecv, createdByAddTrack: true);
        video.SendTrackId = "video-" + ufrag;
        n.DataChannelRequested = true;
        return n;
    }

    private static SessionDescription Load(string name) =>
        SessionDescription.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", name)));

    [Fact]
    public void Offer_has_chromiums_shape_audio_video_and_data_bundled()
    {
        var n = SeedSide();

        var offer = SessionDescription.Parse(n.CreateOffer().ToString());

        Assert.Equal(["0", "1", "2"], offer.GetBundleGroup()!.Mids);
        Assert.Equal(["audio", "video", "application"], offer.Media.Select(m => m.MediaType));
        Assert.All(offer.Media, m =>
        {
            Assert.Equal(SdpSetupRole.ActPass, m.Setup);
            Assert.Equal("abcd", m.IceUfrag);
            Assert.Equal(OurFingerprint, m.Fingerprint);
            Assert.True(m.SupportsTrickle);
        });
        Assert.Equal(["opus", "PCMU", "PCMA"], offer.Media[0].GetCodecs().Select(c => c.Name));
        Assert.Equal("minptime=10;useinbandfec=1", offer.Media[0].GetCodecs()[0].Fmtp);
        var vp8 = Assert.Single(offer.Media[1].GetCodecs());
        Assert.Equal(("VP8", (byte)96), (vp8.Name, vp8.PayloadType));
        Assert.Contains(vp8.Feedback, f => f.Type == "nack" && f.Subtype == "pli");
        Assert.Equal(new SdpMsid("-", "audio-abcd"), offer.Media[0].Msid);
        Assert.True(offer.Media.Take(2).All(m => m.RtcpMux && m.Ssrcs.Any(s => s.Attribute == "cname")));
        Assert.Equal((ushort)5000, offer.Media[2].SctpPort);
        Assert.Equal(262144UL, offer.Media[2].MaxMessageSize);
        Assert.False(offer.TryFindBundleExtmapConflict(out _, out _));
        Assert.Contains("a=msid-semantic: WMS\r\n", offer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Chromium_offer_is_answered_with_its_payload_types_and_active_setup()
    {
        var n = SeedSide();

        var result = n.SetRemote(RTCSdpType.Offer, Load("chromium-156-offer.sdp"));
        var answer = n.CreateAnswer();
        n.SetLocal(RTCSdpType.Answer, answer);

        Assert.Equal("J9tx", result.Transport!.IceUfrag);
        Assert.Equal(2, result.NewlyReceiving.Count);
        Assert.Equal("39f6117a-313a-4301-93be-4b92b0b51d0b", result.NewlyReceiving[0].RemoteTrackId);
        Assert.Equal(2, n.Transceivers.Count); // the addTrack transceivers were reused, none created
        Assert.Equal(["opus", "PCMU", "PCMA"], n.Transceivers[0].NegotiatedCodecs.Select(c => c.Name));
        Assert.Equal([(byte)111, (byte)0, (byte)8], n.Transceivers[0].NegotiatedCodecs.Select(c => c.PayloadType));
        Assert.Equal((byte)96, Assert.Single(n.Transceivers[1].NegotiatedCodecs).PayloadType);
        var parsed = SessionDescription.Parse(answer.ToString());
        Assert.Equal(["0", "1", "2"], parsed.GetBundleGroup()!.Mids);
        Assert.All(parsed.Media, m => Assert.Equal(SdpSetupRole.Active, m.Setup));
        Assert.Equal(SdpDirection.SendRecv, parsed.Media[0].Direction);
        Assert.Contains(parsed.Media[0].Extmaps, e => e.Uri == JsepCapabilities.MidExtension && e.Id == 4);
        Assert.Equal((ushort)5000, parsed.Media[2].SctpPort);
        Assert.Equal(RTCSignalingState.Stable, n.SignalingState);
        Assert.True(n.IsDtlsClient);
        Assert.False(n.IsOfferer);
        Assert.All(n.Transceivers, t => Assert.Equal(RTCRtpTransceiverDirection.SendRecv, t.CurrentDirection));
    }

    [Fact]
    public void Chromium_answer_to_our_offer_negotiates_and_makes_us_the_dtls_server()
    {
        var n = SeedSide();
        n.SetLocal(RTCSdpType.Offer, n.CreateOffer());

        var result = n.SetRemote(RTCSdpType.Answer, Load("chromium-156-answer.sdp"));

        Assert.Equal(RTCSignalingState.Stable, n.SignalingState);
        Assert.False(n.IsDtlsClient);
        Assert.True(n.IsOfferer);
        Assert.Equal("ZsJ/", result.Transport!.IceUfrag);
        Assert.Equal(2, result.NewlyReceiving.Count);
        Assert.Equal([(byte)111, (byte)0, (byte)8], n.Transceivers[0].NegotiatedCodecs.Select(c => c.PayloadType));
        Assert.Equal("2", n.DataMid);
        Assert.Equal((ushort)5000, result.Transport.SctpPort);
        Assert.Equal(262144UL, result.Transport.MaxMessageSize);
    }

    [Fact]
    public void Two_negotiators_agree_on_codecs_directions_and_complementary_dtls_roles()
    {
        var caller = SeedSide("aaaa");
        var callee = SeedSide("bbbb");

        var offer = caller.CreateOffer();
        caller.SetLocal(RTCSdpType.Offer, offer);
        var atCallee = callee.SetRemote(RTCSdpType.Offer, SessionDescription.Parse(offer.ToString()));
        var answer = callee.CreateAnswer();
        callee.SetLocal(RTCSdpType.Answer, answer);
        var atCaller = caller.SetRemote(RTCSdpType.Answer, SessionDescription.Parse(answer.ToString()));

        Assert.Equal(["audio-aaaa", "video-aaaa"], atCallee.NewlyReceiving.Select(t => t.RemoteTrackId));
        Assert.Equal(["audio-bbbb", "video-bbbb"], atCaller.NewlyReceiving.Select(t => t.RemoteTrackId));
        Assert.NotEqual(caller.IsDtlsClient, callee.IsDtlsClient);
        Assert.Equal(caller.Transceivers[0].NegotiatedCodecs, callee.Transceivers[0].NegotiatedCodecs);
        Assert.Equal(callee.Transceivers[1].SendSsrc, Assert.Single(caller.Transceivers[1].RemoteSsrcs));
        Assert.All(caller.Transceivers.Concat(callee.Transceivers), t => Assert.Equal(RTCRtpTransceiverDirection.SendRecv, t.CurrentDirection));
    }

    [Fact]
    public void A_side_without_tracks_answers_recvonly_and_gets_new_transceivers()
    {
        var caller = SeedSide("aaaa");
        var callee = NewNegotiator("bbbb");
        callee.DataChannelRequested = true;

        callee.SetRemote(RTCSdpType.Offer, caller.CreateOffer());
        var answer = callee.CreateAnswer();

        Assert.Equal(2, callee.Transceivers.Count);
        Assert.All(callee.Transceivers, t => Assert.False(t.CreatedByAddTrack));
        Assert.Equal([SdpDirection.RecvOnly, SdpDirection.RecvOnly], answer.Media.Take(2).Select(m => m.Direction));
        Assert.All(answer.Media.Take(2), m => Assert.Null(m.Msid));
    }

    [Theory]
    [InlineData(SdpDirection.RecvOnly, SdpDirection.SendOnly)]
    [InlineData(SdpDirection.SendOnly, SdpDirection.RecvOnly)]
    [InlineData(SdpDirection.Inactive, SdpDirection.Inactive)]
    public void Answer_direction_is_the_reverse_of_the_offer_limited_by_ours(SdpDirection offered, SdpDirection expected)
    {
        var offer = Load("chromium-156-offer.sdp");
        offer.Media[0].Direction = offered;
        var n = SeedSide();

        n.SetRemote(RTCSdpType.Offer, offer);

        Assert.Equal(expected, n.CreateAnswer().Media[0].Direction);
    }

    [Fact]
    public void Signaling_state_machine_refuses_invalid_transitions()
    {
        var n = SeedSide();

        Assert.Throws<InvalidStateException>(() => n.SetRemote(RTCSdpType.Answer, Load("chromium-156-answer.sdp")));
        Assert.Throws<InvalidStateException>(() => n.CreateAnswer());
        Assert.Throws<InvalidStateException>(() => n.SetLocal(RTCSdpType.Rollback, new SessionDescription()));
        var offer = n.CreateOffer();
        n.SetLocal(RTCSdpType.Offer, offer);
        Assert.Equal(RTCSignalingState.HaveLocalOffer, n.SignalingState);
        Assert.Throws<InvalidStateException>(() => n.SetRemote(RTCSdpType.Offer, Load("chromium-156-offer.sdp")));
        n.SetLocal(RTCSdpType.Rollback, new SessionDescription());
        Assert.Equal(RTCSignalingState.Stable, n.SignalingState);
        Assert.Null(n.LocalDescription);
    }

    [Fact]
    public void A_local_description_with_foreign_credentials_is_refused()
    {
        var n = SeedSide();
        var offer = n.CreateOffer();
        foreach (var m in offer.Media)
        {
            m.IceUfrag = "evil";
        }

        Assert.Throws<SdpNegotiationException>(() => n.SetLocal(RTCSdpType.Offer, offer));
        Assert.Equal(RTCSignalingState.Stable, n.SignalingState);
    }

    [Theory]
    [InlineData("ice-ufrag")]
    [InlineData("ice-pwd")]
    [InlineData("fingerprint")]
    [InlineData("rtcp-mux")]
    [InlineData("group")]
    [InlineData("mid")]
    public void Remote_offer_missing_a_required_attribute_is_refused(string attribute)
    {
        var offer = Load("chromium-156-offer.sdp");
        offer.Attributes.RemoveAll(attribute);
        foreach (var m in offer.Media)
        {
            m.Attributes.RemoveAll(attribute);
        }

        var n = SeedSide();

        Assert.Throws<SdpNegotiationException>(() => n.SetRemote(RTCSdpType.Offer, offer));
        Assert.Equal(RTCSignalingState.Stable, n.SignalingState);
    }

    [Fact]
    public void Answer_with_a_different_number_of_m_lines_is_refused()
    {
        var n = SeedSide();
        n.SetLocal(RTCSdpType.Offer, n.CreateOffer());
        var answer = Load("chromium-156-answer.sdp");
        answer.Media.RemoveAt(2);

        Assert.Throws<SdpNegotiationException>(() => n.SetRemote(RTCSdpType.Answer, answer));
    }

    [Fact]
    public void Legacy_sctpmap_data_offer_is_answered_in_the_same_form()
    {
        var offer = SessionDescription.Parse(
            "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE data\r\n" +
            "m=application 9 DTLS/SCTP 5000\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:wxyz\r\na=ice-pwd:0123456789012345678901\r\n" +
            "a=fingerprint:sha-256 " + OurFingerprint.Value + "\r\na=setup:actpass\r\na=mid:data\r\na=sctpmap:5000 webrtc-datachannel 1024\r\n");
        var n = NewNegotiator();
        n.DataChannelRequested = true;

        var result = n.SetRemote(RTCSdpType.Offer, offer);
        var answer = SessionDescription.Parse(n.CreateAnswer().ToString());

        Assert.Equal((ushort)5000, result.Transport!.SctpPort);
        var media = Assert.Single(answer.Media);
        Assert.Equal("DTLS/SCTP", media.Protocol);
        Assert.Equal((ushort)5000, Assert.Single(media.SctpMaps).Port);
        Assert.Equal("data", media.Mid);
    }

    [Fact]
    public void Unsupported_codecs_only_reject_the_m_line()
    {
        var offer = Load("chromium-156-offer.sdp");
        var video = offer.Media[1];
        foreach (var pt in video.Formats.ToList())
        {
            if (video.GetCodecs().FirstOrDefault(c => c.PayloadType.ToString(System.Globalization.CultureInfo.InvariantCulture) == pt) is { Name: "VP8" })
            {
                video.Formats.Remove(pt);
            }
        }

        var n = SeedSide();
        n.SetRemote(RTCSdpType.Offer, offer);
        var answer = n.CreateAnswer();

        Assert.Equal(0, answer.Media[1].Port);
        Assert.Equal("1", answer.Media[1].Mid);
        Assert.Equal(["0", "2"], answer.GetBundleGroup()!.Mids);
    }
}
