namespace P2PCall.WebRtc.Sctp;

/// <summary>Protocol parameters of an association (RFC 9260 §16 defaults unless noted).</summary>
internal sealed record SctpAssociationOptions
{
    /// <summary>RTO.Initial (§16: 1 s).</summary>
    public TimeSpan RtoInitial { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>RTO.Min. §16 says 1 s; WebRTC stacks use far less on real-time paths (Chromium's dcsctp: 200 ms).</summary>
    public TimeSpan RtoMin { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>RTO.Max (§16: 60 s).</summary>
    public TimeSpan RtoMax { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>HB.interval (§16: 30 s): an idle association sends a HEARTBEAT this often (§8.3).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Association.Max.Retrans (§16: 10): consecutive unanswered retransmissions before the association is given up (§8.1).</summary>
    public int MaxRetransmissions { get; init; } = 10;

    /// <summary>Max.Init.Retransmits (§16: 8).</summary>
    public int MaxInitRetransmissions { get; init; } = 8;

    /// <summary>
    /// The delayed-acknowledgement timeout (§6.2: SHOULD be at most 200 ms and MUST be under 500 ms). Every
    /// second packet with DATA, and any packet that opens a gap or repeats data, is acknowledged at once.
    /// </summary>
    public TimeSpan DelayedAckTimeout { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The largest SCTP packet: one DTLS record's plaintext, 2^14 bytes (RFC 6347 §4.1, RFC 5246 §6.2.1).</summary>
    public const int LargestPathMtu = 16384;

    /// <summary>Probe for a path MTU above 1200 bytes (RFC 8899 §6.2). Default true.</summary>
    public bool PathMtuDiscovery { get; init; } = true;

    /// <summary>The largest packet size probed, at most <see cref="LargestPathMtu"/>. Default 16,384.</summary>
    public int MaxPathMtu { get; init; } = LargestPathMtu;

    /// <summary>RFC 8899 §5.1.1 PMTU_RAISE_TIMER: how long after a completed search to probe upward again (600 s).</summary>
    public TimeSpan PathMtuRaiseInterval { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary>The receive window advertised in INIT and SACK (a_rwnd, §6.2), in bytes.</summary>
    public uint ReceiveWindow { get; init; } = 4 * 1024 * 1024;
}
