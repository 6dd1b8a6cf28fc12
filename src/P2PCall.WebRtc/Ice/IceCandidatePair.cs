using System.Net;

namespace P2PCall.WebRtc.Ice;

/// <summary>The state of a candidate pair (RFC 8445 §6.1.2.6).</summary>
internal enum IceCandidatePairState
{
    /// <summary>Not checked yet, waiting for its foundation to be unfrozen.</summary>
    Frozen,

    /// <summary>Ready to be checked when the pacer allows.</summary>
    Waiting,

    /// <summary>A check was sent; no answer yet.</summary>
    InProgress,

    /// <summary>A check succeeded: the pair is valid.</summary>
    Succeeded,

    /// <summary>The check failed or timed out.</summary>
    Failed,
}

/// <summary>A local base (one bound socket) and the host candidate gathered on it.</summary>
internal sealed class IceLocalBase(int id, IPEndPoint endPoint, int localPreference, IceCandidate host)
{
    /// <summary>The edge's socket id.</summary>
    public int Id { get; } = id;

    /// <summary>The bound address and port.</summary>
    public IPEndPoint EndPoint { get; } = endPoint;

    /// <summary>RFC 8445 §5.1.2.1 local preference of this address.</summary>
    public int LocalPreference { get; } = localPreference;

    /// <summary>The host candidate.</summary>
    public IceCandidate Host { get; } = host;
}

/// <summary>A remote candidate the agent pairs with.</summary>
internal sealed class IceRemoteCandidate(IceCandidate candidate, IPEndPoint endPoint)
{
    /// <summary>The candidate as signalled (or synthesised, for peer-reflexive ones).</summary>
    public IceCandidate Candidate { get; set; } = candidate;

    /// <summary>Its transport address.</summary>
    public IPEndPoint EndPoint { get; } = endPoint;
}

/// <summary>A local base paired with a remote candidate (RFC 8445 §6.1.2).</summary>
internal sealed class IceCandidatePair(IceLocalBase local, IceRemoteCandidate remote)
{
    /// <summary>The local base (RFC 8445 §6.1.2.4: reflexive local candidates are replaced by their base).</summary>
    public IceLocalBase Local { get; } = local;

    /// <summary>The remote candidate.</summary>
    public IceRemoteCandidate Remote { get; } = remote;

    /// <summary>The pair state.</summary>
    public IceCandidatePairState State { get; set; } = IceCandidatePairState.Frozen;

    /// <summary>The pair priority for the current role (RFC 8445 §6.1.2.3).</summary>
    public ulong Priority { get; private set; }

    /// <summary>RFC 8445 §6.1.2.6: the pair foundation, local and remote foundations joined.</summary>
    public string Foundation => Local.Host.Foundation + ":" + Remote.Candidate.Foundation;

    /// <summary>The pair has been nominated (RFC 8445 §8.1.1).</summary>
    public bool Nominated { get; set; }

    /// <summary>Controlled side: USE-CANDIDATE arrived before this pair succeeded (RFC 8445 §7.3.1.5).</summary>
    public bool NominateOnSuccess { get; set; }

    /// <summary>Controlling side: the next check on this pair carries USE-CANDIDATE (RFC 8445 §8.1.1).</summary>
    public bool UseCandidatePending { get; set; }

    /// <summary>The transaction of the latest check, if one is outstanding.</summary>
    public Stun.StunTransactionId? ActiveTransaction { get; set; }

    /// <summary>Recomputes <see cref="Priority"/> for a role (RFC 8445 §6.1.2.3).</summary>
    public void UpdatePriority(IceRole role)
    {
        uint local = Local.Host.Priority;
        uint remote = Remote.Candidate.Priority;
        Priority = role == IceRole.Controlling ? IcePriority.Pair(local, remote) : IcePriority.Pair(remote, local);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Local.EndPoint} -> {Remote.EndPoint} {State}{(Nominated ? " nominated" : string.Empty)}";
}

/// <summary>What a STUN transaction is for.</summary>
internal enum IceTransactionKind
{
    /// <summary>A connectivity check (RFC 8445 §7.2.4).</summary>
    Check,

    /// <summary>A consent freshness check on the selected pair (RFC 7675 §5.1).</summary>
    Consent,

    /// <summary>A Binding request to a STUN server, for a server-reflexive candidate (RFC 8445 §5.1.1.2).</summary>
    ServerQuery,
}

/// <summary>An outstanding STUN client transaction with its retransmission state (RFC 8489 §6.2.1).</summary>
internal sealed class IceTransaction(IceTransactionKind kind, Stun.StunTransactionId id, IceLocalBase localBase, IPEndPoint destination, byte[] request)
{
    /// <summary>Purpose.</summary>
    public IceTransactionKind Kind { get; } = kind;

    /// <summary>Transaction id.</summary>
    public Stun.StunTransactionId Id { get; } = id;

    /// <summary>The base it was sent from.</summary>
    public IceLocalBase Base { get; } = localBase;

    /// <summary>Where it was sent.</summary>
    public IPEndPoint Destination { get; } = destination;

    /// <summary>The encoded request, resent unchanged on retransmission.</summary>
    public byte[] Request { get; } = request;

    /// <summary>The pair a check or consent request is for.</summary>
    public IceCandidatePair? Pair { get; init; }

    /// <summary>The request carried USE-CANDIDATE.</summary>
    public bool UseCandidate { get; init; }

    /// <summary>The request carried ICE-CONTROLLING (else ICE-CONTROLLED).</summary>
    public bool SentControlling { get; init; }

    /// <summary>How many times it was sent.</summary>
    public int Transmissions { get; set; } = 1;

    /// <summary>The most transmissions allowed.</summary>
    public int MaxTransmissions { get; init; }

    /// <summary>The current retransmission timeout.</summary>
    public TimeSpan Rto { get; set; }

    /// <summary>When to retransmit or give up.</summary>
    public DateTimeOffset Deadline { get; set; }

    /// <summary>RFC 8445 §7.3.1.4: cancelled — no more retransmissions, but a response is still accepted.</summary>
    public bool Cancelled { get; set; }
}
