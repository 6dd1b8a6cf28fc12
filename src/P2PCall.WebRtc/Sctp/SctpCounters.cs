namespace P2PCall.WebRtc.Sctp;

/// <summary>What an association did and dropped; written under the association's lock, read for stats and tests.</summary>
internal sealed class SctpCounters
{
    public long PacketsSent { get; set; }

    /// <summary>Packets the transport below refused (closed or failed).</summary>
    public long SendErrors { get; set; }

    /// <summary>Packets dropped: bad checksum, wrong verification tag, malformed chunks or parameters.</summary>
    public long PacketsDropped { get; set; }

    public long UnknownChunks { get; set; }

    /// <summary>Exceptions thrown by event subscribers (caught so the timer or receive thread survives).</summary>
    public long HandlerErrors { get; set; }

    public long ErrorsReceived { get; set; }

    public long SacksReceived { get; set; }

    /// <summary>SACKs ignored as out of date or acknowledging what was never sent (RFC 9260 §6.2.1 D).</summary>
    public long SacksIgnored { get; set; }

    public long DataChunksSent { get; set; }

    public long DataChunksRetransmitted { get; set; }

    public long FastRetransmits { get; set; }

    public long RetransmissionTimeouts { get; set; }

    /// <summary>DATA chunks received that were already received (reported as duplicates in the SACK).</summary>
    public long DuplicateDataChunks { get; set; }

    /// <summary>DATA refused for lack of receive window or tracking range; the sender retransmits it.</summary>
    public long DataChunksRefused { get; set; }

    /// <summary>Messages given up under a partial-reliability policy (RFC 3758).</summary>
    public long MessagesAbandoned { get; set; }

    public long ForwardTsnSent { get; set; }

    public long ForwardTsnReceived { get; set; }

    public long HeartbeatsSent { get; set; }

    /// <summary>Path MTU probes sent (RFC 8899).</summary>
    public long PathMtuProbesSent { get; set; }

    /// <summary>Path MTU probes that went unanswered.</summary>
    public long PathMtuProbesLost { get; set; }

    /// <summary>Falls back to the base path MTU after consecutive timeouts (RFC 8899 §4.3).</summary>
    public long PathMtuBlackHoles { get; set; }

    public long HeartbeatAcksReceived { get; set; }

    public long StreamResetsSent { get; set; }

    public long StreamResetsReceived { get; set; }
}
