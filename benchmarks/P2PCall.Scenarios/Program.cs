using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using P2PCall.WebRtc;

namespace P2PCall.Scenarios;

/// <summary>
/// Whole-call figures for two RTCPeerConnections in one process on loopback UDP: from the start of negotiation
/// to both sides connected (ICE + DTLS + SRTP keys), and to the first authenticated RTP packet at the far end.
/// The first call of the process is reported apart (it pays the JIT), then the median of the warm runs.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var runs = ArgValue(args, "runs", 5);
        var jsonPath = args.FirstOrDefault(a => a.StartsWith("json=", StringComparison.Ordinal))?[5..];
        Console.Out.WriteLine($"P2PCall scenarios: {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores");

        var results = new List<(double Connected, double FirstRtp)>();
        for (var i = 0; i <= runs; i++)
        {
            results.Add(await OneCallAsync());
        }

        var first = results[0];
        var warm = results.Skip(1).ToList();
        Console.Out.WriteLine();
        Console.Out.WriteLine("| figure | first call (cold) | warm median | warm min | warm max |");
        Console.Out.WriteLine("|---|---:|---:|---:|---:|");
        Row("both connected after start (ms)", first.Connected, warm.Select(w => w.Connected).ToList());
        Row("first remote RTP after start (ms)", first.FirstRtp, warm.Select(w => w.FirstRtp).ToList());
        if (jsonPath is not null)
        {
            await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(new
            {
                runtime = RuntimeInformation.FrameworkDescription,
                cores = Environment.ProcessorCount,
                cold = new { connectedMs = first.Connected, firstRtpMs = first.FirstRtp },
                warm = warm.Select(w => new { connectedMs = w.Connected, firstRtpMs = w.FirstRtp }),
            }));
        }

        return 0;
    }

    private static void Row(string name, double cold, List<double> warm)
    {
        warm.Sort();
        var median = warm.Count == 0 ? double.NaN : warm[warm.Count / 2];
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {cold:0.0} | {median:0.0} | {warm.FirstOrDefault():0.0} | {warm.LastOrDefault():0.0} |"));
    }

    private static async Task<(double Connected, double FirstRtp)> OneCallAsync()
    {
        var config = new RTCConfiguration { LoopbackOnly = true };
        await using var a = new RTCPeerConnection(config);
        await using var b = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = true });
        var audio = (RTCRtpSender)a.AddTrack(new SyntheticTrack(MediaKind.Audio));
        a.AddTrack(new SyntheticTrack(MediaKind.Video));
        b.AddTrack(new SyntheticTrack(MediaKind.Audio));
        b.AddTrack(new SyntheticTrack(MediaKind.Video));
        var connectedA = Connected(a);
        var connectedB = Connected(b);
        var firstRtp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Track += (_, e) => ((RemoteMediaStreamTrack)e.Track).RtpReceived += (_, _) => firstRtp.TrySetResult();
        a.IceCandidate += async (_, e) => { if (e.Candidate is { } c) { await b.AddIceCandidateAsync(c); } };
        b.IceCandidate += async (_, e) => { if (e.Candidate is { } c) { await a.AddIceCandidateAsync(c); } };

        var clock = Stopwatch.StartNew();
        var offer = await a.CreateOfferAsync();
        await a.SetLocalDescriptionAsync(offer);
        await b.SetRemoteDescriptionAsync(offer);
        var answer = await b.CreateAnswerAsync();
        await b.SetLocalDescriptionAsync(answer);
        await a.SetRemoteDescriptionAsync(answer);
        await Task.WhenAll(connectedA, connectedB).WaitAsync(TimeSpan.FromSeconds(30));
        var connected = clock.Elapsed.TotalMilliseconds;
        var payloadType = audio.Codecs[0].PayloadType;
        uint timestamp = 0;
        while (!firstRtp.Task.IsCompleted)
        {
            audio.SendRtp(payloadType, timestamp += 960, false, [0xF8, 0xFF, 0xFE]);
            await Task.WhenAny(firstRtp.Task, Task.Delay(1));
        }

        return (connected, clock.Elapsed.TotalMilliseconds);
    }

    private static Task Connected(RTCPeerConnection pc)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pc.ConnectionStateChange += (_, _) =>
        {
            if (pc.ConnectionState == RTCPeerConnectionState.Connected)
            {
                done.TrySetResult();
            }
        };
        return done.Task;
    }

    private static int ArgValue(string[] args, string name, int fallback) =>
        args.FirstOrDefault(a => a.StartsWith(name + "=", StringComparison.Ordinal)) is { } arg
        && int.TryParse(arg.AsSpan(name.Length + 1), CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private sealed class SyntheticTrack(MediaKind kind) : IMediaStreamTrack
    {
        public string Id { get; } = Guid.NewGuid().ToString();
        public MediaKind Kind { get; } = kind;
        public string Label => "scenario " + Kind;
        public bool Enabled { get; set; } = true;
        public MediaStreamTrackState ReadyState => MediaStreamTrackState.Live;
        public event EventHandler? Ended;

        public void Stop() => Ended?.Invoke(this, EventArgs.Empty);
    }
}
