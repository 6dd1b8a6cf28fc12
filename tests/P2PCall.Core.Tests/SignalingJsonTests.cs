using P2PCall.Core.Signaling;
using P2PCall.WebRtc;

namespace P2PCall.Core.Tests;

public class SignalingJsonTests
{
    // The candidate exactly as Chromium 156 emits it on the seed's socket (shared/notes/chromium-webrtc-here.md).
    private const string ChromiumCandidate =
        "{\"candidate\":\"candidate:3798267689 1 udp 2122260223 127.0.0.1 37540 typ host generation 0 ufrag J9tx network-id 1 network-cost 50\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":\"J9tx\"}";

    [Fact]
    public void Candidate_is_written_byte_for_byte_as_the_seed_emits_it()
    {
        var message = new CandidateMessage("B", "A", new RTCIceCandidateInit(
            "candidate:3798267689 1 udp 2122260223 127.0.0.1 37540 typ host generation 0 ufrag J9tx network-id 1 network-cost 50", "0", 0, "J9tx"));

        Assert.Equal("{\"targetUid\":\"B\",\"userId\":\"A\",\"candidate\":" + ChromiumCandidate + "}", SignalingJson.Serialize(message));
    }

    [Fact]
    public void Chromium_candidate_payload_parses()
    {
        var message = Assert.IsType<CandidateMessage>(SignalingJson.Parse("candidate", "{\"targetUid\":\"B\",\"userId\":\"A\",\"candidate\":" + ChromiumCandidate + "}"));

        Assert.Equal("B", message.TargetUid);
        Assert.Equal("A", message.UserId);
        Assert.Equal("0", message.Candidate.SdpMid);
        Assert.Equal((ushort)0, message.Candidate.SdpMLineIndex);
        Assert.Equal("J9tx", message.Candidate.UsernameFragment);
        Assert.StartsWith("candidate:3798267689 1 udp", message.Candidate.Candidate, StringComparison.Ordinal);
    }

    [Fact]
    public void Offer_with_chromium_sdp_is_written_as_json_stringify_does()
    {
        const string sdp = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\na=ice-pwd:Xr+t/yV8qz<&>'\"é\r\n";
        var json = SignalingJson.Serialize(new OfferMessage("B", "A", new RTCSessionDescriptionInit(RTCSdpType.Offer, sdp)));

        // JSON.stringify escapes only quotes, backslashes and control characters: '+', '/', '<', '&', '\'' and 'é' stay as they are.
        Assert.Equal(
            "{\"targetUid\":\"B\",\"userId\":\"A\",\"offer\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- 4611731400430051336 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\na=ice-pwd:Xr+t/yV8qz<&>'\\\"é\\r\\n\"}}",
            json);
        var back = Assert.IsType<OfferMessage>(SignalingJson.Parse("offer", json));
        Assert.Equal(sdp, back.Offer.Sdp);
    }

