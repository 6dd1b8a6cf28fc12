using System.Buffers;
using System.Buffers.Binary;

namespace P2PCall.WebRtc.Sctp;

/// <summary>The receiving half: TSN tracking, reassembly (RFC 9260 §6.9), ordered delivery by SSN (§6.6), SACK (§6.2).</summary>
internal sealed partial class SctpAssociation
{
    private const int MaxGapBlocks = 64;
    private const int MaxDuplicateReports = 32;
    private readonly Dictionary<uint, Fragment> _fragments = [];
    private readonly Dictionary<ushort, ushort> _expectedSsn = [];
    private readonly Dictionary<(ushort Stream, ushort Ssn), (uint Ppid, byte[] Data)> _waiting = [];
    private readonly uint[] _duplicates = new uint[MaxDuplicateReports];
    private SctpReceivedTsns _received = new(0);
    private int _duplicateCount;
    private int _packetsNotAcked;
    private long _sackDeadline = long.MaxValue;
    private long _bufferedBytes;

    /// <summary>The cumulative TSN received (for diagnosis).</summary>
    internal uint ReceivedCumulativeTsn
    {
        get
        {
            lock (_gate)
            {
                return _received.Cumulative;
            }
        }
    }

    /// <summary>Takes one DATA chunk (§6.2); returns true when it calls for a SACK (every DATA does, duplicates too).</summary>
    private bool OnData(byte flags, ReadOnlySpan<byte> value)
    {
        if (value.Length < 12)
        {
            Counters.PacketsDropped++;
            return false;
        }

        if (value.Length == 12)
        {
            // RFC 9260 §6.2: DATA without user data is answered with an ABORT, cause No User Data (§3.3.10.9).
            Span<byte> cause = stackalloc byte[8];
            BinaryPrimitives.WriteUInt16BigEndian(cause, 9);
            BinaryPrimitives.WriteUInt16BigEndian(cause[2..], 8);
            value[..4].CopyTo(cause[4..]);
            Reply(SctpChunkType.Abort, cause);
            Fail("The peer sent a DATA chunk without user data (RFC 9260 §6.2); the association was aborted.");
            return false;
        }

        var tsn = BinaryPrimitives.ReadUInt32BigEndian(value);
        if (_received.Contains(tsn))
        {
            Counters.DuplicateDataChunks++;
            if (_duplicateCount < _duplicates.Length)
            {
                _duplicates[_duplicateCount++] = tsn; // reported in the SACK (§6.4)
            }

            return true;
        }

        // Beyond our window, refused, except the next in sequence: it is what lets held data go (§6.2).
        if ((_bufferedBytes + value.Length > _options.ReceiveWindow && tsn != _received.Cumulative + 1) || !_received.IsNew(tsn))
        {
            Counters.DataChunksRefused++; // §6.2: beyond the window we advertised; the sender retransmits it
            return true;
        }

        var stream = BinaryPrimitives.ReadUInt16BigEndian(value[4..]);
        var ssn = BinaryPrimitives.ReadUInt16BigEndian(value[6..]);
        var ppid = BinaryPrimitives.ReadUInt32BigEndian(value[8..]);
        var payload = value[12..];
        _received.Add(tsn);
        if ((flags & 3) == 3)
        {
            // Unfragmented (B and E): straight to its message, no reassembly (§6.9).
            Complete(flags, stream, ssn, ppid, payload.ToArray());
            return true;
        }

        // Fragments wait in pooled buffers, returned when their message is assembled or dropped.
        var buffer = ArrayPool<byte>.Shared.Rent(payload.Length);
        payload.CopyTo(buffer);
        _fragments[tsn] = new Fragment(flags, stream, ssn, ppid, buffer, payload.Length);
        _bufferedBytes += payload.Length;
        TryAssemble(tsn);
        return true;
    }

    /// <summary>Finds the whole message around <paramref name="tsn"/> (B … E, consecutive TSNs, §6.9) and delivers it.</summary>
    private void TryAssemble(uint tsn)
    {
        var stream = _fragments[tsn].Stream;
        var first = tsn;
        while ((_fragments[first].Flags & 2) == 0)
        {
            if (!_fragments.TryGetValue(first - 1, out var previous) || previous.Stream != stream || (previous.Flags & 1) != 0)
            {
                return;
            }

            first--;
        }

        var last = tsn;
        while ((_fragments[last].Flags & 1) == 0)
        {
            if (!_fragments.TryGetValue(last + 1, out var next) || (next.Flags & 2) != 0 || next.Stream != stream)
            {
                return;
            }

            last++;
        }

        var length = 0L;
        for (var t = first; t != last + 1; t++)
        {
            length += _fragments[t].Length;
        }

        if (length > MaxMessageSize)
        {
            // A message larger than we announced: drop it rather than hold it (RFC 8841 §6).
            Counters.PacketsDropped++;
            RemoveFragments(first, last);
            return;
        }

        var data = new byte[length];
        var offset = 0;
        var head = _fragments[first];
        for (var t = first; t != last + 1; t++)
        {
            var piece = _fragments[t];
            piece.Data.AsSpan(0, piece.Length).CopyTo(data.AsSpan(offset));
            offset += piece.Length;
        }

        RemoveFragments(first, last);
        Complete(head.Flags, head.Stream, head.Ssn, head.Ppid, data);
    }

