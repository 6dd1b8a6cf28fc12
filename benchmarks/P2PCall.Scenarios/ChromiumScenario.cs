using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using P2PCall.Core.Calls;
using P2PCall.Signaling.SocketIO.Tests;
using P2PCall.WebRtc;

namespace P2PCall.Scenarios;

/// <summary>
/// The setup and data-channel figures for Chromium ↔ Chromium (two tabs of the seed page calling each other through
/// the reference signaling server) and .NET ↔ Chromium (the page calls a .NET CalleeSession over socket.io), in
/// the same run as the .NET ↔ .NET figures, with the ratios. Both pairs are timed from the caller tab's
/// <c>initCallerInfo</c>; first frames are those decoded by the callee (the offerer's media).
/// </summary>
internal static class ChromiumScenario
{
    private const string ChromiumPair = "Chromium ↔ Chromium";
    private const string MixedPair = ".NET ↔ Chromium (.NET callee)";

    public static async Task RunAsync(ScenarioOptions options, Report report)
    {
        await using var server = await SignalingServer.StartAsync();
        await using var browser = await ChromiumBrowser.LaunchAsync();
        report.Note($"chromium: {ChromiumBrowser.ChromiumPath} {browser.Version}, signaling server {server.Uri}, page probes poll getStats every 2 ms (first-frame times are upper bounds, ±3 ms).");
        var total = (long)options.BulkMiB * 1024 * 1024;

        var chromium = new Results();
        for (var i = 0; i <= options.Runs; i++)
        {
            await ChromiumPairAsync(browser, server, i, total, chromium);
        }

        chromium.Report(report, ChromiumPair);

        var mixed = new Results();
        for (var i = 0; i <= options.Runs; i++)
        {
            await MixedPairAsync(browser, server, i, total, mixed);
        }

        mixed.Report(report, MixedPair);
        Ratios(report);
    }

    private static async Task ChromiumPairAsync(ChromiumBrowser browser, SignalingServer server, int run, long total, Results results)
    {
        string caller = "A" + run, callee = "B" + run;
        var b = await browser.NewPageAsync($"{server.Uri}?userId={callee}&autoAccept=1");
        await server.WaitConnectedAsync(callee);
        await PageProbe.InstallAsync(b);
        var a = await browser.NewPageAsync($"{server.Uri}?userId={caller}&peer={callee}");
        await server.WaitConnectedAsync(caller);
        await PageProbe.InstallAsync(a);
        try
        {
            await a.EvaluateAsync("peer => seed.call(peer)", callee);
            await PageProbe.WaitAsync(a, "window.__bench.connected");
            await PageProbe.WaitAsync(b, "window.__bench.connected && window.__bench.audio && window.__bench.video");
            var pa = await PageProbe.ReadAsync(a);
            var pb = await PageProbe.ReadAsync(b);
            var t0 = pa.T0!.Value;
            await PageProbe.WaitChannelOpenAsync(a);
            await PageProbe.WaitChannelOpenAsync(b);
            var rtts = await PageProbe.PingAsync(a, DataChannelScenario.Pings + 10);
            var rtt = Stats.Percentile(rtts, 50);
            var ms = await PageProbe.BulkAsync(a, total);
            results.Add(run, Math.Max(pa.Connected!.Value, pb.Connected!.Value) - t0, pb.Audio!.Value - t0, pb.Video!.Value - t0,
                rtts.Skip(10), total / 1e6 / ((ms - (rtt / 2)) / 1000));
            await a.EvaluateAsync("() => seed.hangup()");
        }
        finally
        {
            await a.CloseAsync();
            await b.CloseAsync();
        }
    }

