using P2PCall.WebRtc.Sdp;

namespace P2PCall.WebRtc.Tests.Sdp;

public class SdpBuilderTests
{
    private static readonly byte[] CertificateHash = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();

    [Fact]
    public void Builds_a_jsep_offer_that_reads_back_the_same()
    {
        var offer = new SessionDescription(SdpOrigin.ForJsep(4611686018427387903, 2));
        offer.Groups = [new SdpGroup(SdpGroup.Bundle, ["0", "1"])];
        offer.ExtmapAllowMixed = true;
        offer.Attributes.Add("msid-semantic", " WMS");

        var audio = new MediaDescription("audio", 9, "UDP/TLS/RTP/SAVPF") { Connection = SdpConnection.Placeholder };
        audio.Rtcp = "9 IN IP4 0.0.0.0";
        audio.IceUfrag = "abcd";
        audio.IcePwd = "0123456789abcdefghijklmn";
        audio.IceOptions = ["trickle"];
        audio.Fingerprint = SdpFingerprint.FromHash("sha-256", CertificateHash);
        audio.Setup = SdpSetupRole.ActPass;
        audio.Mid = "0";
        audio.Attributes.AddValue(new SdpExtmap(4, "urn:ietf:params:rtp-hdrext:sdes:mid"));
        audio.Direction = SdpDirection.SendRecv;
        audio.Msid = new SdpMsid(SdpMsid.NoStream, "track-1");
        audio.RtcpMux = true;
        audio.RtcpRsize = true;
        audio.AddCodec(new SdpCodec(111, "opus", 48000, 2, "minptime=10;useinbandfec=1", [new SdpRtcpFeedback(111, "transport-cc")]));
        audio.AddCodec(new SdpCodec(0, "PCMU", 8000));
        audio.Attributes.AddValue(new SdpSsrc(1234, "cname", "me"));

        MediaDescription data = MediaDescription.CreateDataChannel();
        data.Connection = SdpConnection.Placeholder;
        data.IceUfrag = "abcd";
        data.IcePwd = "0123456789abcdefghijklmn";
        data.Fingerprint = audio.Fingerprint;
        data.Setup = SdpSetupRole.ActPass;
        data.Mid = "1";
        data.Attributes.Remove(data.Attributes.Find("sctp-port")!);
        data.SctpPort = 5000;
        offer.Media.Add(audio);
        offer.Media.Add(data);

        string text = offer.ToString();

        Assert.Equal(
            "v=0\r\n" +
            "o=- 4611686018427387903 2 IN IP4 127.0.0.1\r\n" +
            "s=-\r\n" +
            "t=0 0\r\n" +
            "a=group:BUNDLE 0 1\r\n" +
            "a=extmap-allow-mixed\r\n" +
            "a=msid-semantic: WMS\r\n" +
            "m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\n" +
            "c=IN IP4 0.0.0.0\r\n" +
            "a=rtcp:9 IN IP4 0.0.0.0\r\n" +
            "a=ice-ufrag:abcd\r\n" +
            "a=ice-pwd:0123456789abcdefghijklmn\r\n" +
            "a=ice-options:trickle\r\n" +
            $"a=fingerprint:sha-256 {audio.Fingerprint!.Value}\r\n" +
            "a=setup:actpass\r\n" +
            "a=mid:0\r\n" +
            "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n" +
            "a=sendrecv\r\n" +
            "a=msid:- track-1\r\n" +
            "a=rtcp-mux\r\n" +
            "a=rtcp-rsize\r\n" +
            "a=rtpmap:111 opus/48000/2\r\n" +
            "a=rtcp-fb:111 transport-cc\r\n" +
            "a=fmtp:111 minptime=10;useinbandfec=1\r\n" +
            "a=rtpmap:0 PCMU/8000\r\n" +
            "a=ssrc:1234 cname:me\r\n" +
            "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n" +
            "c=IN IP4 0.0.0.0\r\n" +
            "a=max-message-size:262144\r\n" +
            "a=ice-ufrag:abcd\r\n" +
            "a=ice-pwd:0123456789abcdefghijklmn\r\n" +
            $"a=fingerprint:sha-256 {audio.Fingerprint!.Value}\r\n" +
            "a=setup:actpass\r\n" +
            "a=mid:1\r\n" +
            "a=sctp-port:5000\r\n",
            text);
        Assert.StartsWith("00:07:0E:15", audio.Fingerprint.Value, StringComparison.Ordinal);
        SessionDescription back = SessionDescription.Parse(text);
        SdpTestData.AssertSameModel(offer, back);
        Assert.True(back.GetFingerprints(back.Media[1]).Single().Matches("sha-256", CertificateHash));
        Assert.Equal(["0", "1"], back.GetBundleGroup()!.Mids);
    }

