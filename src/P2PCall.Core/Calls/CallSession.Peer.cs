using P2PCall.Core.Internal;
using P2PCall.Core.Signaling;
using P2PCall.WebRtc;

namespace P2PCall.Core.Calls;

/// <summary>The parts of a session both sides share: the seed's peer connection set-up and <c>onPcEvent</c>.</summary>
public abstract partial class CallSession
{
    /// <summary>What to tell the peer when the call ends.</summary>
    private protected enum PeerNotice
    {
        None,
        Hangup,
    }

    /// <summary>Whether the remote description has been applied (candidates are queued until it is).</summary>
    private protected bool RemoteDescriptionApplied { get; private set; }

    /// <summary>
    /// The common first half of <c>initCallerInfo</c> and <c>initCalleeInfo</c>: a new peer connection, local
    /// media added track by track, the local preview, then the callbacks (<c>onPcEvent</c>).
    /// </summary>
    private protected async Task InitPeerConnectionAsync(CancellationToken cancellationToken)
    {
        var options = Context.Options;
        var pc = Context.PeerConnections.Create(options.ToRtcConfiguration());
        cancellationToken.ThrowIfCancellationRequested();
        PeerConnection = pc;
        if (options.Audio || options.Video)
        {
            var stream = await Context.MediaDevices.GetUserMediaAsync(
                new MediaStreamConstraints { Audio = options.Audio, Video = options.Video },
                cancellationToken).ConfigureAwait(false);
            LocalStream = stream;
            foreach (var track in stream.Tracks)
            {
                // The seed adds each track without a stream: the remote ontrack then has no stream (a=msid:- id).
                pc.AddTrack(track);
            }

            Raise(() => LocalStreamReady, new LocalStreamEventArgs(stream));
        }

        OnPcEvent(pc);
    }

    /// <summary>The seed's <c>onPcEvent</c>: the "chat" channel and the peer connection's callbacks.</summary>
    private void OnPcEvent(IPeerConnection pc)
    {
        ChatChannel = pc.CreateDataChannel(Context.Options.ChatChannelLabel);
        pc.Track += OnTrack;
        pc.NegotiationNeeded += OnNegotiationNeeded;
        pc.DataChannel += OnDataChannel;
        pc.IceCandidate += OnIceCandidate;
        pc.ConnectionStateChange += OnConnectionStateChange;
    }

    private void Unsubscribe(IPeerConnection pc)
    {
        pc.Track -= OnTrack;
        pc.NegotiationNeeded -= OnNegotiationNeeded;
        pc.DataChannel -= OnDataChannel;
        pc.IceCandidate -= OnIceCandidate;
        pc.ConnectionStateChange -= OnConnectionStateChange;
    }

    private void OnTrack(object? sender, RTCTrackEventArgs e)
    {
        if (_state == CallState.Ended)
        {
            return;
        }

        lock (_remoteTracks)
        {
            _remoteTracks.Add(e.Track);
        }

        Raise(() => RemoteTrack, e);
    }

    private void OnNegotiationNeeded(object? sender, EventArgs e) => Log.NegotiationNeeded(Context.Logger, RemoteUserId);

    private void OnDataChannel(object? sender, RTCDataChannelEventArgs e)
    {
        if (_state == CallState.Ended)
        {
            return;
        }

        Log.DataChannelCreated(Context.Logger, e.Channel.Label, RemoteUserId);
        // Raised right here, on the peer connection's event queue, not re-queued: a handler that subscribes to the
        // channel's Message event then sees the very first message, as in a browser's ondatachannel.
        DataChannelReceived?.Invoke(this, e);
    }

    // Queued so that a candidate raised while setLocalDescription is still running is sent after the offer/answer.
    private void OnIceCandidate(object? sender, RTCPeerConnectionIceEventArgs e) => Post(async () =>
    {
        if (_state == CallState.Ended)
        {
            return;
        }

        if (e.Candidate is null)
        {
            Log.EndOfCandidates(Context.Logger, RemoteUserId);
            return;
        }

        await SendAsync(new CandidateMessage(RemoteUserId, LocalUserId, e.Candidate)).ConfigureAwait(false);
    });

    private void OnConnectionStateChange(object? sender, EventArgs e)
    {
        // The state as it was when raised: read later from the connection, a brief Connected could be missed.
        var entered = e is RTCPeerConnectionStateChangedEventArgs change ? change.State : (sender as IPeerConnection)?.ConnectionState;
        Post(() => OnConnectionStateAsync(sender, entered));
    }

