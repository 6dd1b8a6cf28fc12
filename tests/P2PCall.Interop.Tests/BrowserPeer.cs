using System.Text.Json;
using Microsoft.Playwright;
using P2PCall.Signaling.SocketIO.Tests;
using P2PCall.WebRtc;

namespace P2PCall.Interop.Tests;

/// <summary>
/// The seed's browser side in a Chromium tab: an RTCPeerConnection with the fake camera and microphone added
/// track by track, trickling candidates to .NET and taking .NET's candidates (queued until its remote description).
/// </summary>
internal sealed class BrowserPeer
{
    private const string Setup = """
        async () => {
          window.pending = [];
          window.pc = new RTCPeerConnection();
          const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
          for (const track of stream.getTracks()) { pc.addTrack(track); }
          // The seed's data channel, and the other side's, recording what arrives.
          window.got = [];
          window.remoteChannels = [];
          const wire = ch => {
            ch.binaryType = "arraybuffer";
            ch.onmessage = e => got.push(typeof e.data === "string" ? e.data : "bin:" + e.data.byteLength);
          };
          window.chat = pc.createDataChannel("chat");
          wire(chat);
          pc.ondatachannel = e => { remoteChannels.push(e.channel); wire(e.channel); };
          pc.onicecandidate = e => { if (e.candidate) { window.toDotnet(JSON.stringify(e.candidate)); } };
          window.addRemoteCandidate = async c => {
            if (!pc.remoteDescription) { pending.push(c); return; }
            await pc.addIceCandidate(c);
          };
          window.setRemote = async d => {
            await pc.setRemoteDescription(d);
            for (const c of pending.splice(0)) { await pc.addIceCandidate(c); }
          };
        }
        """;

    private readonly IPage _page;
    private readonly SemaphoreSlim _pageGate = new(1, 1);

    private BrowserPeer(IPage page) => _page = page;

    /// <summary>Candidates Chromium gathered, as it serialises them.</summary>
    public List<RTCIceCandidateInit> Candidates { get; } = [];

