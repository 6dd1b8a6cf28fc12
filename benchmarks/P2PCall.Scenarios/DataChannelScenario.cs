using System.Diagnostics;
using P2PCall.WebRtc;

namespace P2PCall.Scenarios;

/// <summary>
/// Data channel, .NET ↔ .NET on loopback, with and without audio + video running: RTT of 100 small messages
/// ("ping:n" echoed as "pong:n" by the other side, as the seed page does) and bulk transfer of 64 MiB in 64 KiB
/// messages with bufferedAmount flow control, MB/s (10^6 bytes) at the receiver.
/// </summary>
internal static class DataChannelScenario
{
    public const string Rtt = "data channel RTT (100 pings)";
    public const string Bulk = "data channel bulk 64 KiB messages";
    public const int Pings = 100;
    public const int MessageSize = 64 * 1024;
    public const long HighWater = 4L * 1024 * 1024;
    public const long LowWater = 1L * 1024 * 1024;

    public static async Task RunAsync(ScenarioOptions options, Report report)
    {
        foreach (var media in new[] { true, false })
        {
            var pair = SetupScenario.Pair + (media ? " (audio+video running)" : " (data only)");
            var rtts = new List<double>();
            var rates = new List<double>();
            for (var i = 0; i < options.Runs; i++)
            {
                await using var call = await LoopbackCall.ConnectAsync(media);
                await LoopbackCall.WhenOpen(call.ChatA);
                var atB = await call.RemoteChatAtBAsync();
                await LoopbackCall.WhenOpen(atB);
                Echo(atB);
                var run = await PingAsync(call.ChatA, Pings + 10);
                rtts.AddRange(run.Skip(10)); // the first ten warm the path up
                var rate = await BulkAsync(call.ChatA, atB, (long)options.BulkMiB * 1024 * 1024);
                rates.Add(rate);
                Console.Out.WriteLine($"  {pair} run {i}: RTT median {Stats.F(Stats.Percentile(run, 50))} ms, bulk {Stats.F(rate)} MB/s");
            }

            report.Add(new Figure(pair, Rtt, "ms", rtts));
            report.Add(new Figure(pair, Bulk, "MB/s", rates));
        }

        report.Note($"data channel: RTT figures pool {Pings} pings from each run (after 10 warm-up pings); bulk is {options.BulkMiB} MiB from the sender's first Send to the receiver's last byte, high/low water {HighWater >> 20}/{LowWater >> 20} MiB.");
    }

    /// <summary>Answers "ping:n" with "pong:n" on the same channel.</summary>
    public static void Echo(IDataChannel channel) => channel.Message += (_, e) =>
    {
        if (e.Text is { } t && t.StartsWith("ping:", StringComparison.Ordinal))
        {
            channel.Send("pong:" + t[5..]);
        }
    };

    /// <summary>Sends pings one at a time and returns each round trip in milliseconds.</summary>
    public static async Task<List<double>> PingAsync(IDataChannel channel, int count)
    {
        TaskCompletionSource<string>? waiting = null;
        EventHandler<RTCDataChannelMessageEventArgs> onMessage = (_, e) =>
        {
            if (e.Text is { } t && t.StartsWith("pong:", StringComparison.Ordinal))
            {
                Volatile.Read(ref waiting)?.TrySetResult(t);
            }
        };
        channel.Message += onMessage;
        try
        {
            var rtts = new List<double>(count);
            for (var i = 0; i < count; i++)
            {
                var reply = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref waiting, reply);
                var start = Stopwatch.GetTimestamp();
                channel.Send("ping:" + i);
                var text = await reply.Task.WaitAsync(LoopbackCall.Deadline);
                rtts.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (text != "pong:" + i)
                {
                    throw new InvalidOperationException($"expected pong:{i}, got {text}");
                }
            }

            return rtts;
        }
        finally
        {
            channel.Message -= onMessage;
        }
    }

    /// <summary>Sends <paramref name="total"/> bytes from <paramref name="sender"/>; returns MB/s as seen by the receiver.</summary>
    public static async Task<double> BulkAsync(IDataChannel sender, IDataChannel receiver, long total)
    {
        long received = 0;
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        EventHandler<RTCDataChannelMessageEventArgs> onMessage = (_, e) =>
        {
            if (e.Text is null && Interlocked.Add(ref received, e.Data.Length) >= total)
            {
                done.TrySetResult(Stopwatch.GetTimestamp());
            }
        };
        receiver.Message += onMessage;
        try
        {
            var start = Stopwatch.GetTimestamp();
            await SendFlowControlledAsync(sender, total);
            var end = await done.Task.WaitAsync(BulkDeadline(total));
            return total / 1e6 / Stopwatch.GetElapsedTime(start, end).TotalSeconds;
        }
        finally
        {
            receiver.Message -= onMessage;
        }
    }

    /// <summary>
    /// Sends <paramref name="total"/> bytes to a peer that echoes "ping:n" (the seed page), then "ping:bulk": its echo
    /// follows the last byte on the ordered channel, so the receiver's time is the echo's less half a round trip.
    /// </summary>
    public static async Task<double> BulkViaEchoAsync(IDataChannel sender, long total, double rttMs)
    {
        var echo = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        EventHandler<RTCDataChannelMessageEventArgs> onMessage = (_, e) =>
        {
            if (e.Text == "pong:bulk")
            {
                echo.TrySetResult();
            }
        };
        sender.Message += onMessage;
        try
        {
            var start = Stopwatch.GetTimestamp();
            await SendFlowControlledAsync(sender, total);
            sender.Send("ping:bulk");
            await echo.Task.WaitAsync(BulkDeadline(total));
            return total / 1e6 / ((Stopwatch.GetElapsedTime(start).TotalMilliseconds - (rttMs / 2)) / 1000);
        }
        finally
        {
            sender.Message -= onMessage;
        }
    }

    private static TimeSpan BulkDeadline(long total) => TimeSpan.FromSeconds(Math.Max(60, total / 1_000_000.0));

    /// <summary>Sends in 64 KiB messages, waiting for BufferedAmountLow whenever more than the high water is queued.</summary>
    private static async Task SendFlowControlledAsync(IDataChannel sender, long total)
    {
        TaskCompletionSource? low = null;
        EventHandler onLow = (_, _) => Volatile.Read(ref low)?.TrySetResult();
        sender.BufferedAmountLowThreshold = LowWater;
        sender.BufferedAmountLow += onLow;
        var chunk = new byte[MessageSize];
        try
        {
            for (long sent = 0; sent < total; sent += MessageSize)
            {
                while (sender.BufferedAmount > HighWater)
                {
                    var wait = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    Volatile.Write(ref low, wait);
                    if (sender.BufferedAmount <= LowWater)
                    {
                        break;
                    }

                    await wait.Task.WaitAsync(BulkDeadline(total));
                }

                sender.Send(chunk.AsSpan(0, (int)Math.Min(MessageSize, total - sent)));
            }
        }
        finally
        {
            sender.BufferedAmountLow -= onLow;
        }
    }
}
