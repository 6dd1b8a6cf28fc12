using System.Text.Json;
using P2PCall.WebRtc;
using P2PCall.WebRtc.Jsep;
using P2PCall.WebRtc.Sdp;

namespace P2PCall.Interop.Tests;

/// <summary>
/// Our offers and answers against a live Chromium 156: Chromium must accept what we write, and we must accept
/// what it writes, for the seed's call (audio + video added track by track, data channel "chat").
/// </summary>
public sealed class JsepChromiumTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string SeedLocalMedia = """
        window.pc = new RTCPeerConnection();
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
        for (const track of stream.getTracks()) { pc.addTrack(track); }
        pc.createDataChannel("chat");
        """;

    private static readonly SdpFingerprint Fingerprint = new(
        "sha-256", string.Join(':', Enumerable.Range(0, 32).Select(i => (i * 7 % 256).ToString("X2", System.Globalization.CultureInfo.InvariantCulture))));

    private static JsepNegotiator SeedSide()
    {
        var n = new JsepNegotiator(new LocalTransportInfo("p2pc", "abcdefghijklmnopqrstuvwx", [Fingerprint], "p2pcall-cname"));
        n.AddTransceiver(MediaKind.Audio, RTCRtpTransceiverDirection.SendRecv, createdByAddTrack: true).SendTrackId = "dotnet-audio";
        n.AddTransceiver(MediaKind.Video, RTCRtpTransceiverDirection.SendRecv, createdByAddTrack: true).SendTrackId = "dotnet-video";
        n.DataChannelRequested = true;
        return n;
    }

    [ChromiumFact]
    public async Task Chromium_accepts_our_answer_to_its_offer()
    {
        var page = await chromium.NewPageAsync();
        var offerSdp = await page.EvaluateAsync<string>($$"""
            async () => {
              {{SeedLocalMedia}}
              const offer = await pc.createOffer();
              await pc.setLocalDescription(offer);
              return offer.sdp;
            }
            """);
        var dotnet = SeedSide();

        var atDotnet = dotnet.SetRemote(RTCSdpType.Offer, SessionDescription.Parse(offerSdp));
        var answer = dotnet.CreateAnswer();
        dotnet.SetLocal(RTCSdpType.Answer, answer);
        var result = await page.EvaluateAsync<JsonElement>("""
            async (sdp) => {
              await pc.setRemoteDescription({ type: "answer", sdp });
              return { state: pc.signalingState, directions: pc.getTransceivers().map(t => t.currentDirection) };
            }
            """, answer.ToString());

        Assert.Equal("stable", result.GetProperty("state").GetString());
        Assert.Equal(["sendrecv", "sendrecv"], result.GetProperty("directions").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(2, atDotnet.NewlyReceiving.Count);
        Assert.Equal("opus", dotnet.Transceivers[0].NegotiatedCodecs[0].Name);
        Assert.Contains(dotnet.Transceivers[1].NegotiatedCodecs, c => c.Name == "VP8");
        Assert.True(dotnet.IsDtlsClient);
    }

    [ChromiumFact]
    public async Task Chromium_answers_our_offer_and_we_accept_its_answer()
    {
        var page = await chromium.NewPageAsync();
        var dotnet = SeedSide();
        var offer = dotnet.CreateOffer();
        dotnet.SetLocal(RTCSdpType.Offer, offer);

        var answerSdp = await page.EvaluateAsync<string>($$"""
            async (sdp) => {
              {{SeedLocalMedia}}
              await pc.setRemoteDescription({ type: "offer", sdp });
              const answer = await pc.createAnswer();
              await pc.setLocalDescription(answer);
              return answer.sdp;
            }
            """, offer.ToString());
        var answer = SessionDescription.Parse(answerSdp);
        var atDotnet = dotnet.SetRemote(RTCSdpType.Answer, answer);
        var directions = await page.EvaluateAsync<string[]>("() => pc.getTransceivers().map(t => t.currentDirection)");

        Assert.All(answer.Media, m => Assert.NotEqual(0, m.Port));
        Assert.Equal(["0", "1", "2"], answer.GetBundleGroup()!.Mids);
        Assert.Equal(SdpSetupRole.Active, answer.GetSetup(answer.Media[0]));
        Assert.False(dotnet.IsDtlsClient);
        Assert.Equal(RTCSignalingState.Stable, dotnet.SignalingState);
        Assert.Equal(2, atDotnet.NewlyReceiving.Count);
        Assert.Equal(["sendrecv", "sendrecv"], directions);
        Assert.Equal([(byte)111, (byte)0, (byte)8], dotnet.Transceivers[0].NegotiatedCodecs.Select(c => c.PayloadType));
        Assert.Equal((byte)96, dotnet.Transceivers[1].NegotiatedCodecs.Single(c => c.Name == "VP8").PayloadType);
        Assert.Equal((ushort)5000, atDotnet.Transport!.SctpPort);
    }
}