    private async Task OnConnectionStateAsync(object? sender, RTCPeerConnectionState? entered)
    {
        if (sender is not IPeerConnection pc || !ReferenceEquals(pc, PeerConnection) || _state == CallState.Ended)
        {
            return;
        }

        switch (entered)
        {
            case RTCPeerConnectionState.Connected:
                SetState(CallState.Connected);
                break;
            case RTCPeerConnectionState.Failed:
                await EndAsync(CallEndReason.ConnectionFailed, "the peer connection failed", PeerNotice.Hangup).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>Applies the remote description, then every candidate that arrived before it.</summary>
    private protected async Task ApplyRemoteDescriptionAsync(RTCSessionDescriptionInit description)
    {
        await PeerConnection!.SetRemoteDescriptionAsync(description, Lifetime).ConfigureAwait(false);
        RemoteDescriptionApplied = true;
        var pending = _pendingCandidates.ToArray();
        _pendingCandidates.Clear();
        foreach (var candidate in pending)
        {
            await AddCandidateAsync(candidate).ConfigureAwait(false);
        }
    }

    /// <summary>A remote candidate: added now, or queued until the remote description is applied.</summary>
    private protected async Task OnRemoteCandidateAsync(CandidateMessage message)
    {
        var candidate = message.Candidate;
        var key = CandidateKey(candidate);
        if (_state == CallState.Ended || _seenCandidates.Contains(key))
        {
            LogIgnored(message, _state == CallState.Ended ? "call ended" : "duplicate candidate");
            return;
        }

        if (_seenCandidates.Count >= 4 * Context.Options.MaxPendingCandidates)
        {
            Log.CandidateQueueFull(Context.Logger, RemoteUserId, _seenCandidates.Count);
            return; // a peer flooding candidates gets no more work out of us
        }

        if (PeerConnection is null || !RemoteDescriptionApplied)
        {
            if (_pendingCandidates.Count >= Context.Options.MaxPendingCandidates)
            {
                Log.CandidateQueueFull(Context.Logger, RemoteUserId, Context.Options.MaxPendingCandidates);
                return;
            }

            _seenCandidates.Add(key);
            _pendingCandidates.Add(candidate);
            return;
        }

        _seenCandidates.Add(key);

        await AddCandidateAsync(candidate).ConfigureAwait(false);
    }

    private async Task AddCandidateAsync(RTCIceCandidateInit candidate)
    {
        try
        {
            await PeerConnection!.AddIceCandidateAsync(candidate).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One bad candidate must not end the call: other candidates may still connect (RFC 8838 §4.2).
            Log.CandidateRefused(Context.Logger, RemoteUserId, ex.Message);
        }
    }

    private static string CandidateKey(RTCIceCandidateInit c) => $"{c.SdpMid}|{c.SdpMLineIndex}|{c.Candidate}";

    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Sends a message; a failure is logged and reported as false, never thrown.</summary>
    private protected async Task<bool> SendAsync(SignalingMessage message)
    {
        try
        {
            // Bounded: a transport that never answers must not hold the session's queue.
            using var timeout = new CancellationTokenSource(SendTimeout, Context.Time);
            await Context.Signaling.SendAsync(message, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            Log.SendFailed(Context.Logger, message.EventName, RemoteUserId, "timed out");
            return false;
        }
        catch (Exception ex) when (ex is SignalingException or ObjectDisposedException or InvalidOperationException)
        {
            Log.SendFailed(Context.Logger, message.EventName, RemoteUserId, ex.Message);
            return false;
        }
    }

    /// <summary>Sends a message the call cannot go on without; ends the call when it cannot be sent.</summary>
    private protected async Task<bool> SendOrEndAsync(SignalingMessage message)
    {
        if (await SendAsync(message).ConfigureAwait(false))
        {
            return true;
        }

        await EndAsync(CallEndReason.SignalingFailed, $"could not send '{message.EventName}'", PeerNotice.None).ConfigureAwait(false);
        return false;
    }

    /// <summary>Ends the call once: notifies the peer if asked, closes the peer connection, stops local tracks.</summary>
    private protected async Task EndAsync(CallEndReason reason, string? detail, PeerNotice notice)
    {
        if (_state == CallState.Ended)
        {
            return;
        }

        StopTimers();
        var wasActive = _state != CallState.Idle;
        var previous = _state;
        _state = CallState.Ended;
        var info = new CallEndedEventArgs(reason, detail);
        EndInfo = info;
        Log.Ended(Context.Logger, LocalUserId, RemoteUserId, reason, detail);

        if (notice == PeerNotice.Hangup && wasActive)
        {
            // A call that was still ringing here is declined, not hung up, so the caller learns why.
            SignalingMessage bye = previous == CallState.Ringing
                ? new RejectMessage(RemoteUserId, LocalUserId, RejectReasons.Rejected)
                : new HangupMessage(RemoteUserId, LocalUserId);
            await SendAsync(bye).ConfigureAwait(false);
        }

        if (PeerConnection is { } pc)
        {
            Unsubscribe(pc);
            try
            {
                pc.Close();
                await pc.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.UnexpectedError(Context.Logger, RemoteUserId, ex);
            }
        }

        foreach (var track in LocalStream?.Tracks ?? [])
        {
            track.Stop();
        }

        _pendingCandidates.Clear();
        // The client forgets the call before anyone hears it ended, so a new call can be placed from the Ended handler.
        OnEndedCallback?.Invoke(this);
        Raise(() => StateChanged, new CallStateChangedEventArgs(previous, CallState.Ended));
        Raise(() => Ended, info);
        _ended.TrySetResult(info);
    }
}
