using System.Buffers.Binary;

namespace P2PCall.WebRtc.Dtls;

/// <summary>
/// Holds back a client's ChangeCipherSpec from BouncyCastle (server role, during the handshake) until every
/// handshake message the client sent before it is complete.
/// </summary>
/// <remarks>
/// ChangeCipherSpec is not a handshake message and has no message_seq (RFC 6347 §4.2.2), so loss or reordering
/// can bring it before the CertificateVerify of the same flight. BouncyCastle 2.7 switches its read epoch on any
/// ChangeCipherSpec once keys are pending, and from then on discards epoch-0 records: the CertificateVerify, and
/// every retransmission of it, never gets in and the handshake stalls for good (measured: about 1 handshake in
/// 10 over a 10 %-loss link). RFC 6347 §4.1 lets a receiver discard what it cannot use yet; the client
/// retransmits the whole flight, ChangeCipherSpec included (RFC 6347 §4.2.4), so a dropped one costs one
/// retransmission, never the association.
/// <para>
/// Rule: a ChangeCipherSpec record with sequence number N (epoch 0) passes only when record N−1 was an epoch-0
/// handshake record we saw, and every handshake message from the first we saw up to the last one in record N−1
/// is complete. In a flight record numbers are consecutive (RFC 6347 §4.1), so record N−1 holds the message just
/// before the ChangeCipherSpec.
/// </para>
/// Thread-safe: datagrams may come from the socket thread and from the early-datagram replay at once.
/// </remarks>
internal sealed class DtlsChangeCipherSpecGate
{
    private const byte ChangeCipherSpec = 20;
    private const byte Handshake = 22;
    private const int HandshakeHeaderLength = 12; // RFC 6347 §4.2.2
    private const int MaxTrackedMessages = 16;     // message_seq values tracked from the first; a DTLS 1.2 handshake has ~8
    private const int MaxMessageLength = 1 << 16;  // larger handshake messages are not tracked (never complete)
    private const int RecordMemory = 64;

    private readonly Lock _gate = new();
    private readonly Dictionary<int, Coverage> _messages = [];
    private readonly Queue<ulong> _recordOrder = new();
    private readonly Dictionary<ulong, int> _lastMessageOfRecord = [];
    private int _firstMessage = int.MaxValue;
    private long _held;

    /// <summary>ChangeCipherSpec records kept from BouncyCastle because the messages before them were incomplete.</summary>
    public long HeldCount => Interlocked.Read(ref _held);

    /// <summary>
    /// Looks at one datagram; returns false when it carries a ChangeCipherSpec that must not pass yet, in which
    /// case <paramref name="kept"/> receives the datagram without it (possibly empty).
    /// </summary>
    /// <param name="datagram">A received datagram.</param>
    /// <param name="kept">Receives the records to deliver when the result is false; at least the datagram's length.</param>
    /// <param name="keptLength">The length written to <paramref name="kept"/>.</param>
    /// <returns>True: deliver the datagram unchanged.</returns>
    public bool Inspect(ReadOnlySpan<byte> datagram, Span<byte> kept, out int keptLength)
    {
        keptLength = 0;
        bool unchanged = true;
        lock (_gate)
        {
            int at = 0;
            // Bounded walk: each step consumes a header; a truncated record ends it (BouncyCastle discards it).
            while (datagram.Length - at >= DtlsRecordFilter.RecordHeaderLength)
            {
                var header = datagram.Slice(at, DtlsRecordFilter.RecordHeaderLength);
                int length = BinaryPrimitives.ReadUInt16BigEndian(header[11..]);
                int end = Math.Min(datagram.Length, at + DtlsRecordFilter.RecordHeaderLength + length);
                var record = datagram[at..end];
                ushort epoch = BinaryPrimitives.ReadUInt16BigEndian(header[3..]);
                ulong sequence = DtlsRecordFilter.ReadSequence(header);
                bool pass = true;
                if (epoch == 0 && header[0] == Handshake && end == at + DtlsRecordFilter.RecordHeaderLength + length)
                {
                    // Only whole records: BouncyCastle discards a truncated one, so its fragments never count.
                    Track(sequence, record[DtlsRecordFilter.RecordHeaderLength..]);
                }
                else if (epoch == 0 && header[0] == ChangeCipherSpec)
                {
                    pass = MayPass(sequence);
                }

                if (pass)
                {
                    record.CopyTo(kept[keptLength..]);
                    keptLength += record.Length;
                }
                else
                {
                    unchanged = false;
                    _held++;
                }

                at = end;
            }

            if (!unchanged && at < datagram.Length)
            {
                datagram[at..].CopyTo(kept[keptLength..]);
                keptLength += datagram.Length - at;
            }
        }

        return unchanged;
    }

