using P2PCall.WebRtc.Net;

namespace P2PCall.WebRtc.Ice;

/// <summary>Settings of an <see cref="IceAgent"/>. Defaults follow RFC 8445, RFC 8489 and RFC 7675.</summary>
public sealed class IceAgentOptions
{
    /// <summary>The initial role: true for the controlling agent (the offerer in JSEP, RFC 8445 §6.1.1).</summary>
    public bool Controlling { get; init; }

    /// <summary>The local ufrag; generated (RFC 8445 §5.3) when null.</summary>
    public string? LocalUfrag { get; init; }

    /// <summary>The local password; generated (RFC 8445 §5.3) when null.</summary>
    public string? LocalPassword { get; init; }

    /// <summary>Which local addresses host candidates are gathered on. Tests must use <see cref="HostAddressFilter.LoopbackOnly"/>.</summary>
    public HostAddressFilter AddressFilter { get; init; } = new();

    /// <summary>STUN servers as <c>stun:host[:port]</c> URLs (RFC 7064); each gives a server-reflexive candidate per base.</summary>
    public IReadOnlyList<string> StunServers { get; init; } = [];

    /// <summary>RFC 8445 §14.2: the pacing interval Ta between new checks. Default 50 ms.</summary>
    public TimeSpan Ta { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>RFC 8489 §6.2.1: the initial retransmission timeout of a check. Default 500 ms.</summary>
    public TimeSpan InitialRto { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The largest retransmission timeout the doubling reaches. Default 1.6 s.</summary>
    public TimeSpan MaxRto { get; init; } = TimeSpan.FromMilliseconds(1600);

    /// <summary>RFC 8489 §6.2.1 Rc: transmissions of one request before it fails. Default 7.</summary>
    public int MaxTransmissions { get; init; } = 7;

    /// <summary>The controlling agent nominates the best valid pair at once when no better pair is still being checked, else after this delay. Default 500 ms.</summary>
    public TimeSpan NominationTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>RFC 7675 §5.1: mean interval of consent checks on the selected pair, randomised ±20 %. Default 5 s.</summary>
    public TimeSpan ConsentInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Without a consent response for this long the state becomes disconnected (as browsers report). Default 10 s.</summary>
    public TimeSpan DisconnectedTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>RFC 7675 §5.1: without a consent response for this long consent is lost and the state becomes failed. Default 30 s.</summary>
    public TimeSpan ConsentTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// RFC 8838 §8 declares failure only after the remote end-of-candidates. Many apps never signal it (a browser's
    /// null candidate is often not forwarded); when set, the agent assumes end-of-candidates once checks run and no
    /// new remote candidate arrived for this long. Null (default) waits for <see cref="IceAgent.AddRemoteEndOfCandidates"/>.
    /// </summary>
    public TimeSpan? AssumeEndOfCandidatesAfter { get; init; }

    /// <summary>Seed for the consent jitter and tie-breaker randomness, for reproducible tests; null uses a random seed.</summary>
    internal int? RandomSeed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> when a value is out of range.</summary>
    public void Validate()
    {
        if (LocalUfrag is not null && !IceCredentials.IsValid(LocalUfrag, 4))
        {
            throw new ArgumentException("LocalUfrag must be 4-256 ice-chars (RFC 8445 §5.3).", nameof(LocalUfrag));
        }

        if (LocalPassword is not null && !IceCredentials.IsValid(LocalPassword, 22))
        {
            throw new ArgumentException("LocalPassword must be 22-256 ice-chars (RFC 8445 §5.3).", nameof(LocalPassword));
        }

        if (Ta <= TimeSpan.Zero || InitialRto <= TimeSpan.Zero || MaxRto < InitialRto || MaxTransmissions < 1
            || AssumeEndOfCandidatesAfter <= TimeSpan.Zero || ConsentInterval <= TimeSpan.Zero || DisconnectedTimeout <= TimeSpan.Zero || ConsentTimeout < DisconnectedTimeout)
        {
            throw new ArgumentException("ICE timers must be positive, MaxRto >= InitialRto and ConsentTimeout >= DisconnectedTimeout.");
        }

        foreach (string url in StunServers)
        {
            if (!IceServerUrl.TryParse(url, out _, out _))
            {
                throw new ArgumentException($"Not a stun: URL: '{url}'.", nameof(StunServers));
            }
        }
    }
}
