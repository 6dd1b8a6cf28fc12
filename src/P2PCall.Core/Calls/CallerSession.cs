using P2PCall.Core.Signaling;

namespace P2PCall.Core.Calls;

/// <summary>
/// The calling side (the seed's caller A): sends <c>call</c>, and once the callee accepts runs
/// <c>initCallerInfo</c> (peer connection, local media, preview, callbacks, offer) and, on the answer,
/// <c>onRemoteAnswer</c>.
/// </summary>
public sealed class CallerSession : CallSession
{
    internal CallerSession(SessionContext context, string calleeId)
        : base(context, calleeId, CallDirection.Outgoing)
    {
    }

    /// <summary>Sends <c>call</c> and starts the ring timeout.</summary>
    internal Task StartAsync(CancellationToken cancellationToken) => RunAsync(async () =>
    {
        if (State != CallState.Idle)
        {
            return;
        }

        SetState(CallState.Calling);
        if (await SendOrEndAsync(new CallMessage(RemoteUserId, LocalUserId)).ConfigureAwait(false))
        {
            // The timer's item may be queued behind an accept: only a call still ringing times out.
            StartRingTimer(() => State == CallState.Calling ? EndAsync(CallEndReason.NoAnswer, null, PeerNotice.Hangup) : Task.CompletedTask);
        }
    }, cancellationToken);

    /// <summary>
    /// Both users called each other at once and the other side's call wins (the smaller user id keeps its
    /// outgoing call): this outgoing call ends without telling the peer, whose call is answered instead.
    /// </summary>
    internal Task YieldToCrossedCallAsync() =>
        RunAsync(() => EndAsync(CallEndReason.Replaced, "both sides called at once; the incoming call was kept", PeerNotice.None));

    private protected override async Task HandleAsync(SignalingMessage message)
    {
        switch (message)
        {
            case AcceptMessage when State == CallState.Calling:
                StopRingTimer();
                SetState(CallState.Connecting);
                await InitCallerInfoAsync().ConfigureAwait(false);
                break;
            case RejectMessage reject when State == CallState.Calling:
                var reason = reject.Reason == RejectReasons.Busy ? CallEndReason.Busy
                    : reject.Reason == RejectReasons.NoAnswer ? CallEndReason.NoAnswer
                    : CallEndReason.Rejected;
                await EndAsync(reason, reject.Reason, PeerNotice.None).ConfigureAwait(false);
                break;
            case AnswerMessage answer when State is CallState.Connecting or CallState.Connected && PeerConnection?.LocalDescription is not null && !RemoteDescriptionApplied:
                await OnRemoteAnswerAsync(answer).ConfigureAwait(false);
                break;
            case CandidateMessage candidate:
                await OnRemoteCandidateAsync(candidate).ConfigureAwait(false);
                break;
            case HangupMessage when State != CallState.Ended:
                await EndAsync(CallEndReason.RemoteHangup, null, PeerNotice.None).ConfigureAwait(false);
                break;
            default:
                LogIgnored(message, "not expected in this state (duplicate or late)");
                break;
        }
    }

    /// <summary>The seed's <c>initCallerInfo</c> after the callee accepted.</summary>
    private async Task InitCallerInfoAsync()
    {
        try
        {
            await InitPeerConnectionAsync(Lifetime).ConfigureAwait(false);
            var offer = await PeerConnection!.CreateOfferAsync(Lifetime).ConfigureAwait(false);
            await PeerConnection.SetLocalDescriptionAsync(offer, Lifetime).ConfigureAwait(false);
            await SendOrEndAsync(new OfferMessage(RemoteUserId, LocalUserId, offer)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Lifetime.IsCancellationRequested)
        {
            // Hung up or disposed meanwhile: the queued hang-up ends the call.
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await EndAsync(CallEndReason.NegotiationFailed, ex.Message, PeerNotice.Hangup).ConfigureAwait(false);
        }
    }

    /// <summary>The seed's <c>onRemoteAnswer</c>.</summary>
    private async Task OnRemoteAnswerAsync(AnswerMessage answer)
    {
        try
        {
            await ApplyRemoteDescriptionAsync(answer.Answer).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Lifetime.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await EndAsync(CallEndReason.NegotiationFailed, "the answer was refused: " + ex.Message, PeerNotice.Hangup).ConfigureAwait(false);
        }
    }
}
