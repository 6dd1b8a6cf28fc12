namespace P2PCall.WebRtc.Rtp;

/// <summary>
/// Reception statistics for one remote SSRC (RFC 3550 §6.4.1, Appendix A.1, A.3, A.8): sequence validation
/// with probation, extended highest sequence, loss, fraction lost per report interval and interarrival
/// jitter. Sans-I/O: feed packet headers with their arrival time, take report figures out. Not thread-safe;
/// one owner (the connection's receive pump) calls it.
/// </summary>
internal sealed class RtpReceiverStatistics
{
    /// <summary>Packets in sequence needed before a new source is valid (MIN_SEQUENTIAL, RFC 3550 A.1).</summary>
    public const int DefaultMinSequential = 2;

    /// <summary>The largest forward jump taken as ordinary loss (MAX_DROPOUT, RFC 3550 A.1).</summary>
    public const int MaxDropout = 3000;

    /// <summary>The largest backward step taken as reordering (MAX_MISORDER, RFC 3550 A.1).</summary>
    public const int MaxMisorder = 100;

    private const int CumulativeLostMax = 0x7FFFFF;
    private const int CumulativeLostMin = -0x800000;

    private readonly TimeProvider _timeProvider;
    private readonly long _origin;
    private int _probation;
    private ushort _maxSeq;
    private uint _baseSeq;
    private uint _badSeq;
    private uint _cycles;
    private long _received;
    private long _expectedPrior;
    private long _receivedPrior;
    private bool _receivedSinceReport;
    private bool _haveTransit;
    private int _transit;
    private uint _lastTimestamp;
    private uint _jitterQ4;
    private uint _lastSrNtpMiddle;
    private long _lastSrArrival;

