using System.Buffers.Binary;

namespace P2PCall.WebRtc.Sctp;

/// <summary>
/// SACK processing (RFC 9260 §6.2.1), RTO estimation (§6.3.1), T3-rtx (§6.3.3), congestion control with slow
/// start, congestion avoidance, fast retransmit and fast recovery (§7.2).
/// </summary>
internal sealed partial class SctpAssociation
{
    private uint _lastCumulativeAck;
    private int _cwnd = Math.Min(4 * BasePathMtu, Math.Max(2 * BasePathMtu, 4380)); // §7.2.1
    private int _ssthresh = int.MaxValue;
    private int _partialBytesAcked;
    private bool _fastRecovery;
    private uint _fastRecoveryExit;
    private long _t3Deadline = long.MaxValue;
    private TimeSpan _rto;
    private TimeSpan? _srtt;
    private TimeSpan _rttvar;

    /// <summary>The congestion window in bytes (never below one MTU).</summary>
    public int CongestionWindow
    {
        get
        {
            lock (_gate)
            {
                return _cwnd;
            }
        }
    }

    /// <summary>The smoothed round-trip time, once measured (§6.3.1).</summary>
    public TimeSpan? SmoothedRoundTripTime
    {
        get
        {
            lock (_gate)
            {
                return _srtt;
            }
        }
    }

    /// <summary>Whether any sent chunk is still waiting for its cumulative acknowledgement, or data is queued.</summary>
    public bool HasOutstandingData
    {
        get
        {
            lock (_gate)
            {
                return _outstanding.Count > 0 || _queue.Count > 0;
            }
        }
    }

    /// <summary>A one-line picture of the send side, for test failures and logs.</summary>
    internal string DescribeSendState()
    {
        lock (_gate)
        {
            var first = _outstanding.Count > 0 ? _outstanding[0] : null;
            return $"state {_state}, queued {_queue.Count}, outstanding {_outstanding.Count} (first tsn {first?.Tsn} acked {first?.Acked} abandoned {first?.Abandoned} inflight {first?.InFlight} rtx {first?.NeedsRetransmit} sent {first?.Transmissions}), " +
                $"last cum ack {_lastCumulativeAck}, ack point {_advancedPeerAckPoint}, next tsn {_nextTsn}, flight {_flight}, cwnd {_cwnd}, rwnd {_peerWindow}, rtx pending {_retransmitsPending}, t3 {(_t3Deadline == long.MaxValue ? "off" : "on")}";
        }
    }

    private void OnSack(ReadOnlySpan<byte> value)
    {
        if (value.Length < 12)
        {
            Counters.PacketsDropped++;
            return;
        }

        var cumulative = BinaryPrimitives.ReadUInt32BigEndian(value);
        var window = BinaryPrimitives.ReadUInt32BigEndian(value[4..]);
        int gaps = BinaryPrimitives.ReadUInt16BigEndian(value[8..]);
        int duplicates = BinaryPrimitives.ReadUInt16BigEndian(value[10..]);
        if (value.Length < 12 + (4 * (gaps + duplicates)))
        {
            Counters.PacketsDropped++;
            return;
        }

        // §6.2.1 D i: a SACK older than the last one (by cumulative TSN) is ignored; one acking beyond what we sent too.
        Counters.SacksReceived++;
        if (After(_lastCumulativeAck, cumulative) || !After(_nextTsn, cumulative))
        {
            Counters.SacksIgnored++;
            return;
        }

        var blocks = value.Slice(12, 4 * gaps);
        var now = _time.GetTimestamp();
        var cumulativeAdvanced = After(cumulative, _lastCumulativeAck);
        var acked = 0;
        var highestNewlyAcked = cumulative;
        var removed = 0;
        var highestMentioned = gaps == 0 ? cumulative : cumulative + BinaryPrimitives.ReadUInt16BigEndian(blocks[^2..]);
        for (var i = 0; i < _outstanding.Count; i++)
        {
            var chunk = _outstanding[i];
            if (After(chunk.Tsn, highestMentioned))
            {
                break;
            }

            var byCumulative = !After(chunk.Tsn, cumulative);
            if (byCumulative)
            {
                removed = i + 1;
            }

            if (chunk.Acked || !(byCumulative || InGapBlock(blocks, cumulative, chunk.Tsn)))
            {
                continue;
            }

            chunk.Acked = true;
            if (chunk.Transmissions == 1 && !chunk.Abandoned)
            {
                UpdateRto(_time.GetElapsedTime(chunk.SentAt, now)); // Karn: only first transmissions are timed (§6.3.1 C5)
            }

            Settle(chunk);
            acked += chunk.Length;
            if (After(chunk.Tsn, highestNewlyAcked))
            {
                highestNewlyAcked = chunk.Tsn;
            }
        }

        _outstanding.RemoveRange(0, removed);
        _lastCumulativeAck = cumulative;
        if (After(cumulative, _advancedPeerAckPoint))
        {
            _advancedPeerAckPoint = cumulative;
        }

        _peerWindow = (uint)Math.Max(0, (long)window - _flight); // §6.2.1: rwnd = a_rwnd - bytes in flight
        if (acked > 0)
        {
            _errorCount = 0; // §8.1: an acknowledgement clears the error count
            _consecutiveTimeouts = 0; // data got through: no black hole (RFC 8899 §4.3)
        }

        if (_fastRecovery && !After(_fastRecoveryExit, cumulative))
        {
            _fastRecovery = false; // §7.2.4: fast recovery ends once the exit point is acknowledged
        }

        if (cumulativeAdvanced)
        {
            GrowWindow(acked);
        }

        CountMissIndications(highestNewlyAcked);
        if (!HasUnackedData())
        {
            _t3Deadline = long.MaxValue; // §6.3.2 R2
        }
        else if (cumulativeAdvanced)
        {
            RestartT3(); // §6.3.2 R3
        }

        AdvancePeerAckPoint(cumulative);
    }