    [Fact]
    public void Setters_replace_in_place_and_null_removes()
    {
        SessionDescription sdp = SessionDescription.Parse(SdpTestData.Load(SdpTestData.Offer));
        MediaDescription audio = sdp.Media[0];
        int midIndex = IndexOf(audio, "mid");
        int directionIndex = IndexOf(audio, "sendrecv");
        int count = audio.Attributes.Count;

        audio.Mid = "audio";
        audio.Direction = SdpDirection.RecvOnly;
        audio.Setup = SdpSetupRole.Passive;

        Assert.Equal(midIndex, IndexOf(audio, "mid"));
        Assert.Equal(directionIndex, IndexOf(audio, "recvonly"));
        Assert.Equal(-1, IndexOf(audio, "sendrecv"));
        Assert.Equal(count, audio.Attributes.Count);
        Assert.Equal("audio", audio.Mid);
        Assert.Equal(SdpDirection.RecvOnly, audio.Direction);
        Assert.Equal(SdpSetupRole.Passive, audio.Setup);

        audio.Mid = null;
        audio.RtcpRsize = false;
        audio.IceOptions = [];
        audio.Fingerprint = null;
        audio.Setup = null;
        Assert.Null(audio.Mid);
        Assert.False(audio.RtcpRsize);
        Assert.Empty(audio.IceOptions);
        Assert.Null(audio.Fingerprint);
        Assert.Null(audio.Setup);
        Assert.Equal(count - 5, audio.Attributes.Count);

        audio.RtcpMux = true; // already present: stays single
        audio.RtcpMuxOnly = true;
        Assert.Single(audio.Attributes.FindAll("rtcp-mux"));
        Assert.True(audio.RtcpMuxOnly);
    }

    [Fact]
    public void Groups_setter_replaces_group_lines_at_their_position()
    {
        SessionDescription sdp = SessionDescription.Parse(SdpTestData.Load(SdpTestData.Offer));

        sdp.Groups = [new SdpGroup(SdpGroup.Bundle, ["2"]), new SdpGroup("LS", ["0", "1"])];

        Assert.Equal("group", sdp.Attributes[0].Name);
        Assert.Equal("BUNDLE 2", sdp.Attributes[0].Value);
        Assert.Equal("LS 0 1", sdp.Attributes[1].Value);
        Assert.Equal("extmap-allow-mixed", sdp.Attributes[2].Name);
        Assert.Equal(["2"], sdp.GetBundleGroup()!.Mids);
    }

    [Fact]
    public void Candidates_are_added_before_end_of_candidates()
    {
        var media = new MediaDescription("audio", 9, "UDP/TLS/RTP/SAVPF", ["0"]);
        media.AddCandidate("1 1 udp 1 127.0.0.1 5000 typ host");
        media.EndOfCandidates = true;

        media.AddCandidate("2 1 udp 1 127.0.0.1 5001 typ host");

        Assert.Equal(["1 1 udp 1 127.0.0.1 5000 typ host", "2 1 udp 1 127.0.0.1 5001 typ host"], media.Candidates);
        Assert.Equal("end-of-candidates", media.Attributes[^1].Name);
        Assert.True(media.EndOfCandidates);
    }

