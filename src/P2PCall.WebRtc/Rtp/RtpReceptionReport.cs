namespace P2PCall.WebRtc.Rtp;

/// <summary>
/// The reception figures RFC 3550 §6.4.1 puts in one report block, as computed by
/// <see cref="RtpReceiverStatistics.CreateReport"/>. The RTCP layer turns it into wire bytes.
/// </summary>
/// <param name="Ssrc">The source the figures are about (SSRC_n).</param>
/// <param name="FractionLost">Packets lost since the previous report, as a fixed-point fraction ×256.</param>
/// <param name="CumulativeLost">Expected minus received since the start, clamped to 24 signed bits (may be negative with duplicates).</param>
/// <param name="ExtendedHighestSequenceNumber">Cycles in the high 16 bits, the highest sequence number in the low 16 bits.</param>
/// <param name="Jitter">The interarrival jitter estimate in RTP timestamp units.</param>
/// <param name="LastSenderReport">The middle 32 bits of the NTP timestamp of the last SR from the source, or 0 if none.</param>
/// <param name="DelaySinceLastSenderReport">The delay since that SR arrived, in units of 1/65536 s, or 0 if none.</param>
internal readonly record struct RtpReceptionReport(
    uint Ssrc,
    byte FractionLost,
    int CumulativeLost,
    uint ExtendedHighestSequenceNumber,
    uint Jitter,
    uint LastSenderReport,
    uint DelaySinceLastSenderReport);

/// <summary>What <see cref="RtpReceiverStatistics"/> decided about a packet (RFC 3550 Appendix A.1 <c>update_seq</c>).</summary>
internal enum RtpReceiveOutcome
{
    /// <summary>The packet is valid and counted (in order, reordered or duplicate).</summary>
    Accepted,

    /// <summary>The source is still on probation; the packet is not counted yet (RFC 3550 §6.2.1, A.1).</summary>
    InProbation,

    /// <summary>A large jump in sequence numbers; not counted unless the next packet confirms the new sequence (A.1).</summary>
    BadSequence,

    /// <summary>The packet confirmed a large jump: the statistics restarted at it (the sender restarted, A.1).</summary>
    Restarted,
}
