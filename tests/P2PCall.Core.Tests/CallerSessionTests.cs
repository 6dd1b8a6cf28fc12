using NSubstitute;
using P2PCall.Core.Calls;
using P2PCall.Core.Signaling;
using P2PCall.Core.Tests.Fakes;
using P2PCall.WebRtc;

namespace P2PCall.Core.Tests;

/// <summary>Pins the seed's caller side (initCallerInfo, onPcEvent, onRemoteAnswer) on substituted parts.</summary>
public class CallerSessionTests
{
    [Fact]
    public async Task Calling_sends_call_and_waits_without_touching_a_peer_connection()
    {
        await using var env = new SubstitutedEnvironment("A");
        await env.Client.StartAsync();

        var session = await env.Client.CallAsync("B");

        Assert.Equal(CallState.Calling, session.State);
        Assert.Equal([new CallMessage("B", "A")], env.Sent);
        env.Factory.DidNotReceiveWithAnyArgs().Create(default!);
    }

    [Fact]
    public async Task Accept_runs_initCallerInfo_in_the_seeds_order_and_sends_the_offer()
    {
        await using var env = new SubstitutedEnvironment("A");
        await env.Client.StartAsync();
        var session = await env.Client.CallAsync("B");
        var preview = new TaskCompletionSource<MediaStream>();
        session.LocalStreamReady += (_, e) => preview.TrySetResult(e.Stream);

        env.Receive(new AcceptMessage("A", "B"));
        var offer = await env.WaitForSentAsync<OfferMessage>();

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
            env.PeerConnection.CreateOfferAsync(Arg.Any<CancellationToken>());
            env.PeerConnection.SetLocalDescriptionAsync(SubstitutedEnvironment.Offer, Arg.Any<CancellationToken>());
        });
        Assert.Equal(new OfferMessage("B", "A", SubstitutedEnvironment.Offer), offer);
        Assert.Equal(
            "{\"targetUid\":\"B\",\"userId\":\"A\",\"offer\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n\"}}",
            SignalingJson.Serialize(offer));
        Assert.Same(env.Stream, await preview.Task.WaitAsync(CallPair.Deadline));
        Assert.Same(env.Chat, session.ChatChannel);
        Assert.Equal(CallState.Connecting, session.State);
    }

    [Fact]
    public async Task Answer_is_set_as_remote_description_then_early_candidates_are_added_in_order()
    {
        await using var env = new SubstitutedEnvironment("A");
        await env.Client.StartAsync();
        await env.Client.CallAsync("B");
        env.Receive(new AcceptMessage("A", "B"));
        await env.WaitForSentAsync<OfferMessage>();
        var c1 = new RTCIceCandidateInit("candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host", "0", 0, "u");
        var c2 = new RTCIceCandidateInit("candidate:2 1 udp 2122260223 127.0.0.1 5001 typ host", "0", 0, "u");
        var added = new TaskCompletionSource();
        env.PeerConnection.AddIceCandidateAsync(c2, Arg.Any<CancellationToken>()).Returns(_ =>
        {
            added.TrySetResult();
            return Task.CompletedTask;
        });

        // The callee's candidates overtake its answer.
        env.Receive(new CandidateMessage("A", "B", c1));
        env.Receive(new CandidateMessage("A", "B", c2));
        env.Receive(new AnswerMessage("A", "B", SubstitutedEnvironment.Answer));
        await added.Task.WaitAsync(CallPair.Deadline);

        Received.InOrder(() =>
        {
            env.PeerConnection.SetRemoteDescriptionAsync(SubstitutedEnvironment.Answer, Arg.Any<CancellationToken>());
            env.PeerConnection.AddIceCandidateAsync(c1, Arg.Any<CancellationToken>());
            env.PeerConnection.AddIceCandidateAsync(c2, Arg.Any<CancellationToken>());
        });
    }

    [Fact]
    public async Task Local_candidates_are_sent_after_the_offer_and_end_of_candidates_is_not_sent()
    {
        await using var env = new SubstitutedEnvironment("A");
        var candidate = new RTCIceCandidateInit("candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host", "0", 0, "u");
        env.PeerConnection.SetLocalDescriptionAsync(Arg.Any<RTCSessionDescriptionInit>(), Arg.Any<CancellationToken>()).Returns(ci =>
        {
            // A stack that raises candidates before setLocalDescription has returned.
            env.PeerConnection.IceCandidate += Raise.EventWith(env.PeerConnection, new RTCPeerConnectionIceEventArgs(candidate));
            env.PeerConnection.IceCandidate += Raise.EventWith(env.PeerConnection, new RTCPeerConnectionIceEventArgs(null));
            return Task.CompletedTask;
        });
        await env.Client.StartAsync();
        await env.Client.CallAsync("B");

        env.Receive(new AcceptMessage("A", "B"));
        await env.WaitForSentAsync<CandidateMessage>();

        Assert.Equal(
            [new CallMessage("B", "A"), new OfferMessage("B", "A", SubstitutedEnvironment.Offer), new CandidateMessage("B", "A", candidate)],
            env.Sent);
    }

    [Fact]
    public async Task Connected_peer_connection_makes_the_call_connected()
    {
        await using var env = new SubstitutedEnvironment("A");
        await env.Client.StartAsync();
        var session = await env.Client.CallAsync("B");
        env.Receive(new AcceptMessage("A", "B"));
        await env.WaitForSentAsync<OfferMessage>();

        env.RaiseConnectionState(RTCPeerConnectionState.Connected);

        await session.WaitForConnectedAsync().WaitAsync(CallPair.Deadline);
        Assert.Equal(CallState.Connected, session.State);
    }

    [Fact]
    public async Task A_brief_connected_state_is_not_missed_when_the_connection_has_moved_on()
    {
        await using var env = new SubstitutedEnvironment("A");
        await env.Client.StartAsync();
        var session = await env.Client.CallAsync("B");
        env.Receive(new AcceptMessage("A", "B"));
        await env.WaitForSentAsync<OfferMessage>();

        // Under load ICE consent may flap: Connected is raised, but Disconnected is current when the event is handled.
        env.RaiseConnectionState(RTCPeerConnectionState.Connected, now: RTCPeerConnectionState.Disconnected);

        await session.WaitForConnectedAsync().WaitAsync(CallPair.Deadline);
        Assert.Equal(CallState.Connected, session.State);
    }

    [Fact]
    public async Task Data_channel_event_reaches_the_app_before_the_peer_connection_raises_anything_else()
    {
        await using var env = new SubstitutedEnvironment("A");
        await env.Client.StartAsync();
        var seen = false;
        var session = await env.Client.CallAsync("B", s => s.DataChannelReceived += (_, _) => seen = true);
        env.Receive(new AcceptMessage("A", "B"));
        await env.WaitForSentAsync<OfferMessage>();
        var channel = Substitute.For<IDataChannel>();

        env.PeerConnection.DataChannel += Raise.EventWith(env.PeerConnection, new RTCDataChannelEventArgs(channel));

        // Synchronously, on the connection's own event queue: the channel's first Message comes after this handler.
        Assert.True(seen);
        await session.HangupAsync();
    }

    [Fact]
    public async Task Failed_peer_connection_ends_the_call_and_tells_the_peer()
    {
        await using var env = new SubstitutedEnvironment("A");
        await env.Client.StartAsync();
        var session = await env.Client.CallAsync("B");
        env.Receive(new AcceptMessage("A", "B"));
        await env.WaitForSentAsync<OfferMessage>();

        env.RaiseConnectionState(RTCPeerConnectionState.Failed);
        var ended = await session.Completion.WaitAsync(CallPair.Deadline);

        Assert.Equal(CallEndReason.ConnectionFailed, ended.Reason);
        await env.WaitForSentAsync<HangupMessage>();
        env.PeerConnection.Received(1).Close();
        await env.PeerConnection.Received(1).DisposeAsync();
        env.Audio.Received(1).Stop();
        env.Video.Received(1).Stop();
        Assert.Null(env.Client.ActiveCall);
    }

    [Fact]
    public async Task Refused_answer_ends_the_call_as_negotiation_failed()
    {
        await using var env = new SubstitutedEnvironment("A");
        env.PeerConnection.SetRemoteDescriptionAsync(Arg.Any<RTCSessionDescriptionInit>(), Arg.Any<CancellationToken>())
            .Returns(Task.FromException(new FormatException("bad m-line")));
        await env.Client.StartAsync();
        var session = await env.Client.CallAsync("B");
        env.Receive(new AcceptMessage("A", "B"));
        await env.WaitForSentAsync<OfferMessage>();

        env.Receive(new AnswerMessage("A", "B", SubstitutedEnvironment.Answer));
        var ended = await session.Completion.WaitAsync(CallPair.Deadline);

        Assert.Equal(CallEndReason.NegotiationFailed, ended.Reason);
        Assert.Contains("bad m-line", ended.Detail, StringComparison.Ordinal);
        await env.WaitForSentAsync<HangupMessage>();
    }

    [Fact]
    public async Task Ring_timeout_cancels_the_call_with_hangup()
    {
        await using var env = new SubstitutedEnvironment("A", o => o.RingTimeout = TimeSpan.FromSeconds(30));
        await env.Client.StartAsync();
        var session = await env.Client.CallAsync("B");

        env.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(CallState.Calling, session.State);
        env.Time.Advance(TimeSpan.FromSeconds(1));
        var ended = await session.Completion.WaitAsync(CallPair.Deadline);

        Assert.Equal(CallEndReason.NoAnswer, ended.Reason);
        Assert.Equal(new HangupMessage("B", "A"), await env.WaitForSentAsync<HangupMessage>());
    }

    [Fact]
    public async Task An_accept_after_the_ring_timeout_is_ignored()
    {
        await using var env = new SubstitutedEnvironment("A", o => o.RingTimeout = TimeSpan.FromSeconds(30));
        await env.Client.StartAsync();
        var session = await env.Client.CallAsync("B");

        env.Time.Advance(TimeSpan.FromSeconds(30));
        await session.Completion.WaitAsync(CallPair.Deadline);
        var next = env.Client.WaitForIncomingCallAsync();
        env.Receive(new AcceptMessage("A", "B"));
        env.Receive(new CallMessage("A", "C")); // handled after the accept: once it rings, the accept was processed
        await next.WaitAsync(CallPair.Deadline);

        Assert.Equal(CallEndReason.NoAnswer, session.EndInfo!.Reason);
        env.Factory.DidNotReceiveWithAnyArgs().Create(default!);
    }

    [Fact]
    public async Task Hanging_up_while_local_media_is_pending_interrupts_it()
    {
        await using var env = new SubstitutedEnvironment("A");
        var asked = new TaskCompletionSource();
        env.Media.GetUserMediaAsync(Arg.Any<MediaStreamConstraints>(), Arg.Any<CancellationToken>()).Returns(ci =>
        {
            asked.TrySetResult();
            // A permission prompt nobody answers: only cancellation ends it.
            var never = new TaskCompletionSource<MediaStream>();
            ci.Arg<CancellationToken>().Register(() => never.TrySetCanceled());
            return never.Task;
        });
        await env.Client.StartAsync();
        var session = await env.Client.CallAsync("B");
        env.Receive(new AcceptMessage("A", "B"));
        await asked.Task.WaitAsync(CallPair.Deadline);

        await session.HangupAsync().WaitAsync(CallPair.Deadline);

        Assert.Equal(CallEndReason.LocalHangup, session.EndInfo!.Reason);
        Assert.Empty(env.Logs.Errors);
    }

    [Fact]
    public async Task A_failed_start_can_be_retried()
    {
        await using var env = new SubstitutedEnvironment("A");
        env.Channel.IsConnected.Returns(false);
        env.Channel.ConnectAsync(Arg.Any<CancellationToken>()).Returns(Task.FromException(new SignalingException("server unreachable")), Task.CompletedTask);

        await Assert.ThrowsAsync<SignalingException>(() => env.Client.StartAsync());
        await env.Client.StartAsync();

        await env.Channel.Received(2).ConnectAsync(Arg.Any<CancellationToken>());
        Assert.Equal(CallState.Calling, (await env.Client.CallAsync("B")).State);
    }

    [Fact]
    public async Task Relay_error_for_the_callee_ends_the_call_as_peer_unavailable()
    {
        await using var env = new SubstitutedEnvironment("A");
        await env.Client.StartAsync();
        var session = await env.Client.CallAsync("B");

        env.ReceiveError(new SignalingRelayException("B", "call", "target offline"));
        var ended = await session.Completion.WaitAsync(CallPair.Deadline);

        Assert.Equal(CallEndReason.PeerUnavailable, ended.Reason);
        Assert.Equal("target offline", ended.Detail);
    }

    [Theory]
    [InlineData("busy", CallEndReason.Busy)]
    [InlineData("rejected", CallEndReason.Rejected)]
    [InlineData(null, CallEndReason.Rejected)]
    [InlineData("no-answer", CallEndReason.NoAnswer)]
    public async Task Reject_ends_the_call_with_the_reason(string? reason, CallEndReason expected)
    {
        await using var env = new SubstitutedEnvironment("A");
        await env.Client.StartAsync();
        var session = await env.Client.CallAsync("B");

        env.Receive(new RejectMessage("A", "B", reason));
        var ended = await session.Completion.WaitAsync(CallPair.Deadline);

        Assert.Equal(expected, ended.Reason);
        Assert.Equal(reason, ended.Detail);
        env.Factory.DidNotReceiveWithAnyArgs().Create(default!);
    }

    [Fact]
    public async Task Messages_from_anyone_but_the_peer_are_ignored()
    {
        await using var env = new SubstitutedEnvironment("A");
        await env.Client.StartAsync();
        var session = await env.Client.CallAsync("B");

        env.Receive(new AcceptMessage("A", "Mallory"));
        env.Receive(new HangupMessage("A", "Mallory"));
        env.Receive(new AcceptMessage("Someone-else", "B"));
        env.Receive(new RejectMessage("A", "B"));
        await session.Completion.WaitAsync(CallPair.Deadline);

        // Only B's own reject counted: nothing from Mallory reached the session, and no peer connection was made.
        Assert.Equal(CallEndReason.Rejected, session.EndInfo!.Reason);
        env.Factory.DidNotReceiveWithAnyArgs().Create(default!);
    }

    [Fact]
    public async Task A_second_call_while_one_is_in_progress_is_refused()
    {
        await using var env = new SubstitutedEnvironment("A");
        await env.Client.StartAsync();
        await env.Client.CallAsync("B");

        await Assert.ThrowsAsync<InvalidStateException>(() => env.Client.CallAsync("C"));
    }
}
