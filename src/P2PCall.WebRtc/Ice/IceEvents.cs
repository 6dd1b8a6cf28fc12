namespace P2PCall.WebRtc.Ice;

/// <summary>A local candidate was gathered, or gathering finished (<see cref="Candidate"/> is null).</summary>
/// <param name="candidate">The candidate, or null at the end of gathering.</param>
public sealed class IceCandidateEventArgs(IceCandidate? candidate) : EventArgs
{
    /// <summary>The candidate, or null at the end of gathering.</summary>
    public IceCandidate? Candidate { get; } = candidate;
}

/// <summary>The connection state changed.</summary>
/// <param name="state">The new state.</param>
public sealed class IceConnectionStateEventArgs(IceConnectionState state) : EventArgs
{
    /// <summary>The new state.</summary>
    public IceConnectionState State { get; } = state;
}

/// <summary>The gathering state changed.</summary>
/// <param name="state">The new state.</param>
public sealed class IceGatheringStateEventArgs(IceGatheringState state) : EventArgs
{
    /// <summary>The new state.</summary>
    public IceGatheringState State { get; } = state;
}

/// <summary>The selected candidate pair (RFC 8445 §8.1.1) changed.</summary>
/// <param name="pair">The new pair.</param>
public sealed class IceSelectedPairEventArgs(IceSelectedPair pair) : EventArgs
{
    /// <summary>The new pair.</summary>
    public IceSelectedPair Pair { get; } = pair;
}

/// <summary>The pair application data flows over.</summary>
/// <param name="Local">The local candidate (the base's host candidate).</param>
/// <param name="Remote">The remote candidate.</param>
public sealed record IceSelectedPair(IceCandidate Local, IceCandidate Remote);

/// <summary>Counters of what the agent received and dropped.</summary>
public sealed record IceAgentCounters
{
    /// <summary>STUN requests that passed authentication.</summary>
    public long RequestsAccepted { get; init; }

    /// <summary>STUN responses matched to a transaction and accepted.</summary>
    public long ResponsesAccepted { get; init; }

    /// <summary>Datagrams that looked like STUN but did not parse (bad length, fingerprint, ...).</summary>
    public long MalformedStun { get; init; }

    /// <summary>STUN messages dropped because MESSAGE-INTEGRITY was missing or wrong.</summary>
    public long IntegrityFailures { get; init; }

    /// <summary>STUN requests dropped because USERNAME did not match <c>localUfrag:remoteUfrag</c>.</summary>
    public long UsernameMismatches { get; init; }

    /// <summary>STUN responses that matched no outstanding transaction, or came from the wrong address.</summary>
    public long UnmatchedResponses { get; init; }

    /// <summary>Non-STUN datagrams dropped because their sender never authenticated.</summary>
    public long UnauthenticatedDataDropped { get; init; }

    /// <summary>Remote candidates ignored (TCP, mDNS names, unsupported family).</summary>
    public long RemoteCandidatesIgnored { get; init; }

    /// <summary>Connectivity checks sent, first transmissions only.</summary>
    public long ChecksSent { get; init; }

    /// <summary>Retransmitted requests.</summary>
    public long Retransmissions { get; init; }

    /// <summary>Total STUN datagrams dropped for any reason (the sum of the drop counters above).</summary>
    public long StunDropped => MalformedStun + IntegrityFailures + UsernameMismatches + UnmatchedResponses;
}
