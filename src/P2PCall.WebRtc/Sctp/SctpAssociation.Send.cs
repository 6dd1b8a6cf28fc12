using System.Buffers.Binary;

namespace P2PCall.WebRtc.Sctp;

/// <summary>The sending half: fragmentation, congestion control (RFC 9260 §7.2), SACK processing, retransmission (§6.3).</summary>
internal sealed partial class SctpAssociation
{
    private readonly Queue<Outgoing> _pending = new();
    private readonly List<Outgoing> _outstanding = [];
    private readonly Queue<Outgoing> _retransmit = new();
    private readonly Dictionary<ushort, ushort> _nextSsn = [];
    private uint _nextTsn;
    private uint _peerWindow;
    private int _flight;
    private int _cwnd = Math.Min(4 * Mtu, Math.Max(2 * Mtu, 4380)); // RFC 9260 §7.2.1
    private int _ssthresh = int.MaxValue;
    private int _partialBytesAcked;
    private long _t3Deadline = long.MaxValue;
    private TimeSpan _rto = TimeSpan.FromSeconds(1);
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

    /// <summary>Queues a message; it is fragmented into DATA chunks (RFC 9260 §6.9) and sent as the windows allow.</summary>
    /// <exception cref="ArgumentException">The message is larger than <see cref="MaxMessageSize"/>.</exception>
    public void Send(ushort stream, uint ppid, ReadOnlySpan<byte> data, bool ordered)
    {
        if (data.Length > MaxMessageSize)
        {
            throw new ArgumentException($"The message of {data.Length} bytes exceeds the maximum message size of {MaxMessageSize} (RFC 8841 §6).", nameof(data));
        }

        lock (_gate)
        {
            var ssn = ordered ? _nextSsn.GetValueOrDefault(stream) : (ushort)0;
            if (ordered)
            {
                _nextSsn[stream] = (ushort)(ssn + 1);
            }

            var count = Math.Max(1, (data.Length + MaxDataPerChunk - 1) / MaxDataPerChunk);
            for (var i = 0; i < count; i++)
            {
                var piece = data.Slice(i * MaxDataPerChunk, Math.Min(MaxDataPerChunk, data.Length - (i * MaxDataPerChunk)));
                var flags = (byte)((ordered ? 0 : 4) | (i == 0 ? 2 : 0) | (i == count - 1 ? 1 : 0));
                var value = new byte[12 + piece.Length];
                BinaryPrimitives.WriteUInt32BigEndian(value, _nextTsn);
                BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(4), stream);
                BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(6), ssn);
                BinaryPrimitives.WriteUInt32BigEndian(value.AsSpan(8), ppid);
                piece.CopyTo(value.AsSpan(12));
                _pending.Enqueue(new Outgoing(_nextTsn++, flags, value, stream));
            }

