using System.Buffers.Binary;

namespace P2PCall.WebRtc.Sctp;

/// <summary>
/// Partial reliability (RFC 3758): the sender abandons messages past their retransmission or lifetime limit and
/// moves the peer past them with FORWARD-TSN (§3.5); the receiver skips what FORWARD-TSN names (§3.6).
/// </summary>
internal sealed partial class SctpAssociation
{
    private const int MaxForwardTsnStreams = 256; // 4 + 4·256 bytes: fits one packet
    private uint _advancedPeerAckPoint;

    /// <summary>§3.5 A1-A2: whether a chunk about to be retransmitted is past its message's limit.</summary>
    private bool ShouldAbandon(OutgoingChunk chunk)
    {
        var message = chunk.Message;
        if (!PeerSupportsForwardTsn)
        {
            return false; // RFC 8831 §6.1: without RFC 3758 at the peer, every message is reliable
        }

        return message.Abandoned ||
            (message.MaxRetransmits is { } max && chunk.Transmissions > max) ||
            message.ExpiresAt <= _time.GetTimestamp();
    }

    /// <summary>§3.5 A3: every chunk of an abandoned message is abandoned; what it never sent is dropped.</summary>
    private void Abandon(OutgoingMessage message)
    {
        if (!message.Abandoned)
        {
            message.Abandoned = true;
            Counters.MessagesAbandoned++;
        }

        foreach (var chunk in _outstanding)
        {
            if (chunk.Message != message || chunk.Abandoned)
            {
                continue;
            }

            if (!chunk.Acked)
            {
                Settle(chunk);
            }

            chunk.Abandoned = true;
        }

        // An unsent tail stays at the head of the queue; NextChunk drops it and releases its bytes.
    }

    /// <summary>§3.5 C1-C3: moves the Advanced.Peer.Ack.Point over abandoned chunks and tells the peer with FORWARD-TSN.</summary>
    private void AdvancePeerAckPoint(uint cumulative)
    {
        if (!PeerSupportsForwardTsn)
        {
            return;
        }

        HashSet<ushort>? streams = null;
        foreach (var chunk in _outstanding)
        {
            if (!After(chunk.Tsn, _advancedPeerAckPoint))
            {
                if (chunk.Message.Ordered)
                {
                    (streams ??= []).Add(chunk.Message.Stream);
                }

                continue;
            }

            if (chunk.Tsn != _advancedPeerAckPoint + 1 || !chunk.Abandoned)
            {
                break;
            }

            // Every ordered stream skipped must be named in the one FORWARD-TSN: stop where the list would overflow.
            if (chunk.Message.Ordered && !(streams ??= []).Contains(chunk.Message.Stream) && streams.Count >= MaxForwardTsnStreams)
            {
                break;
            }

            if (chunk.Message.Ordered)
            {
                (streams ??= []).Add(chunk.Message.Stream);
            }

            _advancedPeerAckPoint = chunk.Tsn;
        }

        if (After(_advancedPeerAckPoint, cumulative))
        {
            SendForwardTsn();
            if (_t3Deadline == long.MaxValue)
            {
                RestartT3(); // C3: the timer guards the FORWARD-TSN too
            }
        }
    }

    /// <summary>§3.2: the new cumulative TSN and, per ordered stream skipped, the highest SSN skipped.</summary>
    private void SendForwardTsn()
    {
        Span<(ushort Stream, ushort Ssn)> streams = stackalloc (ushort, ushort)[MaxForwardTsnStreams];
        var count = 0;
        foreach (var chunk in _outstanding)
        {
            if (After(chunk.Tsn, _advancedPeerAckPoint))
            {
                break;
            }

            if (!chunk.Message.Ordered)
            {
                continue;
            }

            var found = false;
            for (var i = 0; i < count; i++)
            {
                if (streams[i].Stream == chunk.Message.Stream)
                {
                    if ((short)(chunk.Message.Ssn - streams[i].Ssn) > 0)
                    {
                        streams[i].Ssn = chunk.Message.Ssn;
                    }

                    found = true;
                    break;
                }
            }

            if (!found && count < streams.Length)
            {
                streams[count++] = (chunk.Message.Stream, chunk.Message.Ssn);
            }
        }

        Span<byte> value = stackalloc byte[4 + (4 * count)];
        BinaryPrimitives.WriteUInt32BigEndian(value, _advancedPeerAckPoint);
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(value[(4 + (4 * i))..], streams[i].Stream);
            BinaryPrimitives.WriteUInt16BigEndian(value[(6 + (4 * i))..], streams[i].Ssn);
        }

        Counters.ForwardTsnSent++;
        Reply(SctpChunkType.ForwardTsn, value);
    }

    /// <summary>§3.6: skip to the new cumulative TSN, drop the fragments it passes, release the ordered streams it names.</summary>
    private void OnForwardTsn(ReadOnlySpan<byte> value)
    {
        if (value.Length < 4 || value.Length % 4 != 0)
        {
            Counters.PacketsDropped++;
            return;
        }

        Counters.ForwardTsnReceived++;
        var newCumulative = BinaryPrimitives.ReadUInt32BigEndian(value);
        if (!After(newCumulative, _received.Cumulative))
        {
            return; // out of date: answered with a SACK only
        }

        if (newCumulative - _received.Cumulative > SctpReceivedTsns.Range)
        {
            Counters.PacketsDropped++; // further ahead than anything the peer can have outstanding: a broken peer
            return;
        }

        _received.SkipTo(newCumulative);
        List<uint>? stale = null;
        foreach (var (tsn, fragment) in _fragments)
        {
            if (!After(tsn, _received.Cumulative) || IsSkippedOrdered(value[4..], fragment))
            {
                (stale ??= []).Add(tsn);
            }
        }

        foreach (var tsn in stale ?? [])
        {
            RemoveFragment(tsn);
        }

        // A message cut by the skip leaves continuation fragments without their beginning: they can never assemble.
        for (var t = _received.Cumulative + 1; _fragments.TryGetValue(t, out var orphan) && (orphan.Flags & 2) == 0; t++)
        {
            RemoveFragment(t);
        }

        for (var i = 4; i + 4 <= value.Length; i += 4)
        {
            var stream = BinaryPrimitives.ReadUInt16BigEndian(value[i..]);
            var ssn = BinaryPrimitives.ReadUInt16BigEndian(value[(i + 2)..]);
            var expected = _expectedSsn.GetValueOrDefault(stream);
            if ((short)(ssn - expected) < 0)
            {
                continue; // already past it
            }

            // Deliver what was waiting up to the skipped SSN, then resume after it.
            for (var s = expected; s != (ushort)(ssn + 1); s++)
            {
                if (_waiting.Remove((stream, s), out var message))
                {
                    _bufferedBytes -= message.Data.Length;
                    Hand(stream, message.Ppid, message.Data);
                }
            }

            _expectedSsn[stream] = (ushort)(ssn + 1);
            DeliverInOrder(stream);
        }
    }

    private static bool IsSkippedOrdered(ReadOnlySpan<byte> streams, Fragment fragment)
    {
        if ((fragment.Flags & 4) != 0)
        {
            return false;
        }

        for (var i = 0; i + 4 <= streams.Length; i += 4)
        {
            if (BinaryPrimitives.ReadUInt16BigEndian(streams[i..]) == fragment.Stream &&
                (short)(BinaryPrimitives.ReadUInt16BigEndian(streams[(i + 2)..]) - fragment.Ssn) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
