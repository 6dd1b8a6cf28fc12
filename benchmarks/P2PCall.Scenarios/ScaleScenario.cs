using System.Diagnostics;
using System.Globalization;
using P2PCall.WebRtc;
using P2PCall.WebRtc.Media.Audio;

namespace P2PCall.Scenarios;

/// <summary>
/// Scale: N concurrent two-way Opus audio calls in this process (2N RTCPeerConnections on loopback, each sending a
/// 440 Hz tone and decoding the other's), N doubling from <c>scale-start</c>. For each step: process CPU % of the
/// whole machine over a steady window, working set per peer connection, RTP loss from GetStats and concealed
/// frames; stops when loss &gt; 1 %, CPU &gt; 90 %, a call fails to connect, or N passes <c>scale-max</c>.
/// </summary>
internal static class ScaleScenario
{
    private const int ConnectConcurrency = 8;

    public static async Task RunAsync(ScenarioOptions options, Report report)
    {
        var table = new Table(
            options.ScaleAudio ? "Scale: concurrent two-way Opus audio calls (one process, loopback)"
                : "Scale: concurrent connected calls with only an idle data channel (scale-audio=0: the per-connection baseline)",
            ["calls", "peer connections", "failed to connect", "setup s", "CPU % (of all cores)", "working set MB", "KB per PC", "RTP received", "RTP loss %", "concealed %"],
            []);
        report.Add(table);
        await StepAsync(2, 1, options.ScaleAudio); // pays the process's one-time costs (JIT, codec libraries) before the first measured step
        for (var n = options.ScaleStart; n <= options.ScaleMax; n *= 2)
        {
            var step = await StepAsync(n, options.StepSeconds, options.ScaleAudio);
            table.Rows.Add([
                n.ToString(CultureInfo.InvariantCulture), (2 * n).ToString(CultureInfo.InvariantCulture), step.Failed.ToString(CultureInfo.InvariantCulture), Stats.F(step.SetupSeconds),
                Stats.F(step.CpuPercent), Stats.F(step.WorkingSetMb), Stats.F(step.KbPerPc),
                step.Received.ToString(CultureInfo.InvariantCulture), Stats.F(step.LossPercent), Stats.F(step.ConcealedPercent),
            ]);
            Console.Out.WriteLine($"  N={n}: failed {step.Failed}, setup {Stats.F(step.SetupSeconds)} s, CPU {Stats.F(step.CpuPercent)} %, {Stats.F(step.KbPerPc)} KB/PC, loss {Stats.F(step.LossPercent)} %, concealed {Stats.F(step.ConcealedPercent)} %");
            if ((options.ScaleAudio && step.LossPercent > 1) || step.CpuPercent > 90 || step.Failed > 0)
            {
                report.Note($"scale: stopped at N={n} (loss {Stats.F(step.LossPercent)} %, CPU {Stats.F(step.CpuPercent)} %, {step.Failed} calls failed to connect{(step.FirstFailure is { } f ? ": " + f : "")}).");
                return;
            }
        }

        report.Note($"scale: reached scale-max={options.ScaleMax} without crossing 1 % loss or 90 % CPU.");
    }

    private sealed record Step(int Failed, string? FirstFailure, double SetupSeconds, double CpuPercent, double WorkingSetMb, double KbPerPc, long Received, double LossPercent, double ConcealedPercent);

    private static async Task<Step> StepAsync(int n, double seconds, bool audio)
    {
        Collect();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var wsBefore = self.WorkingSet64;
        var calls = new List<AudioCall>(n);
        var failed = 0;
        string? firstFailure = null;
        var setup = Stopwatch.StartNew();
        try
        {
            using var gate = new SemaphoreSlim(ConnectConcurrency);
            var connecting = Enumerable.Range(0, n).Select(async _ =>
            {
                await gate.WaitAsync();
                try
                {
                    var call = await AudioCall.ConnectAsync(audio);
                    lock (calls)
                    {
                        calls.Add(call);
                    }
                }
                catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
                {
                    // A call that fails to connect under load is a result of the step, not the end of the run.
                    if (Interlocked.Increment(ref failed) == 1)
                    {
                        firstFailure = ex.Message;
                    }
                }
                finally
                {
                    gate.Release();
                }
            }).ToList();
            await Task.WhenAll(connecting);
            var setupSeconds = setup.Elapsed.TotalSeconds;

            await Task.Delay(TimeSpan.FromSeconds(1)); // jitter buffers fill, the last handshakes' work settles
            var (recv0, lost0) = Rtp(calls);
            var (dec0, con0) = Decoded(calls);
            self.Refresh();
            var cpu0 = self.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            self.Refresh();
            var cpu = (self.TotalProcessorTime - cpu0).TotalSeconds / wall.Elapsed.TotalSeconds / Environment.ProcessorCount * 100;
            var (recv1, lost1) = Rtp(calls);
            var (dec1, con1) = Decoded(calls);
            var ws = self.WorkingSet64;
            long received = recv1 - recv0, lost = lost1 - lost0, decoded = dec1 - dec0, concealed = con1 - con0;
            return new Step(
                failed, firstFailure, setupSeconds, cpu, ws / 1e6, (ws - wsBefore) / 1024.0 / (2 * Math.Max(1, calls.Count)), received,
                received + lost == 0 ? (audio ? 100 : 0) : 100.0 * lost / (received + lost),
                decoded + concealed == 0 ? (audio ? 100 : 0) : 100.0 * concealed / (decoded + concealed));
        }
        finally
        {
            foreach (var c in calls)
            {
                await c.DisposeAsync();
            }
        }
    }

