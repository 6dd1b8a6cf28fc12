using P2PCall.WebRtc;

namespace P2PCall.Core.Calls;

/// <summary>A session's state changed.</summary>
/// <param name="previous">The state before.</param>
/// <param name="current">The state now.</param>
public sealed class CallStateChangedEventArgs(CallState previous, CallState current) : EventArgs
{
    /// <summary>The state before.</summary>
    public CallState Previous { get; } = previous;

    /// <summary>The state now.</summary>
    public CallState Current { get; } = current;
}

/// <summary>A call ended.</summary>
/// <param name="reason">Why.</param>
/// <param name="detail">More detail (a reject reason, an error message), if any.</param>
public sealed class CallEndedEventArgs(CallEndReason reason, string? detail) : EventArgs
{
    /// <summary>Why the call ended.</summary>
    public CallEndReason Reason { get; } = reason;

    /// <summary>More detail, if any.</summary>
    public string? Detail { get; } = detail;

    /// <inheritdoc />
    public override string ToString() => Detail is null ? Reason.ToString() : $"{Reason} ({Detail})";
}

/// <summary>The local media is ready to be previewed (the seed's <c>setDomVideoStream("localdemo01", localStream)</c>).</summary>
/// <param name="stream">The local stream whose tracks were added to the peer connection.</param>
public sealed class LocalStreamEventArgs(MediaStream stream) : EventArgs
{
    /// <summary>The local stream.</summary>
    public MediaStream Stream { get; } = stream;
}

/// <summary>An incoming call is ringing.</summary>
/// <param name="session">The callee session; accept or reject it.</param>
public sealed class IncomingCallEventArgs(CalleeSession session) : EventArgs
{
    /// <summary>The callee session; call <see cref="CalleeSession.AcceptAsync"/> or <see cref="CalleeSession.RejectAsync"/>.</summary>
    public CalleeSession Session { get; } = session;

    /// <summary>Who calls.</summary>
    public string CallerId => Session.RemoteUserId;
}

/// <summary>A wait on a call ended because the call ended first.</summary>
public sealed class CallEndedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="ended">How the call ended.</param>
    public CallEndedException(CallEndedEventArgs ended)
        : base($"The call ended: {ended}")
    {
        Ended = ended;
    }

    /// <summary>How the call ended.</summary>
    public CallEndedEventArgs Ended { get; }
}
