using P2PCall.WebRtc.Sdp;

namespace P2PCall.WebRtc.Tests.Sdp;

public class SdpAttributeValueTests
{
    [Theory]
    [InlineData("111 opus/48000/2", 111, "opus", 48000u, 2u)]
    [InlineData("96 VP8/90000", 96, "VP8", 90000u, null)]
    [InlineData("0 PCMU/8000", 0, "PCMU", 8000u, null)]
    [InlineData("127 x/1", 127, "x", 1u, null)]
    public void RtpMap_reads_and_writes_back(string value, int pt, string name, uint rate, uint? channels)
    {
        Assert.True(SdpRtpMap.TryParse(value, out SdpRtpMap? map));
        Assert.Equal(new SdpRtpMap((byte)pt, name, rate, channels), map);
        Assert.Equal(value, map.FormatValue());
    }

    [Theory]
    [InlineData("128 opus/48000")]
    [InlineData("-1 opus/48000")]
    [InlineData("111 opus")]
    [InlineData("111 /48000")]
    [InlineData("111 opus/48000/2/1")]
    [InlineData("111 opus/48000/x")]
    [InlineData("111 opus/48000 extra")]
    [InlineData("")]
    [InlineData(null)]
    public void RtpMap_rejects_malformed_values(string? value)
    {
        Assert.False(SdpRtpMap.TryParse(value, out SdpRtpMap? map));
        Assert.Null(map);
    }

    [Fact]
    public void Fmtp_reads_key_value_parameters_case_insensitively_with_spaces()
    {
        Assert.True(SdpFmtp.TryParse("96 profile-level-id=4D401F; packetization-mode=0;;x=1=2;flag", out SdpFmtp? fmtp));

        Assert.Equal(96, fmtp.PayloadType);
        Assert.Equal("profile-level-id=4D401F; packetization-mode=0;;x=1=2;flag", fmtp.Parameters);
        IReadOnlyDictionary<string, string> p = fmtp.GetParameters();
        Assert.Equal("4D401F", p["Profile-Level-Id"]);
        Assert.Equal("0", p["packetization-mode"]);
        Assert.Equal("1=2", p["x"]);
        Assert.Equal(string.Empty, p["flag"]);
        Assert.False(fmtp.TryGetParameter("missing", out _));
        Assert.Equal("96 profile-level-id=4D401F; packetization-mode=0;;x=1=2;flag", fmtp.FormatValue());
    }

    [Fact]
    public void Fmtp_from_parameters_joins_pairs_in_order()
    {
        SdpFmtp fmtp = SdpFmtp.FromParameters(111, [new("minptime", "10"), new("useinbandfec", "1")]);

        Assert.Equal("111 minptime=10;useinbandfec=1", fmtp.FormatValue());
    }

    [Theory]
    [InlineData("96 nack pli", (byte)96, "nack", "pli")]
    [InlineData("96 nack", (byte)96, "nack", null)]
    [InlineData("* ccm fir", null, "ccm", "fir")]
    [InlineData("100 ccm tmmbr smaxpr=120", (byte)100, "ccm", "tmmbr smaxpr=120")]
    public void RtcpFeedback_reads_and_writes_back(string value, byte? pt, string type, string? subtype)
    {
        Assert.True(SdpRtcpFeedback.TryParse(value, out SdpRtcpFeedback? fb));
        Assert.Equal(new SdpRtcpFeedback(pt, type, subtype), fb);
        Assert.Equal(value, fb.FormatValue());
    }

    [Theory]
    [InlineData("1 urn:ietf:params:rtp-hdrext:ssrc-audio-level", 1, null, null)]
    [InlineData("2/sendonly urn:x", 2, SdpDirection.SendOnly, null)]
    [InlineData("4096/recvonly urn:x attr1 attr2", 4096, SdpDirection.RecvOnly, "attr1 attr2")]
    [InlineData("255 urn:x", 255, null, null)]
    public void Extmap_reads_and_writes_back(string value, int id, SdpDirection? direction, string? attributes)
    {
        Assert.True(SdpExtmap.TryParse(value, out SdpExtmap? extmap));
        Assert.Equal(new SdpExtmap((ushort)id, value.Split(' ')[1], direction, attributes), extmap);
        Assert.Equal(value, extmap.FormatValue());
    }

    [Theory]
    [InlineData("0 urn:x")]
    [InlineData("256 urn:x")]
    [InlineData("4352 urn:x")]
    [InlineData("1/ urn:x")]
    [InlineData("x urn:x")]
    [InlineData("1")]
    public void Extmap_rejects_malformed_values(string value)
    {
        Assert.False(SdpExtmap.TryParse(value, out _));
    }

    [Fact]
    public void Ssrc_reads_attribute_with_and_without_value()
    {
        Assert.True(SdpSsrc.TryParse("3966065809 msid:- 532e199b", out SdpSsrc? msid));
        Assert.Equal(new SdpSsrc(3966065809, "msid", "- 532e199b"), msid);
        Assert.Equal("3966065809 msid:- 532e199b", msid.FormatValue());

        Assert.True(SdpSsrc.TryParse("1 flag", out SdpSsrc? flag));
        Assert.Equal(new SdpSsrc(1, "flag"), flag);
        Assert.Equal("1 flag", flag.FormatValue());
    }