            if (_state == State.Established)
            {
                Pump();
            }
        }

        Deliver();
    }

    /// <summary>Sends what the congestion window and the peer's window allow (RFC 9260 §6.1).</summary>
    private void Pump()
    {
        if (_state != State.Established)
        {
            return;
        }

        while (true)
        {
            var next = _retransmit.Count > 0 ? _retransmit.Peek() : _pending.Count > 0 ? _pending.Peek() : null;
            if (next is null)
            {
                return;
            }

            var size = next.Value.Length;
            // §6.1 rule B: one chunk may always be in flight, even if the peer's window is closed.
            var window = Math.Min(_cwnd, (long)_peerWindow);
            if (_flight > 0 && _flight + size > window)
            {
                return;
            }

            if (_retransmit.Count > 0)
            {
                _retransmit.Dequeue();
            }
            else
            {
                _pending.Dequeue();
                _outstanding.Add(next);
            }

            next.Transmissions++;
            next.SentAt = _time.GetTimestamp();
            next.InFlight = true;
            _flight += size;
            _peerWindow = (uint)Math.Max(0, (long)_peerWindow - size);
            SendData(next);
            if (_t3Deadline == long.MaxValue)
            {
                RestartT3();
            }
        }
    }

    private void SendData(Outgoing chunk)
    {
        var packet = new byte[SctpPacket.CommonHeaderLength + SctpPacket.ChunkHeaderLength + chunk.Value.Length + 3];
        var end = SctpPacket.WriteChunk(packet, SctpPacket.CommonHeaderLength, SctpChunkType.Data, chunk.Flags, chunk.Value);
        SendPacket(packet.AsSpan(0, end), _peerTag);
    }

    private void OnSack(ReadOnlySpan<byte> value)
    {
        if (value.Length < 12)
        {
            PacketsDropped++;
            return;
        }

        var cumulative = BinaryPrimitives.ReadUInt32BigEndian(value);
        var window = BinaryPrimitives.ReadUInt32BigEndian(value[4..]);
        int gaps = BinaryPrimitives.ReadUInt16BigEndian(value[8..]);
        if (value.Length < 12 + (4 * gaps))
        {
            PacketsDropped++;
            return;
        }

        var now = _time.GetTimestamp();
        var acked = 0;
        var highestNewlyAcked = cumulative;
        for (var i = _outstanding.Count - 1; i >= 0; i--)
        {
            var chunk = _outstanding[i];
            var covered = !After(chunk.Tsn, cumulative);
            for (var g = 0; !covered && g < gaps; g++)
            {
                var start = cumulative + BinaryPrimitives.ReadUInt16BigEndian(value[(12 + (4 * g))..]);
                var end = cumulative + BinaryPrimitives.ReadUInt16BigEndian(value[(14 + (4 * g))..]);
                covered = !After(start, chunk.Tsn) && !After(chunk.Tsn, end);
            }

            if (!covered)
            {
                continue;
            }

            if (chunk.Transmissions == 1)
            {
                UpdateRto(_time.GetElapsedTime(chunk.SentAt, now)); // Karn: only first transmissions are timed (§6.3.1)
            }

            if (chunk.InFlight)
            {
                _flight -= chunk.Value.Length;
            }

            acked += chunk.Value.Length;
            var stream = chunk.Stream;
            var bytes = chunk.Value.Length - 12;
            _deliveries.Add(() => BytesAcknowledged?.Invoke(stream, bytes));
            _outstanding.RemoveAt(i);
            if (After(chunk.Tsn, highestNewlyAcked))
            {
                highestNewlyAcked = chunk.Tsn;
            }
        }

        _flight = Math.Max(0, _flight);
        _peerWindow = (uint)Math.Max(0, (long)window - _flight); // §6.2.1: rwnd = a_rwnd - bytes in flight
        GrowWindow(acked);
        CountMissIndications(highestNewlyAcked);
        if (_outstanding.Count == 0)
        {
            _t3Deadline = long.MaxValue;
        }
        else if (acked > 0)
        {
            RestartT3();
        }
    }

    /// <summary>§7.2.1 slow start and §7.2.2 congestion avoidance.</summary>
    private void GrowWindow(int acked)
    {
        if (acked == 0)
        {
            return;
        }

        if (_cwnd <= _ssthresh)
        {
            _cwnd += Math.Min(acked, Mtu);
            return;
        }

        _partialBytesAcked += acked;
        if (_partialBytesAcked >= _cwnd)
        {
            _partialBytesAcked -= _cwnd;
            _cwnd += Mtu;
        }
    }

    /// <summary>§7.2.4: three miss indications on a chunk retransmit it once, with cwnd = ssthresh.</summary>
    private void CountMissIndications(uint highestAcked)
    {
        var fastRetransmit = false;
        foreach (var chunk in _outstanding)
        {
            if (After(highestAcked, chunk.Tsn) && chunk.InFlight && ++chunk.Misses == 3 && !chunk.FastRetransmitted)
            {
                chunk.FastRetransmitted = true;
                chunk.InFlight = false;
                _flight -= chunk.Value.Length;
                _retransmit.Enqueue(chunk);
                fastRetransmit = true;
            }
        }

        if (fastRetransmit)
        {
            _ssthresh = Math.Max(_cwnd / 2, 4 * Mtu);
            _cwnd = _ssthresh;
            _partialBytesAcked = 0;
        }
    }

    /// <summary>§6.3.3: T3-rtx expired: back off, collapse cwnd to one MTU, resend what is outstanding.</summary>
    private void OnRetransmissionTimer(long now)
    {
        if (now < _t3Deadline || _outstanding.Count == 0)
        {
            return;
        }

        _ssthresh = Math.Max(_cwnd / 2, 4 * Mtu);
        _cwnd = Mtu;
        _partialBytesAcked = 0;
        _rto = TimeSpan.FromTicks(Math.Min(_rto.Ticks * 2, TimeSpan.FromSeconds(60).Ticks));
        _retransmit.Clear();
        foreach (var chunk in _outstanding)
        {
            chunk.InFlight = false;
            _retransmit.Enqueue(chunk);
        }

        _flight = 0;
        _t3Deadline = long.MaxValue;
        Pump();
    }

    /// <summary>§6.3.1 RTO = SRTT + 4·RTTVAR, bounded (WebRTC-scale minimum of 200 ms).</summary>
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
        _rto = rto < TimeSpan.FromMilliseconds(200) ? TimeSpan.FromMilliseconds(200) : rto > TimeSpan.FromSeconds(60) ? TimeSpan.FromSeconds(60) : rto;
    }

    private static TimeSpan Abs(TimeSpan t) => t < TimeSpan.Zero ? -t : t;

    private void RestartT3() => _t3Deadline = _time.GetTimestamp() + (long)(_rto.TotalSeconds * _time.TimestampFrequency);

    private sealed class Outgoing(uint tsn, byte flags, byte[] value, ushort stream)
    {
        public uint Tsn { get; } = tsn;

        public byte Flags { get; } = flags;

        public byte[] Value { get; } = value;

        public ushort Stream { get; } = stream;

        public int Transmissions { get; set; }

        public long SentAt { get; set; }

        public bool InFlight { get; set; }

        public int Misses { get; set; }

        public bool FastRetransmitted { get; set; }
    }
}
