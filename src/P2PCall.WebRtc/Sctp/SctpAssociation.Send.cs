using System.Buffers.Binary;

namespace P2PCall.WebRtc.Sctp;

/// <summary>
/// The sending half: a queue of messages, cut into DATA chunks only when the windows let them leave (so TSNs and
/// SSNs are given at first transmission and an abandoned unsent message costs neither), bundled up to the MTU
/// (RFC 9260 §6.10), within the congestion and receive windows (§6.1).
/// </summary>
internal sealed partial class SctpAssociation
{
    private readonly Queue<OutgoingMessage> _queue = new();
    private readonly List<OutgoingChunk> _outstanding = []; // sent and not cumulatively acknowledged, in TSN order
    private readonly Dictionary<ushort, ushort> _nextSsn = [];
    private uint _nextTsn;
    private uint _peerWindow;
    private int _flight;
    private int _retransmitsPending;
    private int _fastRetransmitBudget;

    /// <summary>Queues a message; it is fragmented into DATA chunks (RFC 9260 §6.9) and sent as the windows allow.</summary>
    /// <param name="stream">The SCTP stream.</param>
    /// <param name="ppid">The payload protocol identifier (RFC 8831 §8).</param>
    /// <param name="data">The message (copied).</param>
    /// <param name="ordered">Ordered delivery by SSN, or unordered (U bit).</param>
    /// <param name="maxRetransmits">RFC 3758 limit on retransmissions (W3C maxRetransmits); null for reliable.</param>
    /// <param name="lifetime">RFC 3758 timed reliability (W3C maxPacketLifeTime); null for none.</param>
    /// <exception cref="ArgumentException">The message is larger than <see cref="MaxMessageSize"/>.</exception>
    /// <exception cref="InvalidOperationException">The association is closed or shutting down.</exception>
    public void Send(ushort stream, uint ppid, ReadOnlySpan<byte> data, bool ordered, int? maxRetransmits = null, TimeSpan? lifetime = null)
    {
        if (data.Length > MaxMessageSize)
        {
            throw new ArgumentException($"The message of {data.Length} bytes exceeds the maximum message size of {MaxMessageSize} (RFC 8841 §6).", nameof(data));
        }

        if (data.IsEmpty)
        {
            throw new ArgumentException("An SCTP user message has at least one byte (RFC 9260 §3.3.1).", nameof(data));
        }

        lock (_gate)
        {
            if (_state is State.Aborted or State.ShutDown or State.ShutdownPending or State.ShutdownSent or State.ShutdownReceived or State.ShutdownAckSent)
            {
                throw new InvalidOperationException("The SCTP association is closed or shutting down; no new data is accepted (RFC 9260 §9.2).");
            }

            var expires = lifetime is { } life ? _time.GetTimestamp() + (long)(life.TotalSeconds * _time.TimestampFrequency) : long.MaxValue;
            _queue.Enqueue(new OutgoingMessage(stream, ppid, data.ToArray(), ordered, maxRetransmits, expires));
            Pump();
        }

        Deliver();
    }

    /// <summary>Sends retransmissions first, then new data, as the windows allow (RFC 9260 §6.1, §7.2), bundled per packet.</summary>
    private void Pump()
    {
        if (!IsUp || _state == State.ShutdownAckSent)
        {
            return;
        }

        var packet = _packet.AsSpan();
        var offset = SctpPacket.CommonHeaderLength;
        while (NextChunk() is { } chunk)
        {
            var size = DataChunkHeaderLength + chunk.Length;
            var window = Math.Min(_cwnd, (long)_peerWindow);
            // §6.1 rule B: one chunk may always be in flight, even against a closed window (zero-window probe).
            // §7.2.4 step 3: one packet of fast retransmissions leaves regardless of cwnd.
            var fastRetransmit = chunk.FastRetransmitted && chunk.Transmissions > 0 && _fastRetransmitBudget >= size;
            if (_flight > 0 && _flight + chunk.Length > window && !fastRetransmit)
            {
                Unpick(chunk);
                break;
            }

            if (fastRetransmit)
            {
                _fastRetransmitBudget -= size;
            }

            if (offset == SctpPacket.CommonHeaderLength && SackPending)
            {
                offset = WriteSack(packet, offset); // a delayed SACK rides along with the data (§6.10)
            }

            if (offset + ((size + 3) & ~3) > _pathMtu)
            {
                SendPacket(packet[..offset], _peerTag);
                offset = SctpPacket.CommonHeaderLength;
            }

            offset = WriteData(packet, offset, chunk);
            chunk.Transmissions++;
            chunk.SentAt = _time.GetTimestamp();
            chunk.InFlight = true;
            _flight += chunk.Length;
            _peerWindow = (uint)Math.Max(0, (long)_peerWindow - chunk.Length);
            if (chunk.Transmissions > 1)
            {
                Counters.DataChunksRetransmitted++;
            }

            Counters.DataChunksSent++;
            if (_t3Deadline == long.MaxValue)
            {
                RestartT3();
            }
        }

        if (offset > SctpPacket.CommonHeaderLength)
        {
            SendPacket(packet[..offset], _peerTag);
        }

        _fastRetransmitBudget = 0;
        TrySendShutdown();
        TrySendReconfig();
    }

