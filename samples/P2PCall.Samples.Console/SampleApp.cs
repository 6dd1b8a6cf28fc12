using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using P2PCall.Core.Calls;
using P2PCall.Core.Signaling;
using P2PCall.Signaling.InMemory;
using P2PCall.WebRtc;
using P2PCall.WebRtc.Media;
using P2PCall.WebRtc.Media.Audio;
using P2PCall.WebRtc.Media.Video;
using P2PCall.WebRtc.Media.Video.Vpx;

namespace P2PCall.Samples.Cli;

/// <summary>The sample's commands: each side of a call is a host built with <c>Host.CreateApplicationBuilder</c> + <c>AddP2PCall()</c>.</summary>
internal static class SampleApp
{
    /// <summary>How long the end of a call (last pongs, hang-up) may take.</summary>
    private static readonly TimeSpan EndTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs the command line; returns the exit code (0 connected with media both ways, 1 not, 2 bad arguments).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        if (!SampleArguments.TryParse(args, out var arguments, out var problem))
        {
            await error.WriteLineAsync($"error: {problem}");
            return 2;
        }

        if (arguments.Command == SampleCommand.Help)
        {
            await output.WriteLineAsync(SampleArguments.Usage);
            return 0;
        }

        try
        {
            // The test pattern camera needs libvpx: say so now, in one line, rather than as a failed call.
            VpxLibrary.EnsureAvailable();
        }
        catch (VpxLibraryUnavailableException ex)
        {
            await error.WriteLineAsync($"error: {OneLine(ex.Message)} (install it: bash eng/install-deps.sh libvpx7)");
            return 1;
        }

