using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace P2PCall.Scenarios;

/// <summary>One measured figure: every run's value, summarised as median, min, max (and p95 where it matters).</summary>
/// <param name="Pair">Who talks to whom, for example ".NET ↔ .NET".</param>
/// <param name="Name">The figure, for example "both connected after start".</param>
/// <param name="Unit">ms, MB/s, …</param>
/// <param name="Values">One value per run (or per sample for RTT).</param>
/// <param name="Cold">The first call of the process, reported apart from <paramref name="Values"/>; null when not applicable.</param>
internal sealed record Figure(string Pair, string Name, string Unit, IReadOnlyList<double> Values, double? Cold = null)
{
    public double Median => Stats.Percentile(Values, 50);

    public double Min => Values.Count == 0 ? double.NaN : Values.Min();

    public double Max => Values.Count == 0 ? double.NaN : Values.Max();

    public double P95 => Stats.Percentile(Values, 95);
}

/// <summary>A free-form table (the scale steps, the Chromium ratios).</summary>
internal sealed record Table(string Title, IReadOnlyList<string> Headers, List<IReadOnlyList<string>> Rows);

internal static class Stats
{
    /// <summary>Nearest-rank percentile (p50 of an even count is the mean of the two middle values).</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        if (p == 50)
        {
            var mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }

        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static string F(double value) =>
        double.IsNaN(value) ? "—" : value.ToString(Math.Abs(value) >= 100 ? "0" : Math.Abs(value) >= 1 ? "0.0" : "0.000", CultureInfo.InvariantCulture);
}

/// <summary>Collects the figures of a run and writes them as Markdown (stdout) and JSON.</summary>
internal sealed class Report
{
    private readonly List<Figure> _figures = [];
    private readonly List<Table> _tables = [];
    private readonly List<string> _notes = [];

    public IReadOnlyList<Figure> Figures => _figures;

    public void Add(Figure figure)
    {
        _figures.Add(figure);
        var cold = figure.Cold is { } c ? $", cold {Stats.F(c)}" : string.Empty;
        Console.Out.WriteLine($"  {figure.Pair}: {figure.Name} = median {Stats.F(figure.Median)} {figure.Unit} (n={figure.Values.Count}{cold})");
    }

    public void Add(Table table) => _tables.Add(table);

    public void Note(string note)
    {
        _notes.Add(note);
        Console.Out.WriteLine("  note: " + note);
    }

    public Figure? Find(string pair, string name) => _figures.LastOrDefault(f => f.Pair == pair && f.Name == name);

    public static string Machine() =>
        $"{RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, " +
        $"{Environment.ProcessorCount} cores ({CpuModel()}), P2PCall {typeof(P2PCall.WebRtc.RTCPeerConnection).Assembly.GetName().Version}, " +
        $"server GC {System.Runtime.GCSettings.IsServerGC}, Opus " +
        (P2PCall.WebRtc.Media.Audio.AudioCodecs.UsesNativeOpus(P2PCall.WebRtc.Media.Audio.OpusImplementation.Auto)
            ? $"native ({P2PCall.WebRtc.Media.Audio.Opus.Native.OpusLibrary.Version})" : "managed (Concentus)") +
        $" complexity {P2PCall.WebRtc.Media.Audio.AudioCodecs.DefaultEncoderOptions.OpusComplexity}, ReadyToRun {(IsReadyToRun(typeof(P2PCall.WebRtc.RTCPeerConnection).Assembly) ? "yes" : "no")}";

    /// <summary>Whether the assembly carries precompiled (ReadyToRun) code: its CLI header has a managed native header.</summary>
    private static bool IsReadyToRun(System.Reflection.Assembly assembly)
    {
        try
        {
            using var stream = File.OpenRead(assembly.Location);
            using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
            return pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public string ToMarkdown(string command)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine()}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Command: `{command}`");
        sb.AppendLine();
        if (_figures.Count > 0)
        {
            sb.AppendLine("| pair | figure | unit | n | cold (first call) | median | p95 | min | max |");
            sb.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|");
            foreach (var f in _figures)
            {
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {f.Pair} | {f.Name} | {f.Unit} | {f.Values.Count} | {(f.Cold is { } c ? Stats.F(c) : "")} | {Stats.F(f.Median)} | {Stats.F(f.P95)} | {Stats.F(f.Min)} | {Stats.F(f.Max)} |");
            }
        }

        foreach (var t in _tables)
        {
            sb.AppendLine();
            sb.AppendLine(t.Title);
            sb.AppendLine();
            sb.AppendLine("| " + string.Join(" | ", t.Headers) + " |");
            sb.AppendLine("|" + string.Concat(t.Headers.Select((_, i) => i == 0 ? "---|" : "---:|")));
            foreach (var row in t.Rows)
            {
                sb.AppendLine("| " + string.Join(" | ", row) + " |");
            }
        }

        foreach (var n in _notes)
        {
            sb.AppendLine();
            sb.AppendLine("- " + n);
        }

        return sb.ToString();
    }

    public async Task WriteJsonAsync(string path, string command)
    {
        var json = new
        {
            machine = Machine(),
            command,
            figures = _figures.Select(f => new
            {
                pair = f.Pair, name = f.Name, unit = f.Unit, runs = f.Values.Count, cold = f.Cold,
                median = Num(f.Median), p95 = Num(f.P95), min = Num(f.Min), max = Num(f.Max), values = f.Values,
            }),
            tables = _tables.Select(t => new { title = t.Title, headers = t.Headers, rows = t.Rows }),
            notes = _notes,
        };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static double? Num(double v) => double.IsNaN(v) ? null : v;

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }
}
