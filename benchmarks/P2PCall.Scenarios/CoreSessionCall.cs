using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using P2PCall.Core.Calls;
using P2PCall.Signaling.InMemory;
using P2PCall.WebRtc;
using P2PCall.WebRtc.Media;

namespace P2PCall.Scenarios;

/// <summary>The seed's call through the session API: two <see cref="ICallClient"/>s on an in-memory signaling hub.</summary>
internal static class CoreSessionCall
{
    public static ServiceProvider App(Action<IP2PCallBuilder> signaling)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IMediaDevices>(new MediaDevices());
        signaling(services.AddP2PCall(o => o.LoopbackOnly = true));
        return services.BuildServiceProvider();
    }

    public static async Task<(double Connected, double FirstAudio)> RunOnceAsync()
    {
        var hub = new InMemorySignalingHub();
        await using var a = App(s => s.AddInMemorySignaling(o => { o.UserId = "A"; o.Hub = hub; }));
        await using var b = App(s => s.AddInMemorySignaling(o => { o.UserId = "B"; o.Hub = hub; }));
        var clientA = a.GetRequiredService<ICallClient>();
        var clientB = b.GetRequiredService<ICallClient>();
        await clientA.StartAsync();
        await clientB.StartAsync();
        var callee = new TaskCompletionSource<CallSession>(TaskCreationOptions.RunContinuationsAsynchronously);
        clientB.IncomingCall += (_, e) =>
        {
            callee.TrySetResult(e.Session);
            _ = e.Session.AcceptAsync();
        };
        var firstAudio = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var receivers = new List<IDisposable>();
        var clock = Stopwatch.StartNew();
        var caller = await clientA.CallAsync("B", s => s.RemoteTrack += (_, t) =>
        {
            if (t.Track.Kind == MediaKind.Audio && s.PeerConnection is RTCPeerConnection pc)
            {
                var audio = pc.CreateAudioReceiver((RemoteMediaStreamTrack)t.Track);
                audio.FrameReceived += (_, _) =>
                {
                    if (audio.Statistics.FramesDecoded > 0)
                    {
                        firstAudio.TrySetResult(clock.Elapsed.TotalMilliseconds);
                    }
                };
                lock (receivers)
                {
                    receivers.Add(audio);
                }
            }
        });
        await caller.WaitForConnectedAsync().WaitAsync(LoopbackCall.Deadline);
        await (await callee.Task.WaitAsync(LoopbackCall.Deadline)).WaitForConnectedAsync().WaitAsync(LoopbackCall.Deadline);
        var connected = clock.Elapsed.TotalMilliseconds;
        var audioMs = await firstAudio.Task.WaitAsync(LoopbackCall.Deadline);
        await caller.HangupAsync();
        await caller.DisposeAsync();
        lock (receivers)
        {
            receivers.ForEach(r => r.Dispose());
            receivers.Clear();
        }

        return (connected, audioMs);
    }
}