        var run = new Run(arguments, output, error);
        return arguments.Command switch
        {
            SampleCommand.Demo => await run.DemoAsync(cancellationToken),
            SampleCommand.Listen => await run.ListenAsync(cancellationToken),
            _ => await run.CallAsync(cancellationToken),
        };
    }

    internal static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private sealed class Run(SampleArguments arguments, TextWriter output, TextWriter error)
    {
        private readonly TimeProvider _time = TimeProvider.System;

        public async Task<int> DemoAsync(CancellationToken cancellationToken)
        {
            var hub = new InMemorySignalingHub();
            await using var callerHost = BuildHost(p => p.AddInMemorySignaling(o => { o.UserId = "alice"; o.Hub = hub; }), loopbackOnly: true);
            await using var calleeHost = BuildHost(p => p.AddInMemorySignaling(o => { o.UserId = "bob"; o.Hub = hub; }), loopbackOnly: true);
            await callerHost.Host.StartAsync(cancellationToken);
            await calleeHost.Host.StartAsync(cancellationToken);
            using var stop = Stopping(cancellationToken, callerHost, calleeHost);
            var callerClient = callerHost.Host.Services.GetRequiredService<ICallClient>();
            var calleeClient = calleeHost.Host.Services.GetRequiredService<ICallClient>();
            await callerClient.StartAsync(stop.Token);
            await calleeClient.StartAsync(stop.Token);

            CallMonitor? calleeMonitor = null;
            var rang = new TaskCompletionSource<CallMonitor>(TaskCreationOptions.RunContinuationsAsynchronously);
            calleeClient.IncomingCall += (_, e) =>
            {
                var monitor = new CallMonitor(e.Session, arguments.RecordDir, _time, arguments.Video.FrameRate);
                calleeMonitor = monitor;
                rang.TrySetResult(monitor);
                _ = e.Session.AcceptAsync();
            };

            CallMonitor? callerMonitor = null;
            await callerClient.CallAsync("bob", s => callerMonitor = new CallMonitor(s, arguments.RecordDir, _time, arguments.Video.FrameRate), stop.Token);
            var sides = new List<(string Label, Func<CallMonitor?> Monitor)>
            {
                ("alice (caller)", () => callerMonitor),
                ("bob (callee)", () => calleeMonitor),
            };
            await using (callerMonitor!)
            {
                var talk = TalkAsync(callerMonitor!, rang.Task, stop.Token);
                await ShowAsync(sides, talk);
                await using (calleeMonitor)
                {
                    var caller = callerMonitor!.Report("caller");
                    var callee = calleeMonitor?.Report("callee") ?? CallReport.NotStarted("callee", "bob", "alice", "NoCall", "the call never rang");
                    var ok = caller.MediaFlowed && callee.MediaFlowed;
                    var problem = ok ? null : Problem(caller) ?? Problem(callee) ?? "media did not flow both ways";
                    if (arguments.Json)
                    {
                        await output.WriteLineAsync(JsonReport.Demo(caller, callee, ok, problem));
                    }
                    else
                    {
                        LiveView.Summary([caller, callee]);
                    }

                    return await FinishAsync(ok, problem);
                }
            }
        }

        public async Task<int> CallAsync(CancellationToken cancellationToken)
        {
            var user = arguments.User!;
            var peer = arguments.Peer!;
            await using var host = BuildHost(p => p.AddSocketIOSignaling(o => SocketIO(o, user)), arguments.LoopbackOnly);
            await host.Host.StartAsync(cancellationToken);
            using var stop = Stopping(cancellationToken, host);
            var client = host.Host.Services.GetRequiredService<ICallClient>();
            if (await ConnectAsync(client, "caller", peer, stop.Token) is { } failed)
            {
                return failed;
            }

            CallMonitor? monitor = null;
            await client.CallAsync(peer, s => monitor = new CallMonitor(s, arguments.RecordDir, _time, arguments.Video.FrameRate), stop.Token);
            await using (monitor!)
            {
                var talk = TalkAsync(monitor!, null, stop.Token);
                await ShowAsync([($"{user} → {peer}", () => monitor)], talk);
                return await ReportAsync(monitor!.Report("caller"));
            }
        }

        public async Task<int> ListenAsync(CancellationToken cancellationToken)
        {
            var user = arguments.User!;
            await using var host = BuildHost(p => p.AddSocketIOSignaling(o => SocketIO(o, user)), arguments.LoopbackOnly);
            await host.Host.StartAsync(cancellationToken);
            using var stop = Stopping(cancellationToken, host);
            if (arguments.Duration is { } limit)
            {
                stop.CancelAfter(limit);
            }

            var client = host.Host.Services.GetRequiredService<ICallClient>();
            if (await ConnectAsync(client, "callee", "-", stop.Token) is { } failed)
            {
                return failed;
            }

            var incoming = System.Threading.Channels.Channel.CreateUnbounded<CallMonitor>();
            client.IncomingCall += (_, e) => incoming.Writer.TryWrite(new CallMonitor(e.Session, arguments.RecordDir, _time, arguments.Video.FrameRate));
            CallMonitor? current = null;
            CallReport? last = null;
            if (!arguments.Json)
            {
                await output.WriteLineAsync($"listening as '{user}' on {arguments.Server} (Ctrl+C to stop)");
            }

            var loop = ListenLoopAsync();
            await ShowAsync([($"{user} (listening)", () => current)], loop);
            await loop;
            var report = last ?? CallReport.NotStarted("callee", user, "-", "NoCall", "no call came in");
            return await ReportAsync(report);

            async Task ListenLoopAsync()
            {
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        var monitor = await incoming.Reader.ReadAsync(stop.Token);
                        await using (monitor)
                        {
                            current = monitor;
                            var session = (CalleeSession)monitor.Session;
                            if (arguments.Ask && !await AskAsync(session.RemoteUserId, stop.Token))
                            {
                                await session.RejectAsync("declined");
                                await session.Completion.WaitAsync(EndTimeout, _time);
                            }
                            else
                            {
                                await session.AcceptAsync(stop.Token);
                                await TalkAsync(monitor, null, stop.Token, untilEnded: true);
                            }

                            last = monitor.Report("callee");
                        }

                        if (arguments.Once)
                        {
                            break;
                        }
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // Ctrl+C or --duration: the call in progress was hung up by TalkAsync.
                }
            }
        }

        /// <summary>
        /// One call from connected to its end: the chat check runs from connected; after the duration (or Ctrl+C) the pings
        /// stop, their pongs are awaited and the call is hung up. With <paramref name="untilEnded"/> the other side decides
        /// the end (listen) and only Ctrl+C or --duration hangs up from here.
        /// </summary>
        private async Task TalkAsync(CallMonitor monitor, Task<CallMonitor>? other, CancellationToken stop, bool untilEnded = false)
        {
            var connected = false;
            CallMonitor? peer = null;
            try
            {
                connected = await monitor.WaitConnectedAsync(stop);
                if (other is not null && connected)
                {
                    peer = await other.WaitAsync(stop);
                    connected = await peer.WaitConnectedAsync(stop);
                }

                if (connected)
                {
                    var wait = untilEnded ? Timeout.InfiniteTimeSpan : arguments.CallDuration;
                    await Task.WhenAny(monitor.Session.Completion, Task.Delay(wait, _time, stop));
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Ctrl+C (or listen's --duration): hang up below.
            }

            try
            {
                if (monitor.Session.State != CallState.Ended)
                {
                    await Task.WhenAll(monitor.StopChatAsync(TimeSpan.FromSeconds(2)), peer?.StopChatAsync(TimeSpan.FromSeconds(2)) ?? Task.CompletedTask);
                    await monitor.HangupAsync(EndTimeout);
                }

                if (peer is not null)
                {
                    await peer.Session.Completion.WaitAsync(EndTimeout, _time);
                }
            }
            catch (TimeoutException)
            {
                // The report shows the state each side was left in; the exit code does not depend on a slow hang-up.
                await error.WriteLineAsync($"warning: the hang-up did not finish within {EndTimeout.TotalSeconds:0} s");
            }
        }

        private async Task<bool> AskAsync(string caller, CancellationToken cancellationToken)
        {
            await error.WriteLineAsync($"{caller} is calling. Accept? [y/N]");
            var answer = await Console.In.ReadLineAsync(cancellationToken);
            return answer?.Trim().ToLowerInvariant() is "y" or "yes";
        }

        private async Task<int?> ConnectAsync(ICallClient client, string role, string peer, CancellationToken cancellationToken)
        {
            try
            {
                await client.StartAsync(cancellationToken);
                return null;
            }
            catch (SignalingException ex)
            {
                var problem = $"cannot reach the signaling server {arguments.Server}: {OneLine(ex.GetBaseException().Message)}";
                if (arguments.Json)
                {
                    await output.WriteLineAsync(JsonReport.Single(CallReport.NotStarted(role, client.UserId, peer, "ServerUnreachable", problem), false, problem));
                }

                return await FinishAsync(false, problem);
            }
        }

        private async Task<int> ReportAsync(CallReport report)
        {
            var ok = report.MediaFlowed;
            var problem = ok ? null : Problem(report) ?? "media did not flow both ways";
            if (arguments.Json)
            {
                await output.WriteLineAsync(JsonReport.Single(report, ok, problem));
            }
            else
            {
                LiveView.Summary([report]);
            }

            return await FinishAsync(ok, problem);
        }

        private async Task<int> FinishAsync(bool ok, string? problem)
        {
            if (ok)
            {
                return 0;
            }

            await error.WriteLineAsync($"error: {problem}");
            return 1;
        }

        /// <summary>Why a side failed, in words, or null when it connected (the media check is the caller's).</summary>
        private static string? Problem(CallReport r)
        {
            var detail = r.EndDetail is null ? string.Empty : $" ({OneLine(r.EndDetail)})";
            if (r.Connected)
            {
                return r.MediaFlowed
                    ? null
                    : $"{r.User}: the call connected but media did not flow both ways (received {r.AudioFramesReceived} audio and {r.VideoFramesReceived} video frames, sent {r.PacketsSent} packets)";
            }

            return r.EndReason switch
            {
                nameof(CallEndReason.PeerUnavailable) => $"{r.Peer} is not online{detail}",
                nameof(CallEndReason.Rejected) when r.Role == "callee" => $"declined the call from {r.Peer}",
                nameof(CallEndReason.Rejected) => $"{r.Peer} rejected the call{detail}",
                nameof(CallEndReason.Busy) => $"{r.Peer} is busy in another call",
                nameof(CallEndReason.NoAnswer) => $"{r.Peer} did not answer{detail}",
                "NoCall" => "no call came in",
                _ => $"{r.User}: the call ended before it connected: {r.EndReason}{detail}",
            };
        }

        private Task ShowAsync(IReadOnlyList<(string Label, Func<CallMonitor?> Monitor)> sides, Task until) =>
            arguments.Json ? until : LiveView.ShowAsync(sides, until, _time);

        private void SocketIO(SocketIOSignalingOptions o, string user)
        {
            o.ServerUri = arguments.Server;
            o.UserId = user;
        }

        private SideHost BuildHost(Action<IP2PCallBuilder> signaling, bool loopbackOnly)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                Args = [],
                ApplicationName = "P2PCall.Samples.Console",
                ContentRootPath = AppContext.BaseDirectory,
            });
            builder.Logging.ClearProviders();
            if (arguments.Verbose)
            {
                builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Debug);
            }

            builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
            var audioFile = arguments.AudioFile;
            var (width, height, fps) = arguments.Video;
            builder.Services.AddSingleton<IMediaDevices>(new MediaDevices(
                audioFile is null ? null : () => new WavAudioSource(audioFile, loop: true),
                () => new TestPatternVideoSource(width, height, fps)));
            var p2p = builder.Services.AddP2PCall(o =>
            {
                o.LoopbackOnly = loopbackOnly;
                foreach (var url in arguments.Stun)
                {
                    o.IceServers.Add(url);
                }
            });
            signaling(p2p);
            return new SideHost(builder.Build());
        }

        /// <summary>Cancelled by Ctrl+C (the hosts' console lifetime) or by the caller's token.</summary>
        private static CancellationTokenSource Stopping(CancellationToken cancellationToken, params SideHost[] hosts) =>
            CancellationTokenSource.CreateLinkedTokenSource(
                [cancellationToken, .. hosts.Select(h => h.Host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping)]);
    }

    /// <summary>One side's host: stopped, then disposed asynchronously (the call client is only IAsyncDisposable).</summary>
    private sealed class SideHost(IHost host) : IAsyncDisposable
    {
        public IHost Host { get; } = host;

        public async ValueTask DisposeAsync()
        {
            try
            {
                await Host.StopAsync(CancellationToken.None);
            }
            finally
            {
                if (Host is IAsyncDisposable asyncDisposable)
                {
                    await asyncDisposable.DisposeAsync();
                }
                else
                {
                    Host.Dispose();
                }
            }
        }
    }
}
