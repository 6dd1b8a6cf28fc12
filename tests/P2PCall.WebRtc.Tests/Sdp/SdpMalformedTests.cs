using P2PCall.WebRtc.Sdp;

namespace P2PCall.WebRtc.Tests.Sdp;

public class SdpMalformedTests
{
    private const string Head = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    private const string Audio = "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";

    public static TheoryData<string, int, string, string> Cases => new()
    {
        // text, expected line number, expected line text, a word of the reason
        { string.Empty, 1, "", "empty" },
        { "\r\n\r\n", 1, "", "empty" },
        { "o=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", 1, "o=- 1 1 IN IP4 127.0.0.1", "v=0" },
        { "v=1\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", 1, "v=1", "version" },
        { "v=\r\n", 1, "v=", "version" },
        { "a=ice-lite\r\nv=0\r\n", 1, "a=ice-lite", "v=0" },
        { "v=0\r\ns=-\r\nt=0 0\r\n", 2, "s=-", "o=" },
        { "v=0\r\n", 2, "", "o=" },
        { "v=0\r\na=ice-lite\r\n", 2, "a=ice-lite", "o=" },
        { "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\nt=0 0\r\n", 3, "t=0 0", "s=" },
        { "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n", 3, "", "s=" },
        { "v=0\r\no=- 1 1 IN IP4\r\ns=-\r\nt=0 0\r\n", 2, "o=- 1 1 IN IP4", "six fields" },
        { "v=0\r\no=- x 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", 2, "o=- x 1 IN IP4 127.0.0.1", "sess-id" },
        { "v=0\r\no=- 1 -1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", 2, "o=- 1 -1 IN IP4 127.0.0.1", "sess-version" },
        { "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n", 4, "", "t=" },
        { "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n" + Audio, 4, Audio.TrimEnd(), "t=" },
        { Head + "t=0\r\n", 5, "t=0", "t=" },
        { Head + "t=now 0\r\n", 5, "t=now 0", "t=" },
        { "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nr=7d 1h\r\nt=0 0\r\n", 4, "r=7d 1h", "r=" },
        { Head + "c=IN IP4\r\n", 5, "c=IN IP4", "three fields" },
        { Head + "c=IN IP4 1.2.3.4\r\nc=IN IP4 1.2.3.5\r\n", 6, "c=IN IP4 1.2.3.5", "once" },
        { Head + "b=AS\r\n", 5, "b=AS", "bwtype" },
        { Head + "b=AS:x\r\n", 5, "b=AS:x", "bwtype" },
        { Head + "b=:5\r\n", 5, "b=:5", "bwtype" },
        { Head + "i=a\r\ni=b\r\n", 6, "i=b", "once" },
        { Head + "v=0\r\n", 5, "v=0", "only once" },
        { Head + "o=- 1 1 IN IP4 127.0.0.1\r\n", 5, "o=- 1 1 IN IP4 127.0.0.1", "only once" },
        { Head + "s=again\r\n", 5, "s=again", "only once" },
        { Head + "x=unknown\r\n", 5, "x=unknown", "unknown type letter" },
        { Head + "A=ice-lite\r\n", 5, "A=ice-lite", "unknown type letter" },
        { Head + Audio + "q=1\r\n", 6, "q=1", "unknown type letter" },
        { Head + "a=ice-lite\r\nhello\r\n", 6, "hello", "<type>=<value>" },
        { Head + "a\r\n", 5, "a", "<type>=<value>" },
        { Head + "=x\r\n", 5, "=x", "<type>=<value>" },
        { Head + "a:x\r\n", 5, "a:x", "<type>=<value>" },
        { Head + "\r\na=ice-lite\r\n", 5, "", "empty line" },
        { Head + "a=x\rb\r\n", 5, "a=x\rb", "CR" },
        { Head + "a=x\0\r\n", 5, "a=x\0", "NUL" },
        { Head + "a=\r\n", 5, "a=", "attribute name" },
        { Head + "a=:value\r\n", 5, "a=:value", "attribute name" },
        { Head + "a=two words\r\n", 5, "a=two words", "attribute name" },
        { Head + "m=audio 9 UDP/TLS/RTP/SAVPF\r\n", 5, "m=audio 9 UDP/TLS/RTP/SAVPF", "at least one format" },
        { Head + "m=audio 9\r\n", 5, "m=audio 9", "at least one format" },
        { Head + "m=\r\n", 5, "m=", "at least one format" },
        { Head + "m=audio  9 111\r\n", 5, "m=audio  9 111", "at least one format" },
        { Head + "m=audio x RTP/AVP 0\r\n", 5, "m=audio x RTP/AVP 0", "port" },
        { Head + "m=audio -1 RTP/AVP 0\r\n", 5, "m=audio -1 RTP/AVP 0", "port" },
        { Head + "m=audio 65536 RTP/AVP 0\r\n", 5, "m=audio 65536 RTP/AVP 0", "65535" },
        { Head + "m=audio 99999999999 RTP/AVP 0\r\n", 5, "m=audio 99999999999 RTP/AVP 0", "65535" },
        { Head + "m=audio 9/x RTP/AVP 0\r\n", 5, "m=audio 9/x RTP/AVP 0", "port count" },
        { Head + "m=audio 9/ RTP/AVP 0\r\n", 5, "m=audio 9/ RTP/AVP 0", "port count" },
        { Head + Audio + "t=0 0\r\n", 6, "t=0 0", "not allowed in a media description" },
        { Head + Audio + "u=http://x\r\n", 6, "u=http://x", "not allowed in a media description" },
        { Head + Audio + "i=a\r\ni=b\r\n", 7, "i=b", "once" },
        { Head + Audio + "c=IN\r\n", 6, "c=IN", "three fields" },
        { Head + Audio + "b=AS:-5\r\n", 6, "b=AS:-5", "bwtype" },
        { Head + Audio + "a=\r\n", 6, "a=", "attribute name" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parse_malformed_input_throws_naming_the_line(string text, int lineNumber, string line, string reason)
    {
        SdpParseException ex = Assert.Throws<SdpParseException>(() => SessionDescription.Parse(text));

        Assert.Equal(lineNumber, ex.LineNumber);
        Assert.Equal(line, ex.Line);
        Assert.Contains(reason, ex.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"line {lineNumber}", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TryParse_malformed_input_returns_the_same_error_without_throwing(
        string text, int lineNumber, string line, string reason)
    {
        Assert.False(SessionDescription.TryParse(text, out SessionDescription? sdp, out SdpParseError? error));

        Assert.Null(sdp);
        Assert.Equal(lineNumber, error.LineNumber);
        Assert.Equal(line, error.Line);
        Assert.Contains(reason, error.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TryParse_null_returns_an_error()
    {
        Assert.False(SessionDescription.TryParse(null, out _, out SdpParseError? error));
        Assert.Equal(1, error.LineNumber);
    }

    [Fact]
    public void Parse_null_throws_argument_null()
    {
        Assert.Throws<ArgumentNullException>(() => SessionDescription.Parse(null!));
    }

    [Fact]
    public void Malformed_attribute_values_are_kept_as_lines_but_skipped_by_typed_views()
    {
        const string text = Head + Audio +
            "a=rtpmap:111 opus\r\n" +
            "a=rtpmap:200 opus/48000/2\r\n" +
            "a=rtpmap:x opus/48000\r\n" +
            "a=rtpmap:111 opus/fast/2\r\n" +
            "a=rtpmap\r\n" +
            "a=fmtp:111\r\n" +
            "a=fmtp:abc x=1\r\n" +
            "a=rtcp-fb:128 nack\r\n" +
            "a=rtcp-fb:111\r\n" +
            "a=extmap:0 urn:x\r\n" +
            "a=extmap:256 urn:x\r\n" +
            "a=extmap:1/sideways urn:x\r\n" +
            "a=extmap:1\r\n" +
            "a=ssrc:4294967296 cname:x\r\n" +
            "a=ssrc:12 \r\n" +
            "a=ssrc:abc cname:x\r\n" +
            "a=ssrc-group:FID 1 x\r\n" +
            "a=ssrc-group:FID\r\n" +
            "a=msid:a b c\r\n" +
            "a=msid\r\n" +
            "a=fingerprint:sha-256\r\n" +
            "a=setup:sideways\r\n" +
            "a=sctp-port:70000\r\n" +
            "a=max-message-size:-1\r\n" +
            "a=sctpmap:5000\r\n" +
            "a=sctpmap:x webrtc-datachannel\r\n" +
            "a=sctpmap:5000 webrtc-datachannel many\r\n";

        SessionDescription sdp = SessionDescription.Parse(text);
        MediaDescription m = sdp.Media[0];

        Assert.Empty(m.RtpMaps);
        Assert.Empty(m.Fmtps);
        Assert.Empty(m.RtcpFeedbacks);
        Assert.Empty(m.Extmaps);
        Assert.Empty(m.Ssrcs);
        Assert.Empty(m.SsrcGroups);
        Assert.Empty(m.Msids);
        Assert.Null(m.Msid);
        Assert.Empty(m.Fingerprints);
        Assert.Null(m.Fingerprint);
        Assert.Null(m.Setup);
        Assert.Null(m.SctpPort);
        Assert.Null(m.MaxMessageSize);
        Assert.Empty(m.SctpMaps);
        Assert.Null(m.EffectiveSctpPort);
        Assert.Empty(m.GetCodecs()); // 111 has no valid rtpmap and is not a static payload type
        Assert.Equal(text, sdp.ToString());
    }

    [Fact]
    public void Typed_readers_reject_values_that_cannot_be_one_line()
    {
        Assert.False(SdpRtpMap.TryParse("111 opus/48000\r\na=x", out _));
        Assert.False(SdpFmtp.TryParse("111 a=1\n", out _));
        Assert.False(SdpSsrc.TryParse("1 cname:\0", out _));
        Assert.False(SdpGroup.TryParse("BUNDLE 0\n1", out _));
        Assert.False(SdpGroup.TryParse(null, out _));
        Assert.False(SdpFingerprint.TryParse("  ", out _));
    }
}
