namespace P2PCall.Scenarios;

/// <summary>
/// Call setup, .NET ↔ .NET with real media (tone + test pattern + "chat" both ways) on loopback: start → both
/// connected, → first decoded remote audio frame, → first decoded remote video frame. The first call of the
/// process (cold: JIT, first DTLS handshake) is reported apart from the warm runs.
/// </summary>
internal static class SetupScenario
{
    public const string Pair = ".NET ↔ .NET";
    public const string Connected = "both connected after start";
    public const string FirstAudio = "first decoded remote audio frame";
    public const string FirstVideo = "first decoded remote video frame";

    public static async Task RunAsync(ScenarioOptions options, Report report)
    {
        var results = new List<(double Connected, double Audio, double Video)>();
        var phases = new List<(double Prepared, double Negotiated, double Ice, double Transport)>();
        var chats = new List<double>();
        var concealed = new List<double>();
        if (options.WarmUp)
        {
            var warmUp = System.Diagnostics.Stopwatch.StartNew();
            await P2PCall.WebRtc.RTCPeerConnectionWarmUp.RunAsync();
            Console.Out.WriteLine($"  host warm-up (RTCPeerConnectionWarmUp, before the first call): {Stats.F(warmUp.Elapsed.TotalMilliseconds)} ms");
            report.Note($"setup: warmup=1, the first call follows RTCPeerConnectionWarmUp ({Stats.F(warmUp.Elapsed.TotalMilliseconds)} ms, as at host start); \"cold\" is that first call.");
        }

        for (var i = 0; i <= options.Runs; i++)
        {
            await using var call = await LoopbackCall.ConnectAsync(media: true);
            var audio = await call.FirstAudioAtB.WaitAsync(LoopbackCall.Deadline);
            var video = await call.FirstVideoAtB.WaitAsync(LoopbackCall.Deadline);
            // Both "chat" channels open at both ends (also keeps teardown away from an association still establishing).
            await Task.WhenAll(LoopbackCall.WhenOpen(call.ChatA), LoopbackCall.WhenOpen(call.ChatB),
                call.RemoteChatAtAAsync().ContinueWith(t => LoopbackCall.WhenOpen(t.Result), TaskScheduler.Default).Unwrap(),
                call.RemoteChatAtBAsync().ContinueWith(t => LoopbackCall.WhenOpen(t.Result), TaskScheduler.Default).Unwrap());
            var chat = call.Elapsed;
            chats.Add(chat);
            concealed.Add(await call.ConcealedInFirstSecondAtB.WaitAsync(LoopbackCall.Deadline));
            results.Add((call.ConnectedMs, audio, video));
            Console.Out.WriteLine($"  run {i}{(i == 0 ? " (cold)" : "")}: prepared {Stats.F(call.PreparedMs)}, negotiated {Stats.F(call.NegotiatedMs)}, " +
                $"ICE connected A {Stats.F(call.IceConnectedEachMs.A)} B {Stats.F(call.IceConnectedEachMs.B)}, " +
                $"connected A {Stats.F(call.ConnectedEachMs.A)} B {Stats.F(call.ConnectedEachMs.B)} both {Stats.F(call.ConnectedMs)}, audio {Stats.F(audio)}, video {Stats.F(video)}, chat open by {Stats.F(chat)} (ms)");
            phases.Add((call.PreparedMs, call.NegotiatedMs, Math.Max(call.IceConnectedEachMs.A, call.IceConnectedEachMs.B) - call.NegotiatedMs, call.ConnectedMs - call.NegotiatedMs));
        }

        var warm = results.Skip(1).ToList();
        report.Add(new Figure(Pair, "connections created + getUserMedia (part of setup)", "ms", phases.Skip(1).Select(p => p.Prepared).ToList(), phases[0].Prepared));
        report.Add(new Figure(Pair, "offer/answer applied (part of setup)", "ms", phases.Skip(1).Select(p => p.Negotiated).ToList(), phases[0].Negotiated));
        report.Add(new Figure(Pair, "answer applied → both ICE connected (part of setup)", "ms", phases.Skip(1).Select(p => p.Ice).ToList(), phases[0].Ice));
        report.Add(new Figure(Pair, "answer applied → both connected (ICE + DTLS, part of setup)", "ms", phases.Skip(1).Select(p => p.Transport).ToList(), phases[0].Transport));
        report.Add(new Figure(Pair, Connected, "ms", warm.Select(r => r.Connected).ToList(), results[0].Connected));
        report.Add(new Figure(Pair, FirstAudio, "ms", warm.Select(r => r.Audio).ToList(), results[0].Audio));
        report.Add(new Figure(Pair, FirstVideo, "ms", warm.Select(r => r.Video).ToList(), results[0].Video));
        report.Add(new Figure(Pair, "both chat channels open at both ends (upper bound: checked after the first frames)", "ms", chats.Skip(1).ToList(), chats[0]));
        report.Add(new Figure(Pair, "audio frames concealed in the first second at the answerer (underruns of a late start)", "frames", concealed.Skip(1).ToList(), concealed[0]));
        report.Note("setup: the clock starts before the two RTCPeerConnections are created and getUserMedia runs (like Chromium's initCallerInfo); frames are those decoded at the answerer.");

        // The same call without media tracks ("chat" only): what media running in the process costs the setup.
        var bare = new List<double>();
        for (var i = 0; i < options.Runs; i++)
        {
            await using var call = await LoopbackCall.ConnectAsync(media: false);
            bare.Add(call.ConnectedMs);
            await Task.WhenAll(LoopbackCall.WhenOpen(call.ChatA), LoopbackCall.WhenOpen(call.ChatB));
        }

        report.Add(new Figure(Pair + " (no media, \"chat\" only)", Connected, "ms", bare));

        if (options.CoreRow)
        {
            var core = new List<(double Connected, double Audio)>();
            for (var i = 0; i < options.Runs; i++)
            {
                core.Add(await CoreSessionCall.RunOnceAsync());
            }

            const string corePair = ".NET ↔ .NET (CallClient, in-memory signaling)";
            report.Add(new Figure(corePair, Connected, "ms", core.Select(r => r.Connected).ToList()));
            report.Add(new Figure(corePair, FirstAudio, "ms", core.Select(r => r.Audio).ToList()));
            report.Note("setup through CallClient: clock starts at CallAsync (callee accepts at once), audio decoded at the caller; these runs follow the raw ones, so none is cold.");
        }
    }
}
