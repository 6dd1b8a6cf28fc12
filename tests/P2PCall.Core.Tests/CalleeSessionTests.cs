using NSubstitute;
using P2PCall.Core.Calls;
using P2PCall.Core.Signaling;
using P2PCall.Core.Tests.Fakes;
using P2PCall.WebRtc;

namespace P2PCall.Core.Tests;

/// <summary>Pins the seed's callee side (initCalleeInfo, onRemoteOffer) on substituted parts.</summary>
public class CalleeSessionTests
{
    private static async Task<(SubstitutedEnvironment Env, CalleeSession Session)> RingingAsync(Action<P2PCallOptions>? configure = null)
    {
        var env = new SubstitutedEnvironment("B", configure);
        await env.Client.StartAsync();
        var incoming = env.Client.WaitForIncomingCallAsync();
        env.Receive(new CallMessage("B", "A"));
        return (env, await incoming.WaitAsync(CallPair.Deadline));
    }

    [Fact]
    public async Task Incoming_call_rings_and_raises_the_event()
    {
        var env = new SubstitutedEnvironment("B");
        await using var _ = env;
        await env.Client.StartAsync();
        var raised = new TaskCompletionSource<IncomingCallEventArgs>();
        env.Client.IncomingCall += (_, e) => raised.TrySetResult(e);

        env.Receive(new CallMessage("B", "A"));
        var e = await raised.Task.WaitAsync(CallPair.Deadline);

        Assert.Equal("A", e.CallerId);
        Assert.Equal(CallState.Ringing, e.Session.State);
        Assert.Equal(CallDirection.Incoming, e.Session.Direction);
        Assert.Empty(env.Sent);
    }

    [Fact]
    public async Task Accept_runs_initCalleeInfo_in_the_seeds_order_then_sends_accept()
    {
        var (env, session) = await RingingAsync();
        await using var _ = env;

        await session.AcceptAsync();

        Received.InOrder(() =>
        {
            env.Factory.Create(Arg.Any<RTCConfiguration>());
            env.Media.GetUserMediaAsync(Arg.Is<MediaStreamConstraints>(c => c.Audio && c.Video), Arg.Any<CancellationToken>());
            env.PeerConnection.AddTrack(env.Audio);
            env.PeerConnection.AddTrack(env.Video);
            env.PeerConnection.CreateDataChannel("chat", null);
            env.PeerConnection.Track += Arg.Any<EventHandler<RTCTrackEventArgs>>();
            env.PeerConnection.NegotiationNeeded += Arg.Any<EventHandler>();
            env.PeerConnection.DataChannel += Arg.Any<EventHandler<RTCDataChannelEventArgs>>();
            env.PeerConnection.IceCandidate += Arg.Any<EventHandler<RTCPeerConnectionIceEventArgs>>();
        });
        Assert.Equal([new AcceptMessage("A", "B")], env.Sent);
        Assert.Equal(CallState.Connecting, session.State);
        await env.PeerConnection.DidNotReceiveWithAnyArgs().CreateOfferAsync(default);
    }

    [Fact]
    public async Task Offer_runs_onRemoteOffer_and_sends_the_answer()
    {
        var (env, session) = await RingingAsync();
        await using var _ = env;
        await session.AcceptAsync();

        env.Receive(new OfferMessage("B", "A", SubstitutedEnvironment.Offer));
        var answer = await env.WaitForSentAsync<AnswerMessage>();

        Received.InOrder(() =>
        {
            env.PeerConnection.SetRemoteDescriptionAsync(SubstitutedEnvironment.Offer, Arg.Any<CancellationToken>());
            env.PeerConnection.CreateAnswerAsync(Arg.Any<CancellationToken>());
            env.PeerConnection.SetLocalDescriptionAsync(SubstitutedEnvironment.Answer, Arg.Any<CancellationToken>());
        });
        Assert.Equal(
            "{\"targetUid\":\"A\",\"userId\":\"B\",\"answer\":{\"type\":\"answer\",\"sdp\":\"v=0\\r\\no=- 3 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n\"}}",
            SignalingJson.Serialize(answer));
    }

