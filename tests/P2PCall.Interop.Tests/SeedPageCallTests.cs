using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using P2PCall.Core.Calls;
using P2PCall.Signaling.SocketIO.Tests;
using P2PCall.WebRtc;
using P2PCall.WebRtc.Media;

namespace P2PCall.Interop.Tests;

/// <summary>
/// .NET sessions and the seed's browser page calling each other through the real Node signaling server, both
/// ways: connected on both sides, audio from each reaching the other (the page decodes our tone and our video),
/// "chat" each way, hangup from either end; reject, busy (both ways) and an offline callee reach the caller.
/// </summary>
public sealed class SeedPageCallTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static ServiceProvider DotnetApp(SignalingServer server, string user)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IMediaDevices>(new MediaDevices());
        services.AddP2PCall(o =>
        {
            o.LoopbackOnly = true;
        }).AddSocketIOSignaling(o =>
        {
            o.ServerUri = server.Uri;
            o.UserId = user;
        });
        return services.BuildServiceProvider();
    }

    private static Task WhenOpen(IDataChannel channel)
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.Open += (_, _) => open.TrySetResult();
        if (channel.ReadyState == RTCDataChannelState.Open)
        {
            open.TrySetResult();
        }

        return open.Task.WaitAsync(Deadline);
    }

    private static void Watch(CallSession session, TaskCompletionSource<string> chat, TaskCompletionSource audio, TaskCompletionSource video)
    {
        session.DataChannelReceived += (_, d) => d.Channel.Message += (_, m) => chat.TrySetResult(m.Text ?? "binary");
        session.RemoteTrack += (_, t) => ((RemoteMediaStreamTrack)t.Track).RtpReceived += (_, _) =>
            (t.Track.Kind == MediaKind.Audio ? audio : video).TrySetResult();
    }

    /// <summary>
    /// The page decodes a .NET session's media: its decoded audio (the page's optional diagnostics, audio-probe.js)
    /// is our 440 Hz tone and getStats agrees; its VP8 decoder counts our frames at 640 px.
    /// </summary>
    private static async Task PageDecodesOurMediaAsync(IPage page)
    {
        await BrowserAudioAssert.HearsToneAsync(async () => DecodedAudio.From(await page.EvaluateAsync<JsonElement>("() => seed.measureRemoteAudio(1000)")));
        await BrowserAudioAssert.StatsShowDecodingAsync(async () => InboundAudioStats.From(await page.EvaluateAsync<JsonElement>("() => seed.remoteAudioStats()")));
        await page.WaitForFunctionAsync("""
            async () => { let ok = false; (await seed.localRtcPc.getStats()).forEach(s => { if (s.type === "inbound-rtp" && s.kind === "video") ok = s.framesDecoded > 5 && s.frameWidth === 640; }); return ok; }
            """, null, new() { Timeout = 30000, PollingInterval = 200 });
    }

    [ChromiumFact]
    public async Task Dotnet_caller_session_calls_the_seed_page()
    {
        await using var server = await SignalingServer.StartAsync();
        var page = await chromium.NewPageAsync($"{server.Uri}?userId=B&autoAccept=1");
        await server.WaitConnectedAsync("B");
        await using var app = DotnetApp(server, "dotnet");
        var client = app.GetRequiredService<ICallClient>();
        await client.StartAsync();
        var chat = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var audio = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var video = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var call = await client.CallAsync("B", s => Watch(s, chat, audio, video));
        await call.WaitForConnectedAsync().WaitAsync(Deadline);
        await page.WaitForFunctionAsync("() => seed.localRtcPc && seed.localRtcPc.connectionState === 'connected'", null, new() { Timeout = 30000 });
        await WhenOpen(call.ChatChannel!);
        await page.WaitForFunctionAsync("() => seed.channel && seed.channel.readyState === 'open'", null, new() { Timeout = 30000 });
        call.ChatChannel!.Send("hello browser");
        await page.EvaluateAsync("() => seed.send('hello dotnet')");

        Assert.Equal("hello dotnet", await chat.Task.WaitAsync(Deadline));
        await page.WaitForFunctionAsync("() => seed.stats.chatReceived === 1", null, new() { Timeout = 30000 });
        await audio.Task.WaitAsync(Deadline); // the page's microphone, as authenticated Opus RTP
        await PageDecodesOurMediaAsync(page);
        await call.HangupAsync();
        await page.WaitForFunctionAsync("() => seed.endReason === 'remote hangup'", null, new() { Timeout = 30000 });
    }

    [ChromiumFact]
    public async Task The_seed_page_calls_a_dotnet_callee_session()
    {
        await using var server = await SignalingServer.StartAsync();
        await using var app = DotnetApp(server, "dotnet");
        var client = app.GetRequiredService<ICallClient>();
        await client.StartAsync();
        var chat = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var audio = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var video = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var incoming = new TaskCompletionSource<CalleeSession>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.IncomingCall += (_, e) =>
        {
            Watch(e.Session, chat, audio, video);
            incoming.TrySetResult(e.Session);
            _ = e.Session.AcceptAsync();
        };

        var page = await chromium.NewPageAsync($"{server.Uri}?userId=A&peer=dotnet&autoCall=1");
        var call = await incoming.Task.WaitAsync(Deadline);
        await call.WaitForConnectedAsync().WaitAsync(Deadline);
        await page.WaitForFunctionAsync("() => seed.localRtcPc && seed.localRtcPc.connectionState === 'connected'", null, new() { Timeout = 30000 });
        await WhenOpen(call.ChatChannel!);
        await page.WaitForFunctionAsync("() => seed.channel && seed.channel.readyState === 'open'", null, new() { Timeout = 30000 });
        call.ChatChannel!.Send("hello browser");
        await page.EvaluateAsync("() => seed.send('hello dotnet')");

        Assert.Equal("hello dotnet", await chat.Task.WaitAsync(Deadline));
        await page.WaitForFunctionAsync("() => seed.stats.chatReceived === 1", null, new() { Timeout = 30000 });
        await audio.Task.WaitAsync(Deadline);
        await video.Task.WaitAsync(Deadline); // the page's camera: VP8 RTP reaches us (decoding needs the VP8 layer)
        await PageDecodesOurMediaAsync(page);
        await page.EvaluateAsync("() => seed.hangup()");
        Assert.Equal(CallEndReason.RemoteHangup, (await call.Completion.WaitAsync(Deadline)).Reason);
    }

    [ChromiumFact]
    public async Task A_reject_from_the_page_and_an_offline_user_reach_the_dotnet_caller()
    {
        await using var server = await SignalingServer.StartAsync();
        var page = await chromium.NewPageAsync($"{server.Uri}?userId=B");
        await server.WaitConnectedAsync("B");
        await using var app = DotnetApp(server, "dotnet");
        var client = app.GetRequiredService<ICallClient>();
        await client.StartAsync();

        var offline = await client.CallAsync("nobody");
        Assert.Equal(CallEndReason.PeerUnavailable, (await offline.Completion.WaitAsync(Deadline)).Reason);

        var rejected = await client.CallAsync("B");
        await page.WaitForFunctionAsync("() => document.getElementById('state').textContent === 'ringing'", null, new() { Timeout = 30000 });
        await page.EvaluateAsync("() => seed.reject()");
        var ended = await rejected.Completion.WaitAsync(Deadline);
        Assert.Equal(CallEndReason.Rejected, ended.Reason);
        Assert.Equal("rejected", ended.Detail);
    }

    [ChromiumFact]
    public async Task Busy_reaches_the_caller_both_ways_and_the_call_goes_on()
    {
        await using var server = await SignalingServer.StartAsync();
        var page = await chromium.NewPageAsync($"{server.Uri}?userId=B&autoAccept=1");
        await server.WaitConnectedAsync("B");
        await using var app = DotnetApp(server, "dotnet");
        var client = app.GetRequiredService<ICallClient>();
        await client.StartAsync();
        var call = await client.CallAsync("B");
        await call.WaitForConnectedAsync().WaitAsync(Deadline);
        await page.WaitForFunctionAsync("() => seed.localRtcPc && seed.localRtcPc.connectionState === 'connected'", null, new() { Timeout = 30000 });

        // A second .NET user calls the page during its call: the page answers reject "busy".
        await using var other = DotnetApp(server, "dotnet2");
        var otherClient = other.GetRequiredService<ICallClient>();
        await otherClient.StartAsync();
        var refused = await otherClient.CallAsync("B");
        var ended = await refused.Completion.WaitAsync(Deadline);
        Assert.Equal(CallEndReason.Busy, ended.Reason);
        Assert.Equal("busy", ended.Detail);

        // A second page calls the .NET user during its call: CallClient answers reject "busy".
        var third = await chromium.NewPageAsync($"{server.Uri}?userId=C&peer=dotnet&autoCall=1");
        await third.WaitForFunctionAsync("() => seed.endReason === 'rejected (busy)'", null, new() { Timeout = 30000 });

        // Neither refusal touched the call in progress.
        Assert.Equal(CallState.Connected, call.State);
        Assert.Equal("connected", await page.EvaluateAsync<string>("() => seed.localRtcPc.connectionState"));
        await page.EvaluateAsync("() => seed.hangup()");
        Assert.Equal(CallEndReason.RemoteHangup, (await call.Completion.WaitAsync(Deadline)).Reason);
    }

    [ChromiumFact]
    public async Task The_page_as_caller_gets_the_relay_error_then_a_reject_then_a_hangup_from_dotnet()
    {
        await using var server = await SignalingServer.StartAsync();
        await using var app = DotnetApp(server, "dotnet");
        var client = app.GetRequiredService<ICallClient>();
        await client.StartAsync();
        var calls = 0;
        var accepted = new TaskCompletionSource<CalleeSession>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.IncomingCall += (_, e) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                _ = e.Session.RejectAsync(); // from inside the handler
                return;
            }

            accepted.TrySetResult(e.Session);
            _ = e.Session.AcceptAsync();
        };

        // The page calls a user nobody registered: the server's relay-error ends its call.
        var page = await chromium.NewPageAsync($"{server.Uri}?userId=A&peer=nobody&autoCall=1");
        await page.WaitForFunctionAsync("() => seed.endReason === 'relay error: target offline (call to nobody)'", null, new() { Timeout = 30000 });

        // The .NET callee rejects: the page hears "rejected".
        await page.EvaluateAsync("() => seed.call('dotnet')");
        await page.WaitForFunctionAsync("() => seed.endReason === 'rejected (rejected)'", null, new() { Timeout = 30000 });

        // It accepts the next call, then hangs up: the page's call ends too.
        await page.EvaluateAsync("() => seed.call('dotnet')");
        var call = await accepted.Task.WaitAsync(Deadline);
        await call.WaitForConnectedAsync().WaitAsync(Deadline);
        await page.WaitForFunctionAsync("() => seed.localRtcPc && seed.localRtcPc.connectionState === 'connected'", null, new() { Timeout = 30000 });
        await call.HangupAsync();
        await page.WaitForFunctionAsync("() => seed.endReason === 'remote hangup' && seed.localRtcPc === null", null, new() { Timeout = 30000 });
        Assert.Equal(CallEndReason.LocalHangup, (await call.Completion.WaitAsync(Deadline)).Reason);
        Assert.Equal(2, calls);
    }
}