    [Fact]
    public void Real_chromium_offer_round_trips_through_the_wire_format()
    {
        var sdp = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "chromium-156-offer.sdp"));
        var message = new OfferMessage("B", "A", new RTCSessionDescriptionInit(RTCSdpType.Offer, sdp));

        var back = Assert.IsType<OfferMessage>(SignalingJson.Parse("offer", SignalingJson.Serialize(message)));

        Assert.Equal(message, back);
    }

    [Fact]
    public void Control_characters_and_lone_surrogates_are_escaped_as_ecmascript_does()
    {
        var json = SignalingJson.Serialize(new RejectMessage("B", "A", "a\u0001b\tc\ud800d😀"));

        Assert.Equal("{\"targetUid\":\"B\",\"userId\":\"A\",\"reason\":\"a\\u0001b\\tc\\ud800d😀\"}", json);
    }

    [Theory]
    [InlineData("{\"targetUid\":\"B\",\"userId\":\"A\",\"reason\":\"\\udc00\"}")]
    [InlineData("{\"targetUid\":\"\\ud800x\",\"userId\":\"A\"}")]
    public void Lone_surrogate_escapes_that_browsers_send_are_a_format_error_not_a_crash(string json)
    {
        var eventName = json.Contains("reason", StringComparison.Ordinal) ? "reject" : "call";

        Assert.Throws<SignalingFormatException>(() => SignalingJson.Parse(eventName, json));
    }

    public static TheoryData<SignalingMessage, string> AllKinds() => new()
    {
        { new CallMessage("B", "A"), "{\"targetUid\":\"B\",\"userId\":\"A\"}" },
        { new AcceptMessage("A", "B"), "{\"targetUid\":\"A\",\"userId\":\"B\"}" },
        { new RejectMessage("A", "B", "busy"), "{\"targetUid\":\"A\",\"userId\":\"B\",\"reason\":\"busy\"}" },
        { new RejectMessage("A", "B"), "{\"targetUid\":\"A\",\"userId\":\"B\"}" },
        { new HangupMessage("A", "B"), "{\"targetUid\":\"A\",\"userId\":\"B\"}" },
        { new AnswerMessage("A", "B", new RTCSessionDescriptionInit(RTCSdpType.Answer, "v=0\r\n")), "{\"targetUid\":\"A\",\"userId\":\"B\",\"answer\":{\"type\":\"answer\",\"sdp\":\"v=0\\r\\n\"}}" },
        { new CandidateMessage("A", "B", new RTCIceCandidateInit("candidate:1 1 udp 1 ::1 9 typ host", null, 1, null)), "{\"targetUid\":\"A\",\"userId\":\"B\",\"candidate\":{\"candidate\":\"candidate:1 1 udp 1 ::1 9 typ host\",\"sdpMid\":null,\"sdpMLineIndex\":1,\"usernameFragment\":null}}" },
    };

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void Every_kind_serialises_to_the_seed_shape_and_back(SignalingMessage message, string expected)
    {
        var json = SignalingJson.Serialize(message);

        Assert.Equal(expected, json);
        Assert.Equal(message, SignalingJson.Parse(message.EventName, json));
    }

    [Fact]
    public void Unknown_fields_are_ignored()
    {
        var message = SignalingJson.Parse("hangup", "{\"extra\":[1,2,{\"x\":null}],\"targetUid\":\"A\",\"userId\":\"B\",\"ts\":5}");

        Assert.Equal(new HangupMessage("A", "B"), message);
    }

    [Theory]
    [InlineData("offer", "")]
    [InlineData("offer", "not json")]
    [InlineData("offer", "[]")]
    [InlineData("offer", "null")]
    [InlineData("offer", "{\"targetUid\":\"B\"}")]
    [InlineData("offer", "{\"targetUid\":\"\",\"userId\":\"A\",\"offer\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}")]
    [InlineData("offer", "{\"targetUid\":5,\"userId\":\"A\",\"offer\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}")]
    [InlineData("offer", "{\"targetUid\":\"B\",\"userId\":\"A\"}")]
    [InlineData("offer", "{\"targetUid\":\"B\",\"userId\":\"A\",\"offer\":\"v=0\"}")]
    [InlineData("offer", "{\"targetUid\":\"B\",\"userId\":\"A\",\"offer\":{\"type\":\"answer\",\"sdp\":\"v=0\"}}")]
    [InlineData("offer", "{\"targetUid\":\"B\",\"userId\":\"A\",\"offer\":{\"type\":\"bogus\",\"sdp\":\"v=0\"}}")]
    [InlineData("offer", "{\"targetUid\":\"B\",\"userId\":\"A\",\"offer\":{\"type\":\"offer\"}}")]
    [InlineData("offer", "{\"targetUid\":\"B\",\"userId\":\"A\",\"offer\":{\"type\":\"offer\",\"sdp\":7}}")]
    [InlineData("answer", "{\"targetUid\":\"B\",\"userId\":\"A\",\"answer\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}")]
    [InlineData("candidate", "{\"targetUid\":\"B\",\"userId\":\"A\"}")]
    [InlineData("candidate", "{\"targetUid\":\"B\",\"userId\":\"A\",\"candidate\":{\"sdpMid\":\"0\"}}")]
    [InlineData("candidate", "{\"targetUid\":\"B\",\"userId\":\"A\",\"candidate\":{\"candidate\":\"candidate:1\",\"sdpMLineIndex\":-1}}")]
    [InlineData("candidate", "{\"targetUid\":\"B\",\"userId\":\"A\",\"candidate\":{\"candidate\":\"candidate:1\",\"sdpMLineIndex\":70000}}")]
    [InlineData("candidate", "{\"targetUid\":\"B\",\"userId\":\"A\",\"candidate\":{\"candidate\":\"candidate:1\",\"sdpMLineIndex\":1.5}}")]
    [InlineData("candidate", "{\"targetUid\":\"B\",\"userId\":\"A\",\"candidate\":{\"candidate\":\"candidate:1\"}}")]
    [InlineData("candidate", "{\"targetUid\":\"B\",\"userId\":\"A\",\"candidate\":{\"candidate\":\"candidate:1\",\"sdpMid\":0}}")]
    [InlineData("reject", "{\"targetUid\":\"B\",\"userId\":\"A\",\"reason\":{}}")]
    [InlineData("nonsense", "{\"targetUid\":\"B\",\"userId\":\"A\"}")]
    [InlineData("call", "{\"targetUid\":\"B\",\"userId\":\"A\"")]
    public void Malformed_payload_gives_a_typed_error(string eventName, string json)
    {
        var error = Assert.Throws<SignalingFormatException>(() => SignalingJson.Parse(eventName, json));

        Assert.Equal(eventName, error.EventName);
        Assert.False(string.IsNullOrEmpty(error.Reason));
        Assert.False(SignalingJson.TryParse(eventName, json, out _, out var tryError));
        Assert.Equal(error.Reason, tryError.Reason);
    }

    [Fact]
    public void Deeply_nested_or_oversized_payloads_are_refused_without_crashing()
    {
        var deep = "{\"targetUid\":\"B\",\"userId\":\"A\",\"x\":" + new string('[', 5000) + new string(']', 5000) + "}";
        var huge = "{\"targetUid\":\"B\",\"userId\":\"A\",\"x\":\"" + new string('a', SignalingJson.MaxPayloadLength) + "\"}";

        Assert.Throws<SignalingFormatException>(() => SignalingJson.Parse("call", deep));
        Assert.Throws<SignalingFormatException>(() => SignalingJson.Parse("call", huge));
    }

    [Fact]
    public void Random_mutations_of_a_valid_payload_never_throw_anything_but_a_format_error()
    {
        var valid = SignalingJson.Serialize(new CandidateMessage("B", "A", new RTCIceCandidateInit("candidate:1 1 udp 2 127.0.0.1 9 typ host", "0", 0, "u")));
        var random = new Random(42);
        var alphabet = "{}[]\":,0123456789-.eEtrufalsn \\udcDC";
        for (var i = 0; i < 5000; i++)
        {
            var chars = valid.ToCharArray();
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            }

            var mutated = new string(chars, 0, random.Next(chars.Length / 2, chars.Length + 1));
            try
            {
                SignalingJson.Parse("candidate", mutated);
            }
            catch (SignalingFormatException)
            {
            }
        }
    }
}