    /// <summary>Creates the statistics for a source that has not sent yet.</summary>
    /// <param name="ssrc">The remote SSRC.</param>
    /// <param name="clockRate">The RTP clock rate of the stream in Hz (for arrival times from <paramref name="timeProvider"/>).</param>
    /// <param name="timeProvider">The clock for arrival times and the SR delay (DLSR).</param>
    /// <param name="minSequential">Sequential packets required before the source counts (RFC 3550 A.1; 0 accepts the first packet).</param>
    public RtpReceiverStatistics(uint ssrc, int clockRate, TimeProvider timeProvider, int minSequential = DefaultMinSequential)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clockRate);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfNegative(minSequential);
        Ssrc = ssrc;
        ClockRate = clockRate;
        _timeProvider = timeProvider;
        _origin = timeProvider.GetTimestamp();
        _probation = minSequential;
        MinSequential = minSequential;
    }

    /// <summary>The remote SSRC.</summary>
    public uint Ssrc { get; }

    /// <summary>The RTP clock rate in Hz.</summary>
    public int ClockRate { get; }

    /// <summary>Sequential packets required before the source counts.</summary>
    public int MinSequential { get; }

    /// <summary>Whether the source has passed probation and its packets are counted.</summary>
    public bool IsValid => HasStarted && _probation == 0;

    /// <summary>Whether any packet has been seen.</summary>
    public bool HasStarted { get; private set; }

    /// <summary>Valid packets received, duplicates included (RFC 3550 A.3 <c>received</c>).</summary>
    public long PacketsReceived => _received;

    /// <summary>Sequence number cycles counted so far (each is one wrap of the 16-bit space).</summary>
    public uint Cycles => _cycles >> 16;

    /// <summary>The extended highest sequence number: cycles in the high 16 bits (RFC 3550 §6.4.1).</summary>
    public uint ExtendedHighestSequenceNumber => _cycles + _maxSeq;

    /// <summary>Packets expected: extended highest minus the base plus one (RFC 3550 A.3).</summary>
    public long PacketsExpected => IsValid ? (long)ExtendedHighestSequenceNumber - _baseSeq + 1 : 0;

    /// <summary>Expected minus received (may be negative with duplicates; RFC 3550 A.3), not yet clamped.</summary>
    public long PacketsLost => PacketsExpected - _received;

    /// <summary>The interarrival jitter estimate in RTP timestamp units (RFC 3550 A.8).</summary>
    public uint Jitter => _jitterQ4 >> 4;

    /// <summary>Whether packets arrived since the last <see cref="CreateReport"/> (RFC 3550 §6.4: report only on sources heard from).</summary>
    public bool HasReceivedSinceLastReport => _receivedSinceReport;

    /// <summary>Records a parsed packet, taking the arrival time from the <see cref="TimeProvider"/>.</summary>
    /// <param name="packet">The packet (only its sequence number and timestamp are read).</param>
    /// <returns>How the packet was counted.</returns>
    public RtpReceiveOutcome OnPacketReceived(RtpPacket packet) => OnPacketReceived(packet.SequenceNumber, packet.Timestamp);

    /// <summary>Records a parsed packet with an arrival time the caller measured in RTP clock units.</summary>
    /// <param name="packet">The packet (only its sequence number and timestamp are read).</param>
    /// <param name="arrivalRtpUnits">The arrival time in units of the stream's clock.</param>
    /// <returns>How the packet was counted.</returns>
    public RtpReceiveOutcome OnPacketReceived(RtpPacket packet, uint arrivalRtpUnits) =>
        OnPacketReceived(packet.SequenceNumber, packet.Timestamp, arrivalRtpUnits);

    /// <summary>Records a packet, taking the arrival time from the <see cref="TimeProvider"/>.</summary>
    /// <param name="sequenceNumber">The packet's sequence number.</param>
    /// <param name="rtpTimestamp">The packet's RTP timestamp.</param>
    /// <returns>How the packet was counted.</returns>
    public RtpReceiveOutcome OnPacketReceived(ushort sequenceNumber, uint rtpTimestamp)
    {
        long elapsed = _timeProvider.GetTimestamp() - _origin;
        uint arrival = unchecked((uint)(ulong)(elapsed * (Int128)ClockRate / _timeProvider.TimestampFrequency));
        return OnPacketReceived(sequenceNumber, rtpTimestamp, arrival);
    }

    /// <summary>Records a packet with an arrival time the caller measured in RTP clock units.</summary>
    /// <param name="sequenceNumber">The packet's sequence number.</param>
    /// <param name="rtpTimestamp">The packet's RTP timestamp.</param>
    /// <param name="arrivalRtpUnits">The arrival time in units of the stream's clock (any origin; wraps modulo 2^32).</param>
    /// <returns>How the packet was counted.</returns>
    public RtpReceiveOutcome OnPacketReceived(ushort sequenceNumber, uint rtpTimestamp, uint arrivalRtpUnits)
    {
        if (!HasStarted)
        {
            // RFC 3550 A.1: a new source starts with init_seq, max_seq = seq - 1 and probation = MIN_SEQUENTIAL.
            HasStarted = true;
            InitSequence(sequenceNumber);
            if (_probation > 0)
            {
                _maxSeq = unchecked((ushort)(sequenceNumber - 1));
            }
            else
            {
                Count(rtpTimestamp, arrivalRtpUnits, inOrder: true);
                return RtpReceiveOutcome.Accepted;
            }
        }

        ushort delta = unchecked((ushort)(sequenceNumber - _maxSeq));
        if (_probation > 0)
        {
            // RFC 3550 A.1: the source is valid after MIN_SEQUENTIAL packets in sequence.
            if (sequenceNumber == unchecked((ushort)(_maxSeq + 1)))
            {
                _probation--;
                _maxSeq = sequenceNumber;
                if (_probation == 0)
                {
                    InitSequence(sequenceNumber);
                    Count(rtpTimestamp, arrivalRtpUnits, inOrder: true);
                    return RtpReceiveOutcome.Accepted;
                }
            }
            else
            {
                _probation = MinSequential - 1;
                _maxSeq = sequenceNumber;
            }

            return RtpReceiveOutcome.InProbation;
        }

        if (delta < MaxDropout)
        {
            // RFC 3550 A.1: in order, with a permissible gap; a numerically smaller value means a wrap.
            if (sequenceNumber < _maxSeq)
            {
                _cycles += RtpSequenceNumber.Modulus;
            }

            _maxSeq = sequenceNumber;
            Count(rtpTimestamp, arrivalRtpUnits, inOrder: delta != 0);
            return RtpReceiveOutcome.Accepted;
        }

        if (delta <= RtpSequenceNumber.Modulus - MaxMisorder)
        {
            // RFC 3550 A.1: a very large jump; restart only if the next packet follows it.
            if (sequenceNumber != _badSeq)
            {
                _badSeq = (uint)((sequenceNumber + 1) & (RtpSequenceNumber.Modulus - 1));
                return RtpReceiveOutcome.BadSequence;
            }

            InitSequence(sequenceNumber);
            _haveTransit = false;
            Count(rtpTimestamp, arrivalRtpUnits, inOrder: true);
            return RtpReceiveOutcome.Restarted;
        }

        // RFC 3550 A.1: duplicate or reordered packet; counted, jitter left alone.
        Count(rtpTimestamp, arrivalRtpUnits, inOrder: false);
        return RtpReceiveOutcome.Accepted;
    }

    /// <summary>Records that a sender report from this source arrived now (for LSR/DLSR, RFC 3550 §6.4.1).</summary>
    /// <param name="ntpTimestamp">The SR's 64-bit NTP timestamp.</param>
    public void OnSenderReportReceived(ulong ntpTimestamp)
    {
        // RFC 3550 §6.4.1: LSR is the middle 32 bits of the NTP timestamp.
        _lastSrNtpMiddle = (uint)(ntpTimestamp >> 16);
        _lastSrArrival = _timeProvider.GetTimestamp();
    }

    /// <summary>
    /// Computes the figures for a report block and starts a new report interval (fraction lost is measured
    /// between calls; RFC 3550 A.3).
    /// </summary>
    /// <returns>The reception report for this source.</returns>
    public RtpReceptionReport CreateReport()
    {
        long expected = PacketsExpected;
        long lost = Math.Clamp(expected - _received, CumulativeLostMin, CumulativeLostMax);

        // RFC 3550 A.3: fraction = (lost_interval << 8) / expected_interval, 0 when nothing was lost.
        long expectedInterval = expected - _expectedPrior;
        long receivedInterval = _received - _receivedPrior;
        long lostInterval = expectedInterval - receivedInterval;
        byte fraction = expectedInterval == 0 || lostInterval <= 0 ? (byte)0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);
        _expectedPrior = expected;
        _receivedPrior = _received;
        _receivedSinceReport = false;

        uint dlsr = 0;
        if (_lastSrNtpMiddle != 0)
        {
            // RFC 3550 §6.4.1: DLSR in units of 1/65536 seconds.
            long elapsed = _timeProvider.GetTimestamp() - _lastSrArrival;
            UInt128 units = (ulong)Math.Max(0, elapsed) * (UInt128)65536 / (ulong)_timeProvider.TimestampFrequency;
            dlsr = units > uint.MaxValue ? uint.MaxValue : (uint)units;
        }

        return new RtpReceptionReport(Ssrc, fraction, (int)lost, ExtendedHighestSequenceNumber, Jitter, _lastSrNtpMiddle, dlsr);
    }

    private void InitSequence(ushort sequenceNumber)
    {
        // RFC 3550 A.1 init_seq.
        _baseSeq = sequenceNumber;
        _maxSeq = sequenceNumber;
        _badSeq = RtpSequenceNumber.Modulus + 1;
        _cycles = 0;
        _received = 0;
        _receivedPrior = 0;
        _expectedPrior = 0;
    }

    private void Count(uint rtpTimestamp, uint arrival, bool inOrder)
    {
        _received++;
        _receivedSinceReport = true;
        if (!inOrder)
        {
            return;
        }

        // RFC 3550 A.8: transit = arrival - timestamp; D = |transit - previous transit|; J += (D - J) / 16,
        // kept ×16 in an integer. Packets that share the previous packet's timestamp (one video frame split
        // over several packets) are skipped, as libwebrtc does, so packetisation bursts do not count as jitter.
        int transit = unchecked((int)(arrival - rtpTimestamp));
        if (_haveTransit && rtpTimestamp == _lastTimestamp)
        {
            return;
        }

        if (_haveTransit)
        {
            int d = unchecked(transit - _transit);
            uint absD = d < 0 ? (uint)-(long)d : (uint)d;
            _jitterQ4 = unchecked(_jitterQ4 + absD - ((_jitterQ4 + 8) >> 4));
        }

        _transit = transit;
        _lastTimestamp = rtpTimestamp;
        _haveTransit = true;
    }
}