    /// <summary>The next chunk to send: the oldest marked for retransmission, else a new fragment of the head message.</summary>
    private OutgoingChunk? NextChunk()
    {
        if (_retransmitsPending > 0)
        {
            foreach (var chunk in _outstanding)
            {
                if (chunk.NeedsRetransmit)
                {
                    chunk.NeedsRetransmit = false;
                    _retransmitsPending--;
                    return chunk;
                }
            }

            _retransmitsPending = 0;
        }

        while (_queue.TryPeek(out var message))
        {
            if (message.Abandoned || (message.Offset == 0 && PeerSupportsForwardTsn && message.ExpiresAt <= _time.GetTimestamp()))
            {
                // RFC 3758 §3.5 A1-A3: an expired message that never left is dropped without costing a TSN or an SSN.
                _queue.Dequeue();
                if (!message.Abandoned)
                {
                    Counters.MessagesAbandoned++;
                    message.Abandoned = true;
                }

                ReleaseBytes(message, message.Data.Length - message.Offset);
                continue;
            }

            if (message.Offset == 0 && message.Ordered)
            {
                message.Ssn = _nextSsn.GetValueOrDefault(message.Stream);
                _nextSsn[message.Stream] = (ushort)(message.Ssn + 1);
            }

            var length = Math.Min(MaxDataPerChunk, message.Data.Length - message.Offset);
            var flags = (byte)((message.Ordered ? 0 : 4) | (message.Offset == 0 ? 2 : 0) | (message.Offset + length == message.Data.Length ? 1 : 0));
            var chunk = new OutgoingChunk(_nextTsn++, flags, message, message.Offset, length);
            message.Offset += length;
            if (message.Offset == message.Data.Length)
            {
                _queue.Dequeue();
            }

            _outstanding.Add(chunk);
            return chunk;
        }

        return null;
    }

    /// <summary>Puts back a chunk that did not fit in the window; it goes first next time.</summary>
    private void Unpick(OutgoingChunk chunk) => MarkForRetransmit(chunk);

    private void MarkForRetransmit(OutgoingChunk chunk)
    {
        if (!chunk.NeedsRetransmit)
        {
            chunk.NeedsRetransmit = true;
            _retransmitsPending++;
        }
    }

    private static int WriteData(Span<byte> packet, int offset, OutgoingChunk chunk)
    {
        // RFC 9260 §3.3.1: type, flags (U, B, E), length, TSN, stream, SSN, PPID, user data, padding.
        var message = chunk.Message;
        var length = DataChunkHeaderLength + chunk.Length;
        packet[offset] = (byte)SctpChunkType.Data;
        packet[offset + 1] = chunk.Flags;
        BinaryPrimitives.WriteUInt16BigEndian(packet[(offset + 2)..], (ushort)length);
        BinaryPrimitives.WriteUInt32BigEndian(packet[(offset + 4)..], chunk.Tsn);
        BinaryPrimitives.WriteUInt16BigEndian(packet[(offset + 8)..], message.Stream);
        BinaryPrimitives.WriteUInt16BigEndian(packet[(offset + 10)..], message.Ssn);
        BinaryPrimitives.WriteUInt32BigEndian(packet[(offset + 12)..], message.Ppid);
        message.Data.AsSpan(chunk.Offset, chunk.Length).CopyTo(packet[(offset + DataChunkHeaderLength)..]);
        var padded = (length + 3) & ~3;
        packet.Slice(offset + length, padded - length).Clear();
        return offset + padded;
    }

    private void ReleaseBytes(OutgoingMessage message, int bytes)
    {
        if (bytes > 0)
        {
            var (stream, ppid) = (message.Stream, message.Ppid);
            _deliveries.Add(() => BytesAcknowledged?.Invoke(stream, ppid, bytes));
        }
    }

    /// <summary>A queued user message and how far it has been cut into chunks.</summary>
    private sealed class OutgoingMessage(ushort stream, uint ppid, byte[] data, bool ordered, int? maxRetransmits, long expiresAt)
    {
        public ushort Stream { get; } = stream;

        public uint Ppid { get; } = ppid;

        public byte[] Data { get; } = data;

        public bool Ordered { get; } = ordered;

        public int? MaxRetransmits { get; } = maxRetransmits;

        public long ExpiresAt { get; } = expiresAt;

        public ushort Ssn { get; set; }

        public int Offset { get; set; }

        public bool Abandoned { get; set; }
    }

    /// <summary>One DATA chunk given a TSN: a slice of its message.</summary>
    private sealed class OutgoingChunk(uint tsn, byte flags, OutgoingMessage message, int offset, int length)
    {
        public uint Tsn { get; } = tsn;

        public byte Flags { get; } = flags;

        public OutgoingMessage Message { get; } = message;

        public int Offset { get; } = offset;

        public int Length { get; } = length;

        public int Transmissions { get; set; }

        public long SentAt { get; set; }

        public bool InFlight { get; set; }

        public bool Acked { get; set; }

        public bool Abandoned { get; set; }

        public bool NeedsRetransmit { get; set; }

        public int Misses { get; set; }

        public bool FastRetransmitted { get; set; }
    }
}
