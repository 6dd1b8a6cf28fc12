using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using P2PCall.Core.Calls;
using P2PCall.Signaling.InMemory;

namespace P2PCall.Core.Tests.Fakes;

/// <summary>Two call clients, A and B, on one in-memory hub with fake peer connections.</summary>
internal sealed class CallPair : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private CallPair(InMemorySignalingHub hub, TimeProvider time, P2PCallOptions options, bool eventsOnOwnThread)
    {
        FactoryA = new FakePeerConnectionFactory { EventsOnOwnThread = eventsOnOwnThread };
        FactoryB = new FakePeerConnectionFactory { EventsOnOwnThread = eventsOnOwnThread };
        Hub = hub;
        Time = time;
        Logs = new RecordingLoggerProvider();
        ChannelA = hub.CreateChannel("A");
        ChannelB = hub.CreateChannel("B");
        A = new CallClient(ChannelA, FactoryA, MediaA, Options.Create(options), Logs, time);
        B = new CallClient(ChannelB, FactoryB, MediaB, Options.Create(options), Logs, time);
    }

    public InMemorySignalingHub Hub { get; }
    public TimeProvider Time { get; }
    public RecordingLoggerProvider Logs { get; }
    public InMemorySignalingChannel ChannelA { get; }
    public InMemorySignalingChannel ChannelB { get; }
    public FakePeerConnectionFactory FactoryA { get; }
    public FakePeerConnectionFactory FactoryB { get; }
    public FakeMediaDevices MediaA { get; } = new();
    public FakeMediaDevices MediaB { get; } = new();
    public CallClient A { get; }
    public CallClient B { get; }

    public static async Task<CallPair> StartAsync(InMemorySignalingFaults? faults = null, TimeProvider? time = null, Action<P2PCallOptions>? configure = null, bool eventsOnOwnThread = false)
    {
        var options = new P2PCallOptions();
        configure?.Invoke(options);
        var clock = time ?? TimeProvider.System;
        var pair = new CallPair(new InMemorySignalingHub(faults, clock is FakeTimeProvider ? TimeProvider.System : clock), clock, options, eventsOnOwnThread);
        await pair.A.StartAsync();
        await pair.B.StartAsync();
        return pair;
    }

    /// <summary>A calls B, B accepts from the incoming-call event, both wait until connected.</summary>
    public async Task<(CallerSession Caller, CalleeSession Callee)> ConnectAsync()
    {
        var incoming = B.WaitForIncomingCallAsync().WaitAsync(Deadline);
        var caller = await A.CallAsync("B");
        var callee = await incoming;
        await callee.AcceptAsync().WaitAsync(Deadline);
        await caller.WaitForConnectedAsync().WaitAsync(Deadline);
        await callee.WaitForConnectedAsync().WaitAsync(Deadline);
        return (caller, callee);
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await ChannelA.DisposeAsync();
        await ChannelB.DisposeAsync();
    }
}
