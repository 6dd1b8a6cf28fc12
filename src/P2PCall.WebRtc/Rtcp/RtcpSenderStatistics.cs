namespace P2PCall.WebRtc.Rtcp;

/// <summary>
/// What one local RTP sender has sent, for the sender information of an SR (RFC 3550 §6.4.1). Not
/// thread-safe; one owner (the connection's send path) calls it.
/// </summary>
internal sealed class RtcpSenderStatistics
{
    private readonly TimeProvider _timeProvider;
    private uint _lastRtpTimestamp;

    /// <summary>Creates the statistics.</summary>
    /// <param name="ssrc">The local SSRC.</param>
    /// <param name="clockRate">The RTP clock rate in Hz.</param>
    /// <param name="timeProvider">The clock for send times and the SR NTP timestamp.</param>
    public RtcpSenderStatistics(uint ssrc, int clockRate, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clockRate);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Ssrc = ssrc;
        ClockRate = clockRate;
        _timeProvider = timeProvider;
    }

    /// <summary>The local SSRC.</summary>
    public uint Ssrc { get; }

    /// <summary>The RTP clock rate in Hz.</summary>
    public int ClockRate { get; }

    /// <summary>RTP data packets sent (wraps at 2^32; RFC 3550 §6.4.1 sender's packet count).</summary>
    public uint PacketCount { get; private set; }

    /// <summary>Payload octets sent, headers and padding excluded (wraps at 2^32; RFC 3550 §6.4.1 sender's octet count).</summary>
    public uint OctetCount { get; private set; }

    /// <summary>Whether any packet has been sent.</summary>
    public bool HasSent { get; private set; }

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> value of the last send.</summary>
    public long LastSentTimestamp { get; private set; }

    /// <summary>Records one sent RTP packet.</summary>
    /// <param name="rtpTimestamp">The packet's RTP timestamp.</param>
    /// <param name="payloadLength">Its payload length in bytes.</param>
    public void OnPacketSent(uint rtpTimestamp, int payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        PacketCount = unchecked(PacketCount + 1);
        OctetCount = unchecked(OctetCount + (uint)payloadLength);
        _lastRtpTimestamp = rtpTimestamp;
        LastSentTimestamp = _timeProvider.GetTimestamp();
        HasSent = true;
    }

    /// <summary>
    /// The sender information for an SR sent now: the NTP time and the RTP timestamp of the same instant,
    /// extrapolated from the last packet at the clock rate (RFC 3550 §6.4.1).
    /// </summary>
    /// <returns>The sender information.</returns>
    public RtcpSenderInfo CreateSenderInfo()
    {
        NtpTimestamp ntp = NtpTimestamp.Now(_timeProvider);
        uint rtp = _lastRtpTimestamp;
        if (HasSent)
        {
            TimeSpan since = _timeProvider.GetElapsedTime(LastSentTimestamp);
            rtp = unchecked(rtp + (uint)(long)(since.TotalSeconds * ClockRate));
        }

        return new RtcpSenderInfo(ntp.Value, rtp, PacketCount, OctetCount);
    }
}
