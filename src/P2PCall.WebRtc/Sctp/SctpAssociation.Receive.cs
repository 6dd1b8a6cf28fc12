using System.Buffers.Binary;

namespace P2PCall.WebRtc.Sctp;

/// <summary>The receiving half: TSN tracking, reassembly (RFC 9260 §6.9), ordered delivery by SSN (§6.6), SACK (§6.2).</summary>
internal sealed partial class SctpAssociation
{
    private readonly Dictionary<uint, Fragment> _fragments = [];
    private readonly HashSet<uint> _receivedAbove = [];
    private readonly Dictionary<ushort, ushort> _expectedSsn = [];
    private readonly Dictionary<(ushort Stream, ushort Ssn), (uint Ppid, byte[] Data)> _waiting = [];
    private readonly List<uint> _duplicates = [];
    private uint _cumulativeTsn;
    private long _bufferedBytes;

    private void OnData(byte flags, ReadOnlySpan<byte> value)
    {
        if (value.Length < 12)
        {
            PacketsDropped++;
            return;
        }

        var tsn = BinaryPrimitives.ReadUInt32BigEndian(value);
        if (!After(tsn, _cumulativeTsn) || _receivedAbove.Contains(tsn))
        {
            _duplicates.Add(tsn); // reported in the SACK (§6.4)
            return;
        }

        if (_bufferedBytes + value.Length > LocalWindow)
        {
            return; // §6.2: beyond the window we advertised; the sender will retransmit
        }

        var fragment = new Fragment(flags, BinaryPrimitives.ReadUInt16BigEndian(value[4..]), BinaryPrimitives.ReadUInt16BigEndian(value[6..]), BinaryPrimitives.ReadUInt32BigEndian(value[8..]), value[12..].ToArray());
        _fragments[tsn] = fragment;
        _bufferedBytes += fragment.Data.Length;
        _receivedAbove.Add(tsn);
        while (_receivedAbove.Remove(_cumulativeTsn + 1))
        {
            _cumulativeTsn++;
        }

        TryAssemble(tsn);
    }

    /// <summary>Finds the whole message around <paramref name="tsn"/> (B … E, consecutive TSNs) and delivers it.</summary>
    private void TryAssemble(uint tsn)
    {
        var first = tsn;
        while ((_fragments[first].Flags & 2) == 0)
        {
            if (!_fragments.TryGetValue(first - 1, out var previous) || previous.Stream != _fragments[tsn].Stream || (previous.Flags & 1) != 0)
            {
                return;
            }

            first--;
        }

        var last = tsn;
        while ((_fragments[last].Flags & 1) == 0)
        {
            if (!_fragments.ContainsKey(last + 1) || (_fragments[last + 1].Flags & 2) != 0)
            {
                return;
            }

            last++;
        }

        var length = 0;
        for (var t = first; t != last + 1; t++)
        {
            length += _fragments[t].Data.Length;
        }

        if (length > MaxMessageSize)
        {
            // A message larger than we accept: drop it rather than hold it (RFC 8831 §6.6).
            RemoveFragments(first, last);
            return;
        }

        var data = new byte[length];
        var offset = 0;
        var head = _fragments[first];
        for (var t = first; t != last + 1; t++)
        {
            _fragments[t].Data.CopyTo(data, offset);
            offset += _fragments[t].Data.Length;
        }

        RemoveFragments(first, last);
        if ((head.Flags & 4) != 0)
        {
            Hand(head.Stream, head.Ppid, data);
            return;
        }

        _waiting[(head.Stream, head.Ssn)] = (head.Ppid, data);
        var expected = _expectedSsn.GetValueOrDefault(head.Stream);
        while (_waiting.Remove((head.Stream, expected), out var message))
        {
            Hand(head.Stream, message.Ppid, message.Data);
            expected++;
        }

        _expectedSsn[head.Stream] = expected;
    }

    private void RemoveFragments(uint first, uint last)
    {
        for (var t = first; t != last + 1; t++)
        {
            _bufferedBytes -= _fragments[t].Data.Length;
            _fragments.Remove(t);
        }
    }

    private void Hand(ushort stream, uint ppid, byte[] data) => _deliveries.Add(() => MessageReceived?.Invoke(stream, ppid, data));

    /// <summary>A SACK for every packet with DATA: cumulative TSN, window, gap blocks, duplicates (§3.3.4).</summary>
    private void SendSack()
    {
        var above = _receivedAbove.Select(t => t - _cumulativeTsn).Where(o => o <= ushort.MaxValue).Order().ToList();
        var blocks = new List<(ushort Start, ushort End)>();
        foreach (var offset in above)
        {
            if (blocks.Count > 0 && blocks[^1].End + 1 == offset)
            {
                blocks[^1] = (blocks[^1].Start, (ushort)offset);
            }
            else if (blocks.Count < 64)
            {
                blocks.Add(((ushort)offset, (ushort)offset));
            }
        }

        var duplicates = _duplicates.Take(32).ToList();
        _duplicates.Clear();
        var value = new byte[12 + (4 * blocks.Count) + (4 * duplicates.Count)];
        BinaryPrimitives.WriteUInt32BigEndian(value, _cumulativeTsn);
        BinaryPrimitives.WriteUInt32BigEndian(value.AsSpan(4), (uint)Math.Max(0, LocalWindow - _bufferedBytes));
        BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(8), (ushort)blocks.Count);
        BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(10), (ushort)duplicates.Count);
        for (var i = 0; i < blocks.Count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(12 + (4 * i)), blocks[i].Start);
            BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(14 + (4 * i)), blocks[i].End);
        }

        for (var i = 0; i < duplicates.Count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(value.AsSpan(12 + (4 * blocks.Count) + (4 * i)), duplicates[i]);
        }

        Reply(SctpChunkType.Sack, value);
    }

    private sealed record Fragment(byte Flags, ushort Stream, ushort Ssn, uint Ppid, byte[] Data);
}
