using P2PCall.Core.Signaling;
using P2PCall.WebRtc;

namespace P2PCall.Core.Calls;

/// <summary>
/// The called side (the seed's callee B): rings until the app accepts or rejects; accepting runs
/// <c>initCalleeInfo</c> and sends <c>accept</c>; the caller's offer then runs <c>onRemoteOffer</c>.
/// </summary>
public sealed class CalleeSession : CallSession
{
    private OfferMessage? _earlyOffer;

    internal CalleeSession(SessionContext context, string callerId)
        : base(context, callerId, CallDirection.Incoming)
    {
    }

    /// <summary>Accepts the ringing call: <c>initCalleeInfo</c>, then <c>accept</c> to the caller.</summary>
    /// <param name="cancellationToken">Cancels getting local media; the call then ends.</param>
    /// <exception cref="InvalidStateException">The call is not ringing (already accepted, rejected or ended).</exception>
    public Task AcceptAsync(CancellationToken cancellationToken = default) => State == CallState.Ended
        ? Task.FromException(new InvalidStateException("Cannot accept a call that has ended."))
        : RunAsync(async () =>
    {
        if (State != CallState.Ringing)
        {
            throw new InvalidStateException($"Cannot accept a call in state {State}.");
        }

        StopRingTimer();
        SetState(CallState.Connecting);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Lifetime);
        try
        {
            await InitPeerConnectionAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Lifetime.IsCancellationRequested)
        {
            return; // hung up or disposed meanwhile: the queued hang-up ends the call
        }
        catch (OperationCanceledException)
        {
            await EndAsync(CallEndReason.Disposed, "accept was cancelled", PeerNotice.Hangup).ConfigureAwait(false);
            throw;
        }
        catch (Exception ex)
        {
            await EndAsync(CallEndReason.NegotiationFailed, ex.Message, PeerNotice.Hangup).ConfigureAwait(false);
            return;
        }

        if (!await SendOrEndAsync(new AcceptMessage(RemoteUserId, LocalUserId)).ConfigureAwait(false))
        {
            return;
        }

        if (_earlyOffer is { } offer)
        {
            _earlyOffer = null;
            await OnRemoteOfferAsync(offer).ConfigureAwait(false);
        }
    }, cancellationToken);

    /// <summary>Declines the ringing call with a <c>reject</c>.</summary>
    /// <param name="reason">The reason sent to the caller; <see cref="RejectReasons.Rejected"/> when null.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="InvalidStateException">The call is not ringing.</exception>
    public Task RejectAsync(string? reason = null, CancellationToken cancellationToken = default) => State == CallState.Ended
        ? Task.FromException(new InvalidStateException("Cannot reject a call that has ended."))
        : RunAsync(async () =>
    {
        if (State != CallState.Ringing)
        {
            throw new InvalidStateException($"Cannot reject a call in state {State}.");
        }

        var why = reason ?? RejectReasons.Rejected;
        await SendAsync(new RejectMessage(RemoteUserId, LocalUserId, why)).ConfigureAwait(false);
        await EndAsync(CallEndReason.Rejected, why, PeerNotice.None).ConfigureAwait(false);
    }, cancellationToken);

    /// <summary>Starts ringing (after an incoming <c>call</c>).</summary>
    /// <param name="announce">Queued on the event queue once the state is Ringing, before any event of the call.</param>
    internal Task StartRingingAsync(Action announce) => RunAsync(async () =>
    {
        if (State != CallState.Idle)
        {
            return;
        }

        SetState(CallState.Ringing, () => PostEvent(announce));
        StartRingTimer(async () =>
        {
            if (State == CallState.Ringing)
            {
                await SendAsync(new RejectMessage(RemoteUserId, LocalUserId, RejectReasons.NoAnswer)).ConfigureAwait(false);
                await EndAsync(CallEndReason.NoAnswer, null, PeerNotice.None).ConfigureAwait(false);
            }
        });
        await Task.CompletedTask.ConfigureAwait(false);
    });

    private protected override async Task HandleAsync(SignalingMessage message)
    {
        switch (message)
        {
            case OfferMessage offer when State == CallState.Ringing && _earlyOffer is null:
                // An offer before our accept (a caller that does not wait): kept until the app accepts.
                _earlyOffer = offer;
                break;
            case OfferMessage offer when State is CallState.Connecting or CallState.Connected && PeerConnection is not null && !RemoteDescriptionApplied:
                await OnRemoteOfferAsync(offer).ConfigureAwait(false);
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

    /// <summary>The seed's <c>onRemoteOffer</c>: set remote, create the answer, set local, send <c>answer</c>.</summary>
    private async Task OnRemoteOfferAsync(OfferMessage offer)
    {
        try
        {
            await ApplyRemoteDescriptionAsync(offer.Offer).ConfigureAwait(false);
            var answer = await PeerConnection!.CreateAnswerAsync(Lifetime).ConfigureAwait(false);
            await PeerConnection.SetLocalDescriptionAsync(answer, Lifetime).ConfigureAwait(false);
            await SendOrEndAsync(new AnswerMessage(RemoteUserId, LocalUserId, answer)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Lifetime.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await EndAsync(CallEndReason.NegotiationFailed, "the offer was refused: " + ex.Message, PeerNotice.Hangup).ConfigureAwait(false);
        }
    }
}
