namespace P2PCall.WebRtc.Rtcp;

/// <summary>
/// The RTCP report interval (RFC 3550 §6.2, §6.3.1, Appendix A.7) with a configurable minimum.
/// </summary>
/// <remarks>
/// RFC 3550 §6.2 recommends a 5 s minimum but lets an implementation use a smaller one; RFC 4585 §3.4
/// (AVPF, which WebRTC uses) lets the minimum go further. WebRTC endpoints report about once a second
/// (libwebrtc: 1 s video, up to 5 s audio). We use <see cref="DefaultMinimumInterval"/> = 1 s, the first
/// report after half of it (RFC 3550 §6.2 "initial"), and randomise each interval uniformly over
/// [0.5, 1.5] × the deterministic value (RFC 3550 §6.3.1) so that peers do not synchronise. We do not
/// divide by the e − 3/2 compensation factor: it only offsets timer reconsideration, which a two-party
/// session does not need and which we do not implement.
/// </remarks>
internal static class RtcpInterval
{
    /// <summary>The minimum report interval this stack uses by default.</summary>
    public static readonly TimeSpan DefaultMinimumInterval = TimeSpan.FromSeconds(1);

    /// <summary>The share of the RTCP bandwidth reserved for senders (RFC 3550 §6.2).</summary>
    public const double SenderBandwidthFraction = 0.25;

    /// <summary>
    /// The deterministic interval Td (RFC 3550 §6.3.1, A.7 before randomisation).
    /// </summary>
    /// <param name="members">Session members including us (at least 1).</param>
    /// <param name="senders">Members that sent RTP recently, including us if we did.</param>
    /// <param name="rtcpBandwidth">The RTCP bandwidth in octets per second (RFC 3550 §6.2: 5 % of the session bandwidth).</param>
    /// <param name="weSent">Whether we sent RTP during the last two intervals.</param>
    /// <param name="averageRtcpSize">The average compound RTCP size in octets, lower-layer headers included (§6.3.3).</param>
    /// <param name="initial">Whether no report has been sent yet (halves the minimum, §6.2).</param>
    /// <param name="minimumInterval">The minimum interval.</param>
    /// <returns>Td.</returns>
    public static TimeSpan ComputeDeterministic(int members, int senders, double rtcpBandwidth, bool weSent, double averageRtcpSize, bool initial, TimeSpan minimumInterval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(members, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(senders);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rtcpBandwidth);
        double minimum = minimumInterval.TotalSeconds;
        if (initial)
        {
            minimum /= 2;
        }

        // RFC 3550 §6.3.1: when senders are at most a quarter of the members, they share 25 % of the
        // bandwidth and the receivers the rest; otherwise everyone shares all of it.
        double n = members;
        double bandwidth = rtcpBandwidth;
        if (senders <= members * SenderBandwidthFraction)
        {
            if (weSent)
            {
                bandwidth *= SenderBandwidthFraction;
                n = senders;
            }
            else
            {
                bandwidth *= 1 - SenderBandwidthFraction;
                n -= senders;
            }
        }

        double seconds = Math.Max(minimum, averageRtcpSize * n / bandwidth);
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Randomises Td to [0.5, 1.5] × Td (RFC 3550 §6.3.1).</summary>
    /// <param name="deterministic">Td.</param>
    /// <param name="random">The random source (seeded in tests).</param>
    /// <returns>The interval to wait.</returns>
    public static TimeSpan Randomize(TimeSpan deterministic, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return deterministic * (random.NextDouble() + 0.5);
    }
}