    [Fact]
    public void Session_level_values_are_the_fallback_for_media()
    {
        SessionDescription sdp = SessionDescription.Parse(
            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" +
            "a=ice-lite\r\na=ice-ufrag:sess\r\na=ice-pwd:sesspwd\r\na=fingerprint:sha-1 AA:BB\r\na=setup:passive\r\na=inactive\r\n" +
            "m=audio 9 RTP/AVP 0\r\n" +
            "m=audio 9 RTP/AVP 0\r\na=ice-ufrag:own\r\na=ice-pwd:ownpwd\r\na=fingerprint:sha-256 CC:DD\r\na=setup:active\r\na=sendonly\r\n");

        Assert.True(sdp.IceLite);
        MediaDescription first = sdp.Media[0];
        MediaDescription second = sdp.Media[1];
        Assert.Equal(("sess", "sesspwd"), (sdp.GetIceUfrag(first), sdp.GetIcePwd(first)));
        Assert.Equal(("own", "ownpwd"), (sdp.GetIceUfrag(second), sdp.GetIcePwd(second)));
        Assert.Equal(new SdpFingerprint("sha-1", "AA:BB"), sdp.GetFingerprints(first).Single());
        Assert.Equal(new SdpFingerprint("sha-256", "CC:DD"), sdp.GetFingerprints(second).Single());
        Assert.Equal(SdpSetupRole.Passive, sdp.GetSetup(first));
        Assert.Equal(SdpSetupRole.Active, sdp.GetSetup(second));
        Assert.False(first.HasDirection);
        Assert.Equal(SdpDirection.SendRecv, first.Direction);
        Assert.Equal(SdpDirection.Inactive, sdp.GetDirection(first));
        Assert.Equal(SdpDirection.SendOnly, sdp.GetDirection(second));
    }

    [Fact]
    public void Attribute_list_set_keeps_the_first_position_and_drops_duplicates()
    {
        var list = new SdpAttributeList { new SdpAttribute("a", "1"), new SdpAttribute("b"), new SdpAttribute("a", "2") };

        list.Set("a", "3");

        Assert.Equal([new SdpAttribute("a", "3"), new SdpAttribute("b")], list);
        Assert.Equal(1, list.RemoveAll("b"));
        Assert.Equal(0, list.RemoveAll("b"));
        list.Set("c");
        Assert.True(list.Contains("c"));
        Assert.Null(list.GetValue("c"));
        Assert.Equal(["3"], list.GetValues("a"));
    }

    [Fact]
    public void Chromium_offer_has_no_extmap_id_with_two_meanings_in_its_bundle()
    {
        SessionDescription sdp = SessionDescription.Parse(SdpTestData.Load(SdpTestData.Offer));

        Assert.False(sdp.TryFindBundleExtmapConflict(out _, out _));
    }

    [Fact]
    public void Finds_an_extmap_id_with_two_meanings_across_bundled_sections()
    {
        SessionDescription sdp = SessionDescription.Parse(SdpTestData.Load(SdpTestData.Offer));
        sdp.Media[1].Attributes.AddValue(new SdpExtmap(1, "urn:3gpp:video-orientation"));

        Assert.True(sdp.TryFindBundleExtmapConflict(out SdpExtmap? first, out SdpExtmap? second));

        Assert.Equal(new SdpExtmap(1, "urn:ietf:params:rtp-hdrext:ssrc-audio-level"), first);
        Assert.Equal(new SdpExtmap(1, "urn:3gpp:video-orientation"), second);

        sdp.Groups = [new SdpGroup(SdpGroup.Bundle, ["1", "2"])];
        Assert.False(sdp.TryFindBundleExtmapConflict(out _, out _));
    }

    private static int IndexOf(MediaDescription media, string name)
    {
        for (int i = 0; i < media.Attributes.Count; i++)
        {
            if (media.Attributes[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }
}
