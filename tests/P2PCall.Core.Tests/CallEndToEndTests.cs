using Microsoft.Extensions.Time.Testing;
using P2PCall.Core.Calls;
using P2PCall.Core.Signaling;
using P2PCall.Core.Tests.Fakes;
using P2PCall.Signaling.InMemory;
using P2PCall.WebRtc;

namespace P2PCall.Core.Tests;

/// <summary>A caller and a callee session over the in-memory hub, with fake peer connections that hand SDP and candidates across.</summary>
public class CallEndToEndTests
{
    [Fact]
    public async Task Caller_and_callee_connect_and_receive_each_others_tracks_and_chat()
    {
        await using var pair = await CallPair.StartAsync();
        var remoteTracks = new TaskCompletionSource<int>();
        var channels = new TaskCompletionSource<string>();

        var incoming = pair.B.WaitForIncomingCallAsync().WaitAsync(CallPair.Deadline);
        var caller = await pair.A.CallAsync("B");
        caller.DataChannelReceived += (_, e) => channels.TrySetResult(e.Channel.Label);
        caller.RemoteTrack += (_, _) =>
        {
            if (caller.RemoteTracks.Count == 2)
            {
                remoteTracks.TrySetResult(2);
            }
        };
        var callee = await incoming;
        await callee.AcceptAsync();
        await caller.WaitForConnectedAsync().WaitAsync(CallPair.Deadline);
        await callee.WaitForConnectedAsync().WaitAsync(CallPair.Deadline);

        Assert.Equal(2, await remoteTracks.Task.WaitAsync(CallPair.Deadline));
        Assert.Equal("chat", await channels.Task.WaitAsync(CallPair.Deadline));
        Assert.Equal("chat", caller.ChatChannel!.Label);
        Assert.Equal("chat", callee.ChatChannel!.Label);
        var pcA = pair.FactoryA.Created.Single();
        var pcB = pair.FactoryB.Created.Single();
        // Connected needs one candidate; both trickled candidates arrive in the end.
        await pcA.WaitForCandidatesAsync(2).WaitAsync(CallPair.Deadline);
        await pcB.WaitForCandidatesAsync(2).WaitAsync(CallPair.Deadline);
        Assert.Equal(["addTrack:Audio", "addTrack:Video", "createDataChannel:chat", "createOffer", "setLocalDescription:Offer", "setRemoteDescription:Answer"], pcA.CallsSnapshot().Where(c => c != "addIceCandidate"));
        Assert.Equal(["addTrack:Audio", "addTrack:Video", "createDataChannel:chat", "setRemoteDescription:Offer", "createAnswer", "setLocalDescription:Answer"], pcB.CallsSnapshot().Where(c => c != "addIceCandidate"));
        Assert.Equal(2, pcA.CandidatesSnapshot().Length);
        Assert.Equal(2, pcB.CandidatesSnapshot().Length);
        Assert.Empty(pair.Logs.Errors);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Hangup_from_either_side_ends_both_and_releases_everything(bool callerHangsUp)
    {
        await using var pair = await CallPair.StartAsync();
        var (caller, callee) = await pair.ConnectAsync();

        await (callerHangsUp ? caller.HangupAsync() : callee.HangupAsync());
        var callerEnd = await caller.Completion.WaitAsync(CallPair.Deadline);
        var calleeEnd = await callee.Completion.WaitAsync(CallPair.Deadline);

        Assert.Equal(callerHangsUp ? CallEndReason.LocalHangup : CallEndReason.RemoteHangup, callerEnd.Reason);
        Assert.Equal(callerHangsUp ? CallEndReason.RemoteHangup : CallEndReason.LocalHangup, calleeEnd.Reason);
        Assert.All(pair.FactoryA.Created.Concat(pair.FactoryB.Created), pc =>
        {
            Assert.True(pc.Disposed);
            Assert.Equal(RTCPeerConnectionState.Closed, pc.ConnectionState);
        });
        Assert.All(pair.MediaA.Streams.Concat(pair.MediaB.Streams).SelectMany(s => s.Tracks), t => Assert.Equal(MediaStreamTrackState.Ended, t.ReadyState));
        Assert.Null(pair.A.ActiveCall);
        Assert.Null(pair.B.ActiveCall);
    }

    [Fact]
    public async Task Hanging_up_synchronously_from_inside_the_connected_callback_does_not_deadlock()
    {
        await using var pair = await CallPair.StartAsync();
        var incoming = pair.B.WaitForIncomingCallAsync().WaitAsync(CallPair.Deadline);
        var caller = await pair.A.CallAsync("B");
        caller.StateChanged += (_, e) =>
        {
            if (e.Current == CallState.Connected)
            {
                // The worst a handler can do: block on the hang-up from inside the event.
                caller.HangupAsync().GetAwaiter().GetResult();
            }
        };
        var callee = await incoming;
        await callee.AcceptAsync();

        Assert.Equal(CallEndReason.LocalHangup, (await caller.Completion.WaitAsync(CallPair.Deadline)).Reason);
        Assert.Equal(CallEndReason.RemoteHangup, (await callee.Completion.WaitAsync(CallPair.Deadline)).Reason);
    }

    [Fact]
    public async Task Disposing_from_inside_callbacks_does_not_deadlock()
    {
        await using var pair = await CallPair.StartAsync();
        var callee = new TaskCompletionSource<CalleeSession>();
        pair.B.IncomingCall += (_, e) =>
        {
            // Blocking on accept from inside the incoming-call event.
            e.Session.AcceptAsync().GetAwaiter().GetResult();
            callee.TrySetResult(e.Session);
        };
        var first = 0;
        var disposed = new TaskCompletionSource();
        var caller = await pair.A.CallAsync("B", session => session.RemoteTrack += async (_, _) =>
        {
            if (Interlocked.Exchange(ref first, 1) == 0)
            {
                await session.DisposeAsync();
                disposed.TrySetResult();
            }
        });

        await disposed.Task.WaitAsync(CallPair.Deadline);

        Assert.Equal(CallEndReason.Disposed, caller.EndInfo!.Reason);
        var calleeSession = await callee.Task.WaitAsync(CallPair.Deadline);
        Assert.Equal(CallEndReason.RemoteHangup, (await calleeSession.Completion.WaitAsync(CallPair.Deadline)).Reason);
    }

    [Fact]
    public async Task Rejected_call_reaches_the_caller_with_the_reason()
    {
        await using var pair = await CallPair.StartAsync();
        pair.B.IncomingCall += (_, e) => _ = e.Session.RejectAsync();

        var caller = await pair.A.CallAsync("B");
        var ended = await caller.Completion.WaitAsync(CallPair.Deadline);

        Assert.Equal(CallEndReason.Rejected, ended.Reason);
        Assert.Equal(RejectReasons.Rejected, ended.Detail);
        Assert.Empty(pair.FactoryA.Created);
        Assert.Empty(pair.FactoryB.Created);
    }

    [Fact]
    public async Task Third_user_calling_during_a_call_gets_busy_and_the_call_goes_on()
    {
        await using var pair = await CallPair.StartAsync();
        var (caller, callee) = await pair.ConnectAsync();
        await using var channelC = pair.Hub.CreateChannel("C");
        var factoryC = new FakePeerConnectionFactory();
        await using var c = new CallClient(channelC, factoryC, new FakeMediaDevices(), Microsoft.Extensions.Options.Options.Create(new P2PCallOptions()), pair.Logs, TimeProvider.System);
        await c.StartAsync();

        var third = await c.CallAsync("B");
        var ended = await third.Completion.WaitAsync(CallPair.Deadline);

        Assert.Equal(CallEndReason.Busy, ended.Reason);
        Assert.Equal(CallState.Connected, caller.State);
        Assert.Equal(CallState.Connected, callee.State);
    }

    [Fact]
    public async Task Calling_an_offline_user_ends_with_peer_unavailable()
    {
        await using var pair = await CallPair.StartAsync();

        var caller = await pair.A.CallAsync("nobody");
        var ended = await caller.Completion.WaitAsync(CallPair.Deadline);

        Assert.Equal(CallEndReason.PeerUnavailable, ended.Reason);
        Assert.Equal(1, pair.Hub.UndeliverableCount);
    }

    [Fact]
    public async Task Ring_timeout_on_the_fake_clock_ends_both_sides()
    {
        var time = new FakeTimeProvider();
        await using var pair = await CallPair.StartAsync(time: time, configure: o => o.RingTimeout = TimeSpan.FromSeconds(30));
        var incoming = pair.B.WaitForIncomingCallAsync().WaitAsync(CallPair.Deadline);
        var caller = await pair.A.CallAsync("B");
        var callee = await incoming;

        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(CallEndReason.NoAnswer, (await caller.Completion.WaitAsync(CallPair.Deadline)).Reason);
        var calleeEnd = (await callee.Completion.WaitAsync(CallPair.Deadline)).Reason;
        Assert.True(calleeEnd is CallEndReason.NoAnswer or CallEndReason.RemoteHangup, $"callee ended with {calleeEnd}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task Duplicated_and_reordered_signaling_still_connects(int seed)
    {
        var faults = new InMemorySignalingFaults { Seed = seed, DuplicateProbability = 0.5, ReorderProbability = 0.5, Events = ["offer", "answer", "candidate"] };
        await using var pair = await CallPair.StartAsync(faults);

        var (caller, callee) = await pair.ConnectAsync();

        Assert.Equal(CallState.Connected, caller.State);
        Assert.Equal(CallState.Connected, callee.State);
        Assert.True(pair.Hub.DuplicatedCount + pair.Hub.ReorderedCount > 0, "the faults were injected");
        // Duplicates never reach the peer connection twice.
        var added = pair.FactoryA.Created.Single().CandidatesSnapshot().Concat(pair.FactoryB.Created.Single().CandidatesSnapshot()).ToList();
        Assert.NotEmpty(added);
        Assert.Equal(added.Distinct().Count(), added.Count);
        Assert.Empty(pair.Logs.Errors);
    }

    [Fact]
    public async Task Malformed_messages_are_dropped_and_counted_and_the_call_goes_on()
    {
        await using var pair = await CallPair.StartAsync();
        var (caller, callee) = await pair.ConnectAsync();

        pair.Hub.InjectRaw("B", "hangup", "{not json");
        pair.Hub.InjectRaw("B", "offer", "{\"targetUid\":\"B\",\"userId\":\"A\",\"offer\":42}");
        pair.Hub.InjectRaw("B", "candidate", "[]");
        pair.Hub.InjectRaw("B", "whatever", "{\"targetUid\":\"B\",\"userId\":\"A\"}");
        // A well-formed hangup after the garbage proves the channel kept working, in order.
        await pair.ChannelA.SendAsync(new HangupMessage("B", "A"));
        var ended = await callee.Completion.WaitAsync(CallPair.Deadline);

        Assert.Equal(CallEndReason.RemoteHangup, ended.Reason);
        Assert.Equal(4, pair.ChannelB.MalformedCount);
        Assert.Contains(pair.Logs.Entries, e => e.Message.Contains("Malformed", StringComparison.Ordinal));
        _ = caller;
    }

    [Fact]
    public async Task Hanging_up_from_a_peer_connection_callback_on_its_own_thread_does_not_deadlock()
    {
        await using var pair = await CallPair.StartAsync(eventsOnOwnThread: true);
        pair.B.IncomingCall += (_, e) => _ = e.Session.AcceptAsync();
        var hungUp = new TaskCompletionSource();
        CallerSession? session = null;
        // An app handler on the peer connection itself, raised on the connection's thread, blocking on hang-up.
        // It is attached when the connection is created: a handler attached from StateChanged(Connecting) races
        // the session's queue (the event queue may run before PeerConnection is set or after the fake connected).
        pair.FactoryA.OnCreated = pc => pc.ConnectionStateChange += (_, _) =>
        {
            if (pc.ConnectionState == RTCPeerConnectionState.Connected)
            {
                session!.HangupAsync().GetAwaiter().GetResult();
                hungUp.TrySetResult();
            }
        };
        var caller = await pair.A.CallAsync("B", s => session = s);

        await hungUp.Task.WaitAsync(CallPair.Deadline);

        Assert.Equal(CallEndReason.LocalHangup, (await caller.Completion.WaitAsync(CallPair.Deadline)).Reason);
        Assert.Empty(pair.Logs.Errors);
    }

    [Fact]
    public async Task Users_calling_each_other_at_once_end_up_in_one_call()
    {
        await using var pair = await CallPair.StartAsync();
        pair.A.IncomingCall += (_, e) => _ = e.Session.AcceptAsync();
        pair.B.IncomingCall += (_, e) => _ = e.Session.AcceptAsync();

        var fromA = pair.A.CallAsync("B");
        var fromB = pair.B.CallAsync("A");
        var a = await fromA;
        var b = await fromB;

        // "A" < "B": A's outgoing call is kept, B's gives way to it and B answers A.
        await a.WaitForConnectedAsync().WaitAsync(CallPair.Deadline);
        Assert.Equal(CallEndReason.Replaced, (await b.Completion.WaitAsync(CallPair.Deadline)).Reason);
        var bCall = Assert.IsType<CalleeSession>(pair.B.ActiveCall);
        await bCall.WaitForConnectedAsync().WaitAsync(CallPair.Deadline);
        Assert.Equal("A", bCall.RemoteUserId);
    }

    [Fact]
    public async Task A_lost_offer_ends_the_call_after_the_connect_timeout()
    {
        var time = new FakeTimeProvider();
        var faults = new InMemorySignalingFaults { DropProbability = 1.0, Events = ["offer"] };
        await using var pair = await CallPair.StartAsync(faults, time, o => o.ConnectTimeout = TimeSpan.FromSeconds(15));
        pair.B.IncomingCall += (_, e) => _ = e.Session.AcceptAsync();
        var caller = await pair.A.CallAsync("B");
        await WaitForStateAsync(caller, CallState.Connecting);
        var callee = Assert.IsType<CalleeSession>(pair.B.ActiveCall);
        await WaitForStateAsync(callee, CallState.Connecting);

        time.Advance(TimeSpan.FromSeconds(15));

        Assert.Equal(CallEndReason.ConnectionFailed, (await caller.Completion.WaitAsync(CallPair.Deadline)).Reason);
        Assert.Equal(CallEndReason.ConnectionFailed, (await callee.Completion.WaitAsync(CallPair.Deadline)).Reason);
        Assert.Equal(1, pair.Hub.DroppedCount);
    }

    [Fact]
    public async Task A_cancelled_call_is_withdrawn_and_the_next_call_can_be_placed()
    {
        await using var pair = await CallPair.StartAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pair.A.CallAsync("B", cancellationToken: cancelled.Token));
        Assert.Null(pair.A.ActiveCall);
        pair.B.IncomingCall += (_, e) => _ = e.Session.AcceptAsync();
        var next = await pair.A.CallAsync("B");

        await next.WaitForConnectedAsync().WaitAsync(CallPair.Deadline);
    }

    [Fact]
    public async Task A_new_call_can_be_placed_from_the_ended_handler()
    {
        await using var pair = await CallPair.StartAsync();
        pair.B.IncomingCall += (_, e) => _ = e.Session.RejectAsync();
        var second = new TaskCompletionSource<CallerSession>();

        await pair.A.CallAsync("B", s => s.Ended += async (_, _) => second.TrySetResult(await pair.A.CallAsync("B")));

        var again = await second.Task.WaitAsync(CallPair.Deadline);
        Assert.Equal(CallEndReason.Rejected, (await again.Completion.WaitAsync(CallPair.Deadline)).Reason);
    }

    private static async Task WaitForStateAsync(CallSession session, CallState state)
    {
        var reached = new TaskCompletionSource();
        session.StateChanged += (_, e) =>
        {
            if (e.Current == state)
            {
                reached.TrySetResult();
            }
        };
        if (session.State != state)
        {
            await reached.Task.WaitAsync(CallPair.Deadline);
        }
    }

    [Fact]
    public async Task Spoofed_sender_cannot_be_sent_through_a_channel()
    {
        await using var pair = await CallPair.StartAsync();

        await Assert.ThrowsAsync<SignalingException>(() => pair.ChannelA.SendAsync(new HangupMessage("B", "C")));
    }
}
