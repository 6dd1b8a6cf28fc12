using System.Globalization;

namespace P2PCall.Scenarios;

/// <summary>
/// Whole-call figures (issue 9). Usage: <c>dotnet run -c Release -- [setup] [datachannel] [scale] [chromium] [all]
/// [smoke] [runs=N] [json=path] [scale-start=25] [scale-max=800] [step-seconds=10] [bulk-mib=64] [core=0|1] [scale-audio=0|1] [opus=auto|native|managed] [opus-complexity=0..10] [warmup=0|1]</c>. With no scenario named,
/// <c>setup</c> runs. <c>chromium</c> also runs the .NET ↔ .NET setup and data-channel figures for the ratios, and
/// only inside a loopback-only network namespace.
/// </summary>
public static class Program
{
    private static readonly string[] Known = ["setup", "datachannel", "scale", "chromium"];

    public static async Task<int> Main(string[] args)
    {
        var options = ScenarioOptions.Parse(args);
        P2PCall.WebRtc.Media.Audio.AudioCodecs.DefaultOpusImplementation = options.Opus;
        if (options.OpusComplexity is { } complexity)
        {
            P2PCall.WebRtc.Media.Audio.AudioCodecs.DefaultEncoderOptions = new P2PCall.WebRtc.Media.Audio.AudioEncoderOptions { OpusComplexity = complexity };
        }
        var unknown = options.Scenarios.Except(Known).ToList();
        if (unknown.Count > 0)
        {
            await Console.Error.WriteLineAsync($"unknown scenario(s): {string.Join(", ", unknown)}; known: {string.Join(", ", Known)}, all");
            return 2;
        }

        var selected = options.Scenarios;
        if (selected.Contains("chromium"))
        {
            if (ChromiumBrowser.WhyNot() is { } why)
            {
                await Console.Error.WriteLineAsync("chromium: " + why);
                await Console.Error.WriteLineAsync("Build first, then run inside a loopback-only network namespace:");
                await Console.Error.WriteLineAsync("  dotnet build -c Release benchmarks/P2PCall.Scenarios");
                await Console.Error.WriteLineAsync("  unshare --net bash -c 'ip link set lo up; dotnet run -c Release --no-build --project benchmarks/P2PCall.Scenarios -- chromium'");
                return 3;
            }

            // The ratios need the .NET ↔ .NET figures of the same run.
            selected = [.. selected.Union(["setup", "datachannel"]).OrderBy(s => Array.IndexOf(Known, s))];
        }

        var command = "dotnet run -c Release --project benchmarks/P2PCall.Scenarios -- " + string.Join(' ', args);
        Console.Out.WriteLine($"P2PCall scenarios on {Report.Machine()}");
        Console.Out.WriteLine($"scenarios: {string.Join(", ", selected)}; runs={options.Runs}");
        var report = new Report();
        foreach (var scenario in selected)
        {
            Console.Out.WriteLine($"== {scenario}");
            switch (scenario)
            {
                case "setup":
                    await SetupScenario.RunAsync(options, report);
                    break;
                case "datachannel":
                    await DataChannelScenario.RunAsync(options, report);
                    break;
                case "scale":
                    await ScaleScenario.RunAsync(options, report);
                    break;
                case "chromium":
                    await ChromiumScenario.RunAsync(options, report);
                    break;
            }
        }

        Console.Out.WriteLine();
        Console.Out.WriteLine(report.ToMarkdown(command));
        if (options.JsonPath is not null)
        {
            await report.WriteJsonAsync(options.JsonPath, command);
            Console.Out.WriteLine($"JSON written to {options.JsonPath}");
        }

        return 0;
    }
}

/// <summary>Command-line settings shared by the scenarios.</summary>
internal sealed record ScenarioOptions(
    IReadOnlyList<string> Scenarios, int Runs, string? JsonPath, int ScaleStart, int ScaleMax, double StepSeconds, int BulkMiB, bool CoreRow, bool ScaleAudio,
    P2PCall.WebRtc.Media.Audio.OpusImplementation Opus, int? OpusComplexity, bool WarmUp)
{
    public static ScenarioOptions Parse(string[] args)
    {
        var named = args.Where(a => !a.Contains('=', StringComparison.Ordinal)).Select(a => a.TrimStart('-').ToLowerInvariant()).ToList();
        // smoke: every selected scenario once with tiny sizes, for CI (proves the runner works, measures nothing).
        var smoke = named.Remove("smoke");
        if (named.Contains("all"))
        {
            named = ["setup", "datachannel", "scale", "chromium"];
        }

        if (named.Count == 0)
        {
            named = ["setup"];
        }

        return new ScenarioOptions(
            named.Distinct().ToList(),
            Math.Max(1, Int(args, "runs", smoke ? 1 : 5)),
            Value(args, "json"),
            Math.Max(1, Int(args, "scale-start", smoke ? 2 : 25)),
            Int(args, "scale-max", smoke ? 2 : 800),
            Math.Max(1, Int(args, "step-seconds", smoke ? 1 : 10)),
            Math.Max(1, Int(args, "bulk-mib", smoke ? 1 : 64)),
            Int(args, "core", 1) != 0,
            Int(args, "scale-audio", 1) != 0,
            // opus=: which Opus every call of the run uses (AudioCodecs.DefaultOpusImplementation), for before/after figures.
            Enum.TryParse<P2PCall.WebRtc.Media.Audio.OpusImplementation>(Value(args, "opus"), ignoreCase: true, out var opus) ? opus : default,
            // opus-complexity=: the encoder complexity of every sender of the run (AudioCodecs.DefaultEncoderOptions); default 5.
            int.TryParse(Value(args, "opus-complexity"), CultureInfo.InvariantCulture, out var complexity) ? Math.Clamp(complexity, 0, 10) : null,
            // warmup=1: run RTCPeerConnectionWarmUp (what AddP2PCall's hosted service does at host start) before the
            // first call, so the "cold" figure is the first call of an app whose host has started.
            Int(args, "warmup", 0) != 0);
    }

    private static string? Value(string[] args, string name) =>
        args.FirstOrDefault(a => a.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];

    private static int Int(string[] args, string name, int fallback) =>
        int.TryParse(Value(args, name), CultureInfo.InvariantCulture, out var v) ? v : fallback;
}