    private static (long Received, long Lost) Rtp(List<AudioCall> calls)
    {
        long received = 0, lost = 0;
        foreach (var pc in calls.SelectMany(c => c.Connections))
        {
            foreach (var s in pc.GetStats().Inbound)
            {
                received += s.PacketsReceived;
                lost += Math.Max(0, s.PacketsLost);
            }
        }

        return (received, lost);
    }

    private static (long Decoded, long Concealed) Decoded(List<AudioCall> calls)
    {
        long decoded = 0, concealed = 0;
        foreach (var r in calls.SelectMany(c => c.Receivers))
        {
            var s = r.Statistics;
            decoded += s.FramesDecoded;
            concealed += s.ConcealedFrames;
        }

        return (decoded, concealed);
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>One audio-only call: two connections, each with a tone and a decoder for the other's.</summary>
    private sealed class AudioCall : IAsyncDisposable
    {
        private readonly List<AudioReceiver> _receivers = [];

        public RTCPeerConnection[] Connections { get; } =
            [new(new RTCConfiguration { LoopbackOnly = true }), new(new RTCConfiguration { LoopbackOnly = true })];

        public IReadOnlyList<AudioReceiver> Receivers
        {
            get
            {
                lock (_receivers)
                {
                    return [.. _receivers];
                }
            }
        }

        public static async Task<AudioCall> ConnectAsync(bool audio)
        {
            var call = new AudioCall();
            try
            {
                var (a, b) = (call.Connections[0], call.Connections[1]);
                var tracks = new List<Task>();
                foreach (var pc in audio ? call.Connections : [])
                {
                    pc.AddTrack(new LocalAudioTrack(new ToneAudioSource(440)));
                    var got = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    pc.Track += (_, e) =>
                    {
                        lock (call._receivers)
                        {
                            call._receivers.Add(pc.CreateAudioReceiver((RemoteMediaStreamTrack)e.Track));
                        }

                        got.TrySetResult();
                    };
                    tracks.Add(got.Task);
                }

                if (!audio)
                {
                    a.CreateDataChannel("idle"); // something to negotiate: an SCTP association and nothing else
                }

                var connected = Task.WhenAll(call.Connections.Select(WhenConnected));
                a.IceCandidate += async (_, e) => await b.AddIceCandidateAsync(e.Candidate);
                b.IceCandidate += async (_, e) => await a.AddIceCandidateAsync(e.Candidate);
                var offer = await a.CreateOfferAsync();
                await a.SetLocalDescriptionAsync(offer);
                await b.SetRemoteDescriptionAsync(offer);
                var answer = await b.CreateAnswerAsync();
                await b.SetLocalDescriptionAsync(answer);
                await a.SetRemoteDescriptionAsync(answer);
                await Task.WhenAll(tracks.Append(connected)).WaitAsync(TimeSpan.FromSeconds(60));
                return call;
            }
            catch
            {
                await call.DisposeAsync();
                throw;
            }
        }

        private static Task WhenConnected(RTCPeerConnection pc)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            pc.ConnectionStateChange += (_, _) =>
            {
                if (pc.ConnectionState == RTCPeerConnectionState.Connected)
                {
                    done.TrySetResult();
                }
                else if (pc.ConnectionState == RTCPeerConnectionState.Failed)
                {
                    done.TrySetException(new InvalidOperationException(
                        $"connection failed (ICE {pc.IceConnectionState}, reason: {pc.FailureReason?.Message ?? "none given"})"));
                }
            };
            return done.Task;
        }

        public async ValueTask DisposeAsync()
        {
            // Connections first, so no packet reaches a receiver being disposed (see LoopbackCall.DisposeAsync).
            foreach (var pc in Connections)
            {
                await pc.DisposeAsync();
            }

            foreach (var r in Receivers)
            {
                await r.DisposeAsync();
            }
        }
    }
}