    /// <summary>A whole message: unordered ones leave at once, ordered ones in SSN order (§6.6).</summary>
    private void Complete(byte flags, ushort stream, ushort ssn, uint ppid, byte[] data)
    {
        if ((flags & 4) != 0)
        {
            Hand(stream, ppid, data);
            return;
        }

        var head = (Stream: stream, Ssn: ssn, Ppid: ppid);
        if (_waiting.TryAdd((head.Stream, head.Ssn), (head.Ppid, data)))
        {
            _bufferedBytes += data.Length; // held messages count against the window we advertise
        }

        DeliverInOrder(head.Stream);
    }

    /// <summary>§6.6: ordered messages of a stream leave in SSN order, each once its predecessors have.</summary>
    private void DeliverInOrder(ushort stream)
    {
        var expected = _expectedSsn.GetValueOrDefault(stream);
        while (_waiting.Remove((stream, expected), out var message))
        {
            _bufferedBytes -= message.Data.Length;
            Hand(stream, message.Ppid, message.Data);
            expected++;
        }

        _expectedSsn[stream] = expected;
    }

    private void RemoveFragments(uint first, uint last)
    {
        for (var t = first; t != last + 1; t++)
        {
            RemoveFragment(t);
        }
    }

    private void RemoveFragment(uint tsn)
    {
        if (_fragments.Remove(tsn, out var fragment))
        {
            _bufferedBytes -= fragment.Length;
            ArrayPool<byte>.Shared.Return(fragment.Data);
        }
    }

    private void Hand(ushort stream, uint ppid, byte[] data) => _deliveries.Add(() => MessageReceived?.Invoke(stream, ppid, data));

    /// <summary>
    /// §6.2: a SACK for every second packet with DATA, at once when a gap or a duplicate shows (§6.7), otherwise
    /// within the delayed-ack timeout; outgoing DATA carries a pending SACK along (§6.10 bundling).
    /// </summary>
    private void AcknowledgeData(bool now)
    {
        if (now || ++_packetsNotAcked >= 2 || _received.HasGaps || _duplicateCount > 0 || _state != State.Established || _options.DelayedAckTimeout <= TimeSpan.Zero)
        {
            SendSack();
        }
        else if (_sackDeadline == long.MaxValue)
        {
            _sackDeadline = Deadline(_options.DelayedAckTimeout);
        }
    }

    private bool SackPending => _sackDeadline != long.MaxValue;

    private void OnDelayedAckTimer(long now)
    {
        if (now >= _sackDeadline)
        {
            SendSack();
        }
    }

    private void SendSack()
    {
        var packet = _packet.AsSpan();
        var end = WriteSack(packet, SctpPacket.CommonHeaderLength);
        SendPacket(packet[..end], _peerTag);
    }

    /// <summary>Writes a SACK chunk: cumulative TSN, the window we still have, gap blocks, duplicates (§3.3.4).</summary>
    private int WriteSack(Span<byte> packet, int offset)
    {
        Span<(ushort Start, ushort End)> blocks = stackalloc (ushort, ushort)[MaxGapBlocks];
        var count = _received.WriteGapBlocks(blocks);
        var length = 12 + (4 * count) + (4 * _duplicateCount);
        Span<byte> value = stackalloc byte[length];
        BinaryPrimitives.WriteUInt32BigEndian(value, _received.Cumulative);
        BinaryPrimitives.WriteUInt32BigEndian(value[4..], (uint)Math.Max(0, _options.ReceiveWindow - _bufferedBytes));
        BinaryPrimitives.WriteUInt16BigEndian(value[8..], (ushort)count);
        BinaryPrimitives.WriteUInt16BigEndian(value[10..], (ushort)_duplicateCount);
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(value[(12 + (4 * i))..], blocks[i].Start);
            BinaryPrimitives.WriteUInt16BigEndian(value[(14 + (4 * i))..], blocks[i].End);
        }

        for (var i = 0; i < _duplicateCount; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(value[(12 + (4 * count) + (4 * i))..], _duplicates[i]);
        }

        _duplicateCount = 0;
        _packetsNotAcked = 0;
        _sackDeadline = long.MaxValue;
        return SctpPacket.WriteChunk(packet, offset, SctpChunkType.Sack, 0, value);
    }

    /// <summary>A received fragment; <see cref="Data"/> is a pooled buffer holding <see cref="Length"/> bytes.</summary>
    private sealed record Fragment(byte Flags, ushort Stream, ushort Ssn, uint Ppid, byte[] Data, int Length);
}
