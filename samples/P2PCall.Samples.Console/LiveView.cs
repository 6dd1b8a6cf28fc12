using System.Globalization;
using Spectre.Console;

namespace P2PCall.Samples.Cli;

/// <summary>The live view (Spectre.Console): one row per side, refreshed twice a second, and the summary at the end.</summary>
internal static class LiveView
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(500);

    /// <summary>Shows the sides until <paramref name="until"/> completes (and rethrows its failure).</summary>
    public static async Task ShowAsync(IReadOnlyList<(string Label, Func<CallMonitor?> Monitor)> sides, Task until, TimeProvider time)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            await until; // output redirected: the summary at the end says it all
            return;
        }

        var table = NewTable("side", "state", "RTT ms", "packets out/in/lost", "kbit/s out/in", "audio frames", "video frames", "ping/pong");
        await AnsiConsole.Live(table).AutoClear(false).StartAsync(async context =>
        {
            while (true)
            {
                table.Rows.Clear();
                foreach (var (label, monitor) in sides)
                {
                    if (monitor() is not { } m)
                    {
                        table.AddRow(Markup.Escape(label), "waiting", "", "", "", "", "", "");
                        continue;
                    }

                    var s = m.Sample();
                    table.AddRow(
                        Markup.Escape(label),
                        s.State.ToString(),
                        s.RoundTripTime is { } rtt ? F(rtt.TotalMilliseconds, "0.0") : "",
                        $"{s.PacketsSent}/{s.PacketsReceived}/{s.PacketsLost}",
                        $"{F(s.KbpsSent)}/{F(s.KbpsReceived)}",
                        F(s.AudioFrames),
                        F(s.VideoFrames),
                        $"{s.ChatSent}/{s.ChatReceived}");
                }

                context.Refresh();
                if (until.IsCompleted)
                {
                    break;
                }

                await Task.WhenAny(until, Task.Delay(Refresh, time));
            }
        });
        await until;
    }

    /// <summary>Prints what each side received.</summary>
    public static void Summary(IEnumerable<CallReport> reports)
    {
        var table = NewTable("side", "connected", "connect ms", "audio frames in", "video frames in", "pings sent", "pongs in", "end");
        foreach (var r in reports)
        {
            table.AddRow(
                Markup.Escape($"{r.User} ({r.Role})"),
                r.Connected ? "[green]yes[/]" : "[red]no[/]",
                r.Connected ? F(r.ConnectMs) : "",
                F(r.AudioFramesReceived),
                F(r.VideoFramesReceived),
                F(r.ChatSent),
                F(r.ChatReceived),
                Markup.Escape(r.EndReason));
        }

        AnsiConsole.Write(table);
    }

    private static Table NewTable(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(column == columns[0] ? new TableColumn(column).NoWrap() : new TableColumn(column).RightAligned());
        }

        return table;
    }

    private static string F(double value, string format = "0") => value.ToString(format, CultureInfo.InvariantCulture);
}
