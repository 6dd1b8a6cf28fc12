namespace P2PCall.WebRtc.Sctp;

/// <summary>
/// The receiver's record of TSNs (RFC 9260 §6.2): the cumulative TSN and a bitmap of what arrived above it,
/// for SACK gap blocks (§3.3.4). The bitmap covers the 65535 TSNs a gap block can express; DATA beyond that
/// is refused (the sender retransmits it later). No allocation after construction.
/// </summary>
internal sealed class SctpReceivedTsns
{
    public const int Range = 65535;
    private readonly ulong[] _bits = new ulong[(Range + 64) / 64];
    private uint _highest;

    public SctpReceivedTsns(uint cumulative)
    {
        Cumulative = cumulative;
        _highest = cumulative;
    }

    /// <summary>The highest TSN up to which everything has arrived (or was skipped by FORWARD-TSN).</summary>
    public uint Cumulative { get; private set; }

    /// <summary>Whether anything above the cumulative TSN is recorded (a gap exists).</summary>
    public bool HasGaps => _highest != Cumulative;

    public static bool After(uint a, uint b) => (int)(a - b) > 0; // RFC 1982 serial arithmetic

    /// <summary>Whether <paramref name="tsn"/> is new and within range (it is not recorded here).</summary>
    public bool IsNew(uint tsn) => After(tsn, Cumulative) && tsn - Cumulative <= Range && !IsSet(tsn);

    /// <summary>Whether the TSN is at or below the cumulative TSN, or recorded above it.</summary>
    public bool Contains(uint tsn) => !After(tsn, Cumulative) || (tsn - Cumulative <= Range && IsSet(tsn));

    /// <summary>Records a TSN; returns false for a duplicate or one beyond the range.</summary>
    public bool Add(uint tsn)
    {
        if (!IsNew(tsn))
        {
            return false;
        }

        Set(tsn, true);
        if (After(tsn, _highest))
        {
            _highest = tsn;
        }

        Advance();
        return true;
    }

    /// <summary>RFC 3758 §3.6: moves the cumulative TSN forward to <paramref name="tsn"/> as if all below had arrived.</summary>
    public void SkipTo(uint tsn)
    {
        if (!After(tsn, Cumulative))
        {
            return;
        }

        if (tsn - Cumulative > Range)
        {
            Array.Clear(_bits);
        }
        else
        {
            for (var t = Cumulative + 1; t != tsn + 1; t++)
            {
                Set(t, false);
            }
        }

        Cumulative = tsn;
        if (After(tsn, _highest))
        {
            _highest = tsn;
        }

        Advance();
    }

    /// <summary>Writes gap ack blocks (offsets from the cumulative TSN, §3.3.4) and returns how many were written.</summary>
    public int WriteGapBlocks(Span<(ushort Start, ushort End)> blocks)
    {
        var count = 0;
        var inBlock = false;
        ushort start = 0;
        var span = _highest - Cumulative;
        for (uint offset = 1; offset <= span && count < blocks.Length; offset++)
        {
            var set = IsSet(Cumulative + offset);
            if (set && !inBlock)
            {
                start = (ushort)offset;
                inBlock = true;
            }
            else if (!set && inBlock)
            {
                blocks[count++] = (start, (ushort)(offset - 1));
                inBlock = false;
            }
        }

        if (inBlock && count < blocks.Length)
        {
            blocks[count++] = (start, (ushort)span);
        }

        return count;
    }

    private void Advance()
    {
        while (_highest != Cumulative && IsSet(Cumulative + 1))
        {
            Cumulative++;
            Set(Cumulative, false);
        }
    }

    private bool IsSet(uint tsn) => (_bits[(tsn & 0xFFFF) >> 6] & (1UL << (int)(tsn & 63))) != 0;

    private void Set(uint tsn, bool value)
    {
        ref var word = ref _bits[(tsn & 0xFFFF) >> 6];
        var mask = 1UL << (int)(tsn & 63);
        word = value ? word | mask : word & ~mask;
    }
}