    private bool MayPass(ulong sequence)
    {
        if (sequence == 0 || !_lastMessageOfRecord.TryGetValue(sequence - 1, out int last))
        {
            return false;
        }

        for (int seq = _firstMessage; seq <= last; seq++)
        {
            if (!_messages.TryGetValue(seq, out var coverage) || !coverage.Complete)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Records which handshake fragments (RFC 6347 §4.2.2 headers) a plaintext handshake record carries.</summary>
    private void Track(ulong sequence, ReadOnlySpan<byte> fragments)
    {
        int last = -1;
        int at = 0;
        while (fragments.Length - at >= HandshakeHeaderLength)
        {
            var header = fragments.Slice(at, HandshakeHeaderLength);
            int length = ReadUInt24(header[1..]);
            int messageSeq = BinaryPrimitives.ReadUInt16BigEndian(header[4..]);
            int offset = ReadUInt24(header[6..]);
            int fragmentLength = ReadUInt24(header[9..]);
            if (fragmentLength > fragments.Length - at - HandshakeHeaderLength || offset + fragmentLength > length)
            {
                return; // malformed: BouncyCastle drops it; so do we
            }

            // A handshake has a handful of messages from the first (message_seq 0, the ClientHello): far-off sequence
            // numbers (injected, or garbage) are not tracked, so they can neither fill the table nor hold the gate shut.
            bool near = _firstMessage == int.MaxValue ? messageSeq < MaxTrackedMessages : Math.Abs(messageSeq - _firstMessage) < MaxTrackedMessages;
            if (length <= MaxMessageLength && near)
            {
                if (!_messages.TryGetValue(messageSeq, out var coverage) || coverage.Length != length)
                {
                    // First sight, or a length that disagrees with an earlier fragment: start over with this one.
                    coverage = new Coverage(length);
                    _messages[messageSeq] = coverage;
                }

                coverage.Add(offset, fragmentLength);
                _firstMessage = Math.Min(_firstMessage, messageSeq);
            }

            last = Math.Max(last, messageSeq);
            at += HandshakeHeaderLength + fragmentLength;
        }

        if (last >= 0 && !_lastMessageOfRecord.ContainsKey(sequence))
        {
            _lastMessageOfRecord[sequence] = last;
            _recordOrder.Enqueue(sequence);
            if (_recordOrder.Count > RecordMemory)
            {
                _lastMessageOfRecord.Remove(_recordOrder.Dequeue());
            }
        }
    }

    private static int ReadUInt24(ReadOnlySpan<byte> b) => (b[0] << 16) | (b[1] << 8) | b[2];

    /// <summary>Which byte ranges of one handshake message arrived (fragments may overlap or repeat).</summary>
    private sealed class Coverage(int length)
    {
        private readonly List<(int Start, int End)> _ranges = [];

        public int Length => length;

        public bool Complete => length == 0 ? _seen : _ranges.Count == 1 && _ranges[0].Start == 0 && _ranges[0].End >= length;

        private bool _seen;

        public void Add(int offset, int count)
        {
            _seen = true;
            if (count == 0 || (length > 0 && Complete))
            {
                return;
            }

            int start = offset;
            int end = offset + count;
            // Merge with every overlapping or touching range; few ranges, so a linear pass is fine.
            for (int i = _ranges.Count - 1; i >= 0; i--)
            {
                var (s, e) = _ranges[i];
                if (s <= end && start <= e)
                {
                    start = Math.Min(start, s);
                    end = Math.Max(end, e);
                    _ranges.RemoveAt(i);
                }
            }

            if (_ranges.Count < 64)
            {
                _ranges.Add((start, end));
            }
        }
    }
}