    private static bool InGapBlock(ReadOnlySpan<byte> blocks, uint cumulative, uint tsn)
    {
        for (var g = 0; g < blocks.Length; g += 4)
        {
            var start = cumulative + BinaryPrimitives.ReadUInt16BigEndian(blocks[g..]);
            var end = cumulative + BinaryPrimitives.ReadUInt16BigEndian(blocks[(g + 2)..]);
            if (!After(start, tsn) && !After(tsn, end))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A chunk left the network (acked or abandoned): out of flight, its bytes released to the sender.</summary>
    private void Settle(OutgoingChunk chunk)
    {
        if (chunk.InFlight)
        {
            _flight -= chunk.Length;
            chunk.InFlight = false;
        }

        if (chunk.NeedsRetransmit)
        {
            chunk.NeedsRetransmit = false;
            _retransmitsPending--;
        }

        if (!chunk.Abandoned)
        {
            ReleaseBytes(chunk.Message, chunk.Length);
        }
    }

    private bool HasUnackedData()
    {
        foreach (var chunk in _outstanding)
        {
            if (!chunk.Acked)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>§7.2.1 slow start and §7.2.2 congestion avoidance; no growth during fast recovery.</summary>
    private void GrowWindow(int acked)
    {
        if (acked == 0 || _fastRecovery)
        {
            return;
        }

        if (_cwnd <= _ssthresh)
        {
            _cwnd += Math.Min(acked, _pathMtu);
            return;
        }

        _partialBytesAcked += acked;
        if (_partialBytesAcked >= _cwnd)
        {
            _partialBytesAcked -= _cwnd;
            _cwnd += _pathMtu;
        }
    }

    /// <summary>
    /// §7.2.4: a chunk below the highest newly acknowledged TSN that is still missing gets a miss indication;
    /// the third one marks it for fast retransmission (once per chunk) and, outside fast recovery, halves cwnd.
    /// </summary>
    private void CountMissIndications(uint highestNewlyAcked)
    {
        var marked = false;
        foreach (var chunk in _outstanding)
        {
            if (!After(highestNewlyAcked, chunk.Tsn))
            {
                break;
            }

            if (chunk.Acked || chunk.Abandoned || !chunk.InFlight || chunk.FastRetransmitted || ++chunk.Misses < 3)
            {
                continue;
            }

            chunk.FastRetransmitted = true;
            chunk.InFlight = false;
            _flight -= chunk.Length;
            if (ShouldAbandon(chunk))
            {
                Abandon(chunk.Message);
                continue;
            }

            MarkForRetransmit(chunk);
            Counters.FastRetransmits++;
            marked = true;
        }

        if (marked)
        {
            _fastRetransmitBudget = _pathMtu - SctpPacket.CommonHeaderLength;
        }

        if (marked && !_fastRecovery)
        {
            _ssthresh = Math.Max(_cwnd / 2, 4 * _pathMtu);
            _cwnd = _ssthresh;
            _partialBytesAcked = 0;
            _fastRecovery = true;
            _fastRecoveryExit = _nextTsn - 1;
        }
    }

    /// <summary>§6.3.3: T3-rtx expired: back off, collapse cwnd to one MTU, mark everything unacknowledged for resending.</summary>
    private void OnRetransmissionTimer(long now)
    {
        if (now < _t3Deadline)
        {
            return;
        }

        _t3Deadline = long.MaxValue;
        if (!HasUnackedData())
        {
            return;
        }

        Counters.RetransmissionTimeouts++;
        CountError();
        if (!IsUp)
        {
            return;
        }

        OnRetransmissionTimeoutForPathMtu();
        _ssthresh = Math.Max(_cwnd / 2, 4 * _pathMtu); // E1
        _cwnd = _pathMtu;
        _partialBytesAcked = 0;
        _fastRecovery = false;
        _rto = Min(_rto * 2, _options.RtoMax); // E2
        foreach (var chunk in _outstanding)
        {
            if (chunk.Acked || chunk.Abandoned)
            {
                continue;
            }

            chunk.InFlight = false;
            chunk.FastRetransmitted = false;
            chunk.Misses = 0;
            if (chunk.Transmissions > 0 && ShouldAbandon(chunk))
            {
                Abandon(chunk.Message);
            }
            else
            {
                MarkForRetransmit(chunk);
            }
        }

        _flight = 0;
        RestartT3();
        AdvancePeerAckPoint(_lastCumulativeAck);
    }

    /// <summary>§6.3.1 RTO = SRTT + 4·RTTVAR, bounded by RTO.Min and RTO.Max.</summary>
    private void UpdateRto(TimeSpan rtt)
    {
        if (_srtt is not { } srtt)
        {
            _srtt = rtt;
            _rttvar = rtt / 2;
        }
        else
        {
            _rttvar = (_rttvar * 3 / 4) + (Abs(srtt - rtt) / 4);
            _srtt = (srtt * 7 / 8) + (rtt / 8);
        }

        var rto = _srtt.Value + (4 * _rttvar);
        _rto = rto < _options.RtoMin ? _options.RtoMin : Min(rto, _options.RtoMax);
    }

    private static TimeSpan Abs(TimeSpan t) => t < TimeSpan.Zero ? -t : t;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private void RestartT3() => _t3Deadline = Deadline(_rto);
}