    public static async Task<BrowserPeer> CreateAsync(ChromiumFixture chromium, RTCPeerConnection dotnet)
    {
        var page = await chromium.NewPageAsync();
        var peer = new BrowserPeer(page);
        var early = new List<RTCIceCandidateInit>();
        var gate = new object();
        await page.ExposeFunctionAsync("toDotnet", async (string json) =>
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var candidate = new RTCIceCandidateInit(
                root.GetProperty("candidate").GetString()!,
                root.GetProperty("sdpMid").GetString(),
                root.GetProperty("sdpMLineIndex").ValueKind == JsonValueKind.Number ? root.GetProperty("sdpMLineIndex").GetUInt16() : null,
                root.TryGetProperty("usernameFragment", out var u) ? u.GetString() : null);
            lock (gate)
            {
                peer.Candidates.Add(candidate);
                if (dotnet.RemoteDescription is null)
                {
                    early.Add(candidate);
                    return;
                }
            }

            await dotnet.AddIceCandidateAsync(candidate);
        });
        peer.FlushEarly = async () =>
        {
            RTCIceCandidateInit[] queued;
            lock (gate)
            {
                queued = [.. early];
                early.Clear();
            }

            foreach (var candidate in queued)
            {
                await dotnet.AddIceCandidateAsync(candidate);
            }
        };
        await page.EvaluateAsync(Setup);
        // The seed page's optional audio diagnostics: measureAudioTrack and inboundAudioStats.
        await page.AddScriptTagAsync(new() { Path = Path.Combine(NodeProcess.ServerDirectory, "public", "audio-probe.js") });
        dotnet.IceCandidate += async (_, e) =>
        {
            if (e.Candidate is { } c)
            {
                await peer.EvaluateAsync("c => addRemoteCandidate(c)", new { candidate = c.Candidate, sdpMid = c.SdpMid, sdpMLineIndex = c.SdpMLineIndex, usernameFragment = c.UsernameFragment });
            }
        };
        return peer;
    }

    /// <summary>.NET offers, Chromium answers (the seed's callee): the whole offer/answer exchange.</summary>
    public async Task DotnetOffersAsync(RTCPeerConnection dotnet)
    {
        var offer = await dotnet.CreateOfferAsync();
        await dotnet.SetLocalDescriptionAsync(offer);
        var answer = await EvaluateAsync<string>("""
            async sdp => {
              await setRemote({ type: "offer", sdp });
              const answer = await pc.createAnswer();
              await pc.setLocalDescription(answer);
              return answer.sdp;
            }
            """, offer.Sdp);
        await dotnet.SetRemoteDescriptionAsync(new RTCSessionDescriptionInit(RTCSdpType.Answer, answer));
        await FlushEarly();
    }

    /// <summary>Chromium offers, .NET answers (the seed's caller in the browser).</summary>
    public async Task ChromiumOffersAsync(RTCPeerConnection dotnet)
    {
        var offer = await EvaluateAsync<string>("async () => { const o = await pc.createOffer(); await pc.setLocalDescription(o); return o.sdp; }");
        await dotnet.SetRemoteDescriptionAsync(new RTCSessionDescriptionInit(RTCSdpType.Offer, offer));
        await FlushEarly();
        var answer = await dotnet.CreateAnswerAsync();
        await dotnet.SetLocalDescriptionAsync(answer);
        await EvaluateAsync("sdp => setRemote({ type: 'answer', sdp })", answer.Sdp);
    }

    /// <summary>Hands .NET the candidates that arrived before its remote description.</summary>
    public Func<Task> FlushEarly { get; private set; } = () => Task.CompletedTask;

    public async Task<T> EvaluateAsync<T>(string script, object? arg = null)
    {
        await _pageGate.WaitAsync();
        try
        {
            return await _page.EvaluateAsync<T>(script, arg);
        }
        finally
        {
            _pageGate.Release();
        }
    }

    public async Task EvaluateAsync(string script, object? arg = null)
    {
        await _pageGate.WaitAsync();
        try
        {
            await _page.EvaluateAsync(script, arg);
        }
        finally
        {
            _pageGate.Release();
        }
    }

    public Task WaitForAsync(string condition, int timeoutMs = 30000) =>
        _page.WaitForFunctionAsync(condition, null, new PageWaitForFunctionOptions { Timeout = timeoutMs, PollingInterval = 50 });

    /// <summary>Waits until an inbound-rtp field of one kind exceeds a threshold; returns its value.</summary>
    public async Task<double> WaitForInboundAsync(string kind, string field, double above, int timeoutMs = 30000)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var value = await InboundAsync(kind, field);
            if (value > above)
            {
                return value;
            }

            Assert.True(TimeProvider.System.GetElapsedTime(started).TotalMilliseconds < timeoutMs, $"Chromium's inbound {kind} {field} stayed at {value}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Plays the received audio in an &lt;audio&gt; element, as the seed's page plays its remote stream in a
    /// &lt;video&gt;: Chromium pulls decoded audio from its jitter buffer only for such a sink (a bare track, Web Audio
    /// or a track processor alone get nothing, and getStats then counts no samples). Idempotent.
    /// </summary>
    public Task PlayRemoteAudioAsync() => EvaluateAsync("""
        async () => {
          if (window.remoteAudio) { return; }
          const track = pc.getReceivers().map(r => r.track).find(t => t.kind === "audio");
          window.remoteAudio = document.createElement("audio");
          remoteAudio.srcObject = new MediaStream([track]);
          document.body.appendChild(remoteAudio);
          await remoteAudio.play();
        }
        """);

    /// <summary>Chromium's decoded PCM of the audio it receives from .NET, read for <paramref name="ms"/> ms.</summary>
    public async Task<DecodedAudio> MeasureRemoteAudioAsync(int ms = 1000, string? method = null) =>
        DecodedAudio.From(await EvaluateAsync<JsonElement>(
            "a => measureAudioTrack(pc.getReceivers().map(r => r.track).find(t => t.kind === 'audio'), a.ms, a.method || undefined)",
            new { ms, method = method ?? string.Empty }));

    /// <summary>Chromium's inbound-rtp audio statistics.</summary>
    public async Task<InboundAudioStats> AudioStatsAsync() => InboundAudioStats.From(await EvaluateAsync<JsonElement>("() => inboundAudioStats(pc)"));

    /// <summary>Sum of a numeric field over inbound-rtp stats of one kind (W3C webrtc-stats).</summary>
    public Task<double> InboundAsync(string kind, string field) =>
        EvaluateAsync<double>($$"""
            async () => {
              let total = 0;
              (await pc.getStats()).forEach(s => { if (s.type === "inbound-rtp" && s.kind === "{{kind}}") total += (s.{{field}} || 0); });
              return total;
            }
            """);
}