    [Fact]
    public void SsrcGroup_and_Group_compare_by_content()
    {
        Assert.True(SdpSsrcGroup.TryParse("FID 1 2", out SdpSsrcGroup? fid));
        Assert.Equal(new SdpSsrcGroup("FID", [1, 2]), fid);
        Assert.Equal(new SdpSsrcGroup("FID", [1, 2]).GetHashCode(), fid.GetHashCode());
        Assert.NotEqual(new SdpSsrcGroup("FID", [2, 1]), fid);
        Assert.Equal("FID 1 2", fid.FormatValue());

        Assert.True(SdpGroup.TryParse("BUNDLE", out SdpGroup? empty));
        Assert.Empty(empty.Mids);
        Assert.True(empty.IsBundle);
        Assert.Equal("BUNDLE", empty.FormatValue());
        Assert.True(SdpGroup.TryParse("LS a b", out SdpGroup? ls));
        Assert.False(ls.IsBundle);
        Assert.Equal(new SdpGroup("LS", ["a", "b"]), ls);
    }

    [Fact]
    public void Msid_with_stream_only_and_with_track()
    {
        Assert.True(SdpMsid.TryParse("stream1", out SdpMsid? streamOnly));
        Assert.Equal(new SdpMsid("stream1"), streamOnly);
        Assert.False(streamOnly.HasNoStream);
        Assert.True(SdpMsid.TryParse("- track", out SdpMsid? noStream));
        Assert.True(noStream.HasNoStream);
        Assert.Equal("- track", noStream.FormatValue());
    }

    [Fact]
    public void Fingerprint_from_hash_matches_the_same_hash_only()
    {
        byte[] hash = [0xA7, 0x58, 0x0D, 0xFF];

        SdpFingerprint fp = SdpFingerprint.FromHash("sha-256", hash);

        Assert.Equal("A7:58:0D:FF", fp.Value);
        Assert.True(fp.Matches("SHA-256", hash));
        Assert.False(fp.Matches("sha-1", hash));
        Assert.False(fp.Matches("sha-256", [0xA7, 0x58, 0x0D, 0xFE]));
        Assert.False(new SdpFingerprint("sha-256", "A7:5").TryGetHash(out _));
        Assert.False(new SdpFingerprint("sha-256", "G7:58").TryGetHash(out _));
        Assert.False(new SdpFingerprint("sha-256", "A7::58").TryGetHash(out _));
    }

    [Theory]
    [InlineData("actpass", SdpSetupRole.ActPass)]
    [InlineData("active", SdpSetupRole.Active)]
    [InlineData("passive", SdpSetupRole.Passive)]
    [InlineData("holdconn", SdpSetupRole.HoldConn)]
    public void Setup_roles_round_trip(string text, SdpSetupRole role)
    {
        Assert.True(SdpEnumText.TryParseSetupRole(text, out SdpSetupRole parsed));
        Assert.Equal(role, parsed);
        Assert.Equal(text, role.ToSdp());
    }

    [Theory]
    [InlineData("sendrecv", SdpDirection.SendRecv, SdpDirection.SendRecv)]
    [InlineData("sendonly", SdpDirection.SendOnly, SdpDirection.RecvOnly)]
    [InlineData("recvonly", SdpDirection.RecvOnly, SdpDirection.SendOnly)]
    [InlineData("inactive", SdpDirection.Inactive, SdpDirection.Inactive)]
    public void Directions_round_trip_and_reverse(string text, SdpDirection direction, SdpDirection reversed)
    {
        Assert.True(SdpEnumText.TryParseDirection(text, out SdpDirection parsed));
        Assert.Equal(direction, parsed);
        Assert.Equal(text, direction.ToSdp());
        Assert.Equal(reversed, direction.Reverse());
        Assert.False(SdpEnumText.TryParseDirection("SENDRECV", out _));
    }

    [Fact]
    public void Attribute_refuses_text_that_would_inject_lines()
    {
        Assert.Throws<ArgumentException>(() => new SdpAttribute("mid", "0\r\na=ice-lite"));
        Assert.Throws<ArgumentException>(() => new SdpAttribute("a:b"));
        Assert.Throws<ArgumentException>(() => new SdpAttribute(""));
        Assert.Throws<ArgumentException>(() => new SdpAttribute("two words"));
        Assert.Throws<ArgumentException>(() => new SdpOrigin("-", "1", 1, "IN", "IP4", "1.2.3.4\r\n"));
        Assert.Throws<ArgumentException>(() => new SdpConnection("IN", "IP4", "a b"));
        Assert.Throws<ArgumentException>(() => new SdpBandwidth("AS:", 1));
        var session = new SessionDescription();
        Assert.Throws<ArgumentException>(() => session.SessionName = "x\ny");
        Assert.Throws<ArgumentException>(() => session.Media.Add(new MediaDescription("audio", 9, "RTP/AVP", ["0 1"])));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MediaDescription("audio", 65536, "RTP/AVP"));
        Assert.Throws<ArgumentException>(() => session.Attributes.AddValue(new SdpMsid("a\nb")));
    }
}