    [Fact]
    public async Task Candidates_that_arrive_before_the_offer_are_applied_right_after_it()
    {
        var (env, session) = await RingingAsync();
        await using var _ = env;
        await session.AcceptAsync();
        var early = new RTCIceCandidateInit("candidate:9 1 udp 2122260223 127.0.0.1 7000 typ host", "0", 0, "x");

        env.Receive(new CandidateMessage("B", "A", early));
        env.Receive(new CandidateMessage("B", "A", early)); // duplicated by the relay
        env.Receive(new OfferMessage("B", "A", SubstitutedEnvironment.Offer));
        await env.WaitForSentAsync<AnswerMessage>();

        Received.InOrder(() =>
        {
            env.PeerConnection.SetRemoteDescriptionAsync(SubstitutedEnvironment.Offer, Arg.Any<CancellationToken>());
            env.PeerConnection.AddIceCandidateAsync(early, Arg.Any<CancellationToken>());
            env.PeerConnection.CreateAnswerAsync(Arg.Any<CancellationToken>());
        });
        await env.PeerConnection.Received(1).AddIceCandidateAsync(early, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task An_offer_that_arrives_while_ringing_waits_for_accept()
    {
        var (env, session) = await RingingAsync();
        await using var _ = env;

        env.Receive(new OfferMessage("B", "A", SubstitutedEnvironment.Offer));
        await session.AcceptAsync();
        await env.WaitForSentAsync<AnswerMessage>();

        Assert.Equal([typeof(AcceptMessage), typeof(AnswerMessage)], env.Sent.Select(m => m.GetType()));
    }

    [Fact]
    public async Task Reject_sends_reject_with_the_reason_and_ends()
    {
        var (env, session) = await RingingAsync();
        await using var _ = env;

        await session.RejectAsync("not now");

        Assert.Equal([new RejectMessage("A", "B", "not now")], env.Sent);
        Assert.Equal(CallEndReason.Rejected, (await session.Completion).Reason);
        env.Factory.DidNotReceiveWithAnyArgs().Create(default!);
        await Assert.ThrowsAsync<InvalidStateException>(() => session.AcceptAsync());
    }

    [Fact]
    public async Task A_second_caller_gets_busy_while_a_call_rings()
    {
        var (env, session) = await RingingAsync();
        await using var _ = env;

        env.Receive(new CallMessage("B", "C"));
        var busy = await env.WaitForSentAsync<RejectMessage>();

        Assert.Equal(new RejectMessage("C", "B", RejectReasons.Busy), busy);
        Assert.Equal(CallState.Ringing, session.State);
        Assert.Same(session, env.Client.ActiveCall);
    }

    [Fact]
    public async Task Unanswered_call_is_rejected_as_no_answer_after_the_ring_timeout()
    {
        var (env, session) = await RingingAsync(o => o.RingTimeout = TimeSpan.FromSeconds(10));
        await using var _ = env;

        env.Time.Advance(TimeSpan.FromSeconds(10));
        var ended = await session.Completion.WaitAsync(CallPair.Deadline);

        Assert.Equal(CallEndReason.NoAnswer, ended.Reason);
        Assert.Equal(new RejectMessage("A", "B", RejectReasons.NoAnswer), await env.WaitForSentAsync<RejectMessage>());
    }

    [Fact]
    public async Task Caller_hanging_up_while_ringing_ends_the_call()
    {
        var (env, session) = await RingingAsync();
        await using var _ = env;

        env.Receive(new HangupMessage("B", "A"));

        Assert.Equal(CallEndReason.RemoteHangup, (await session.Completion.WaitAsync(CallPair.Deadline)).Reason);
        Assert.Null(env.Client.ActiveCall);
    }

    [Fact]
    public async Task Media_failure_ends_the_call_as_negotiation_failed_and_tells_the_caller()
    {
        var (env, session) = await RingingAsync();
        await using var _ = env;
        env.Media.GetUserMediaAsync(Arg.Any<MediaStreamConstraints>(), Arg.Any<CancellationToken>())
            .Returns(Task.FromException<MediaStream>(new InvalidOperationException("no camera")));

        await session.AcceptAsync();

        Assert.Equal(CallEndReason.NegotiationFailed, session.EndInfo!.Reason);
        Assert.Equal("no camera", session.EndInfo.Detail);
        Assert.Equal([new HangupMessage("A", "B")], env.Sent);
        env.PeerConnection.Received(1).Close();
    }
}