    private static async Task MixedPairAsync(ChromiumBrowser browser, SignalingServer server, int run, long total, Results results)
    {
        string caller = "P" + run, callee = "dotnet" + run;
        var services = new ServiceCollection();
        services.AddSingleton<IMediaDevices>(new P2PCall.WebRtc.Media.MediaDevices());
        services.AddP2PCall(o => o.LoopbackOnly = true).AddSocketIOSignaling(o =>
        {
            o.ServerUri = server.Uri;
            o.UserId = callee;
        });
        await using var app = services.BuildServiceProvider();
        var client = app.GetRequiredService<ICallClient>();
        await client.StartAsync();
        await server.WaitConnectedAsync(callee);
        var connected = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var audio = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var video = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var session = new TaskCompletionSource<CallSession>(TaskCreationOptions.RunContinuationsAsynchronously);
        var receivers = new List<IDisposable>();
        client.IncomingCall += (_, e) =>
        {
            var s = e.Session;
            s.StateChanged += (_, c) =>
            {
                if (c.Current == CallState.Connected)
                {
                    connected.TrySetResult(EpochMs());
                }
            };
            s.RemoteTrack += (_, t) =>
            {
                var pc = (RTCPeerConnection)s.PeerConnection!;
                var track = (RemoteMediaStreamTrack)t.Track;
                lock (receivers)
                {
                    if (track.Kind == MediaKind.Audio)
                    {
                        var r = pc.CreateAudioReceiver(track);
                        r.FrameReceived += (_, _) =>
                        {
                            if (r.Statistics.FramesDecoded > 0)
                            {
                                audio.TrySetResult(EpochMs());
                            }
                        };
                        receivers.Add(r);
                    }
                    else
                    {
                        var r = pc.CreateVideoReceiver(track);
                        r.FrameDecoded += (_, _) => video.TrySetResult(EpochMs());
                        receivers.Add(r);
                    }
                }
            };
            session.TrySetResult(s);
            _ = s.AcceptAsync();
        };

        var page = await browser.NewPageAsync($"{server.Uri}?userId={caller}&peer={callee}");
        try
        {
            await server.WaitConnectedAsync(caller);
            await PageProbe.InstallAsync(page);
            await page.EvaluateAsync("peer => seed.call(peer)", callee);
            await PageProbe.WaitAsync(page, "window.__bench.connected");
            var dotnetConnected = await connected.Task.WaitAsync(LoopbackCall.Deadline);
            var audioMs = await audio.Task.WaitAsync(LoopbackCall.Deadline);
            var videoMs = await video.Task.WaitAsync(LoopbackCall.Deadline);
            var probe = await PageProbe.ReadAsync(page);
            var t0 = probe.T0!.Value;
            var call = await session.Task;
            await LoopbackCall.WhenOpen(call.ChatChannel!);
            await PageProbe.WaitChannelOpenAsync(page);
            var rtts = await DataChannelScenario.PingAsync(call.ChatChannel!, DataChannelScenario.Pings + 10);
            var rate = await DataChannelScenario.BulkViaEchoAsync(call.ChatChannel!, total, Stats.Percentile(rtts, 50));
            results.Add(run, Math.Max(probe.Connected!.Value, dotnetConnected) - t0, audioMs - t0, videoMs - t0, rtts.Skip(10), rate);
            await call.HangupAsync();
        }
        finally
        {
            if (session.Task.IsCompletedSuccessfully)
            {
                await session.Task.Result.DisposeAsync();
            }

            lock (receivers)
            {
                receivers.ForEach(r => r.Dispose());
                receivers.Clear();
            }

            await page.CloseAsync();
        }
    }

    private static double EpochMs() => (TimeProvider.System.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalMilliseconds;

    private static void Ratios(Report report)
    {
        var table = new Table(
            "Side by side (medians; .NET ↔ .NET warm, data channel with audio + video running)",
            ["figure", "Chromium ↔ Chromium", ".NET ↔ Chromium", ".NET ↔ .NET", ".NET ↔ .NET better by", ".NET ↔ Chromium better by"],
            []);
        var dotnetDc = SetupScenario.Pair + " (audio+video running)";
        foreach (var (name, dotnetPair, higherIsBetter) in new[]
        {
            (SetupScenario.Connected, SetupScenario.Pair, false),
            (SetupScenario.FirstAudio, SetupScenario.Pair, false),
            (SetupScenario.FirstVideo, SetupScenario.Pair, false),
            (DataChannelScenario.Rtt, dotnetDc, false),
            (DataChannelScenario.Bulk, dotnetDc, true),
        })
        {
            var c = report.Find(ChromiumPair, name);
            var m = report.Find(MixedPair, name);
            var d = report.Find(dotnetPair, name);
            // A ratio > 1 always means "better than Chromium ↔ Chromium by that factor".
            string Ratio(Figure? x) => c is null || x is null ? "—"
                : Stats.F(higherIsBetter ? x.Median / c.Median : c.Median / x.Median) + "×";
            table.Rows.Add([$"{name} ({c?.Unit ?? d?.Unit})", Stats.F(c?.Median ?? double.NaN), Stats.F(m?.Median ?? double.NaN), Stats.F(d?.Median ?? double.NaN), Ratio(d), Ratio(m)]);
        }

        report.Add(table);
        report.Note("ratios: how many times better than Chromium ↔ Chromium (time: Chromium's ÷ ours; MB/s: ours ÷ Chromium's); below 1× is worse.");
    }

    /// <summary>Per-pair results: the first run (cold browser / first socket.io call) apart, then the others.</summary>
    private sealed class Results
    {
        private readonly List<(double Connected, double Audio, double Video, double Rate)> _runs = [];
        private readonly List<double> _rtts = [];

        public void Add(int run, double connected, double audio, double video, IEnumerable<double> rtts, double rate)
        {
            _runs.Add((connected, audio, video, rate));
            if (run > 0)
            {
                _rtts.AddRange(rtts);
            }

            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  run {run}{(run == 0 ? " (first)" : "")}: connected {Stats.F(connected)} ms, audio {Stats.F(audio)} ms, video {Stats.F(video)} ms, RTT median {Stats.F(Stats.Percentile(rtts.ToList(), 50))} ms, bulk {Stats.F(rate)} MB/s"));
        }

        public void Report(Report report, string pair)
        {
            var first = _runs[0];
            var warm = _runs.Skip(1).ToList();
            report.Add(new Figure(pair, SetupScenario.Connected, "ms", warm.Select(r => r.Connected).ToList(), first.Connected));
            report.Add(new Figure(pair, SetupScenario.FirstAudio, "ms", warm.Select(r => r.Audio).ToList(), first.Audio));
            report.Add(new Figure(pair, SetupScenario.FirstVideo, "ms", warm.Select(r => r.Video).ToList(), first.Video));
            report.Add(new Figure(pair, DataChannelScenario.Rtt, "ms", _rtts));
            report.Add(new Figure(pair, DataChannelScenario.Bulk, "MB/s", warm.Select(r => r.Rate).ToList(), first.Rate));
        }
    }
}
