using P2PCall.Signaling.SocketIO.Tests;

namespace P2PCall.Interop.Tests;

/// <summary>The seed's own browser page (samples/signaling-server/public) calling itself through the reference server.</summary>
public sealed class SeedPageTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [ChromiumFact]
    public async Task Two_tabs_running_the_seeds_code_connect_and_chat_through_the_reference_server()
    {
        await using var server = await SignalingServer.StartAsync();
        var callee = await chromium.NewPageAsync($"{server.Uri}?userId=B&autoAccept=1");
        await server.WaitConnectedAsync("B");
        var caller = await chromium.NewPageAsync($"{server.Uri}?userId=A&peer=B&autoCall=1");

        await caller.WaitForFunctionAsync("() => seed.localRtcPc && seed.localRtcPc.connectionState === 'connected'", null, new() { Timeout = 30000 });
        await callee.WaitForFunctionAsync("() => seed.localRtcPc && seed.localRtcPc.connectionState === 'connected'", null, new() { Timeout = 30000 });
        await caller.WaitForFunctionAsync("() => seed.channel.readyState === 'open'", null, new() { Timeout = 30000 });
        await caller.EvaluateAsync("() => seed.send('hello from A')");
        await callee.WaitForFunctionAsync("() => seed.stats.chatReceived === 1", null, new() { Timeout = 30000 });
        await callee.EvaluateAsync("() => seed.hangup()");
        await caller.WaitForFunctionAsync("() => seed.endReason === 'remote hangup'", null, new() { Timeout = 30000 });

        Assert.Equal("hello from A", await callee.EvaluateAsync<string>("() => document.getElementById('chat').textContent.trim().split(': ')[1]"));
    }
}
