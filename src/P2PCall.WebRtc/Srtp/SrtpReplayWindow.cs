namespace P2PCall.WebRtc.Srtp;

/// <summary>The verdict of a replay check (RFC 3711 §3.3.2).</summary>
internal enum ReplayCheck
{
    /// <summary>Newer than anything seen, or inside the window and not seen yet.</summary>
    Fresh,

    /// <summary>Inside the window and already received.</summary>
    Replayed,

    /// <summary>Behind the window: cannot be told from a replay, so it is dropped.</summary>
    TooOld,
}

/// <summary>
/// A sliding replay window over packet indexes (RFC 3711 §3.3.2): the highest index accepted so far
/// and a bitmap of the <see cref="Size"/> indexes at and below it. Used with 48-bit SRTP indexes
/// and 31-bit SRTCP indexes. <see cref="Check"/> does not change state; only
/// <see cref="Accept"/> does, and only after the packet has authenticated.
/// </summary>
internal sealed class SrtpReplayWindow
{
    private readonly ulong[] _bits; // bit d of the bitmap: index Highest - d was received

    /// <summary>Creates an empty window.</summary>
    /// <param name="size">Window size in packets: a multiple of 64, at least 64 (RFC 3711 §3.3.2).</param>
    public SrtpReplayWindow(int size)
    {
        if (size < 64 || size % 64 != 0 || size > 32768)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "The replay window is a multiple of 64 packets between 64 and 32768.");
        }

        _bits = new ulong[size / 64];
    }

    /// <summary>Window size in packets.</summary>
    public int Size => _bits.Length * 64;

    /// <summary>True until the first index is accepted.</summary>
    public bool IsEmpty { get; private set; } = true;

    /// <summary>The highest index accepted (meaningless while <see cref="IsEmpty"/>).</summary>
    public ulong Highest { get; private set; }

    /// <summary>Classifies an index without changing the window.</summary>
    /// <param name="index">The packet index.</param>
    /// <returns>The verdict.</returns>
    public ReplayCheck Check(ulong index)
    {
        if (IsEmpty || index > Highest)
        {
            return ReplayCheck.Fresh;
        }

        ulong delta = Highest - index;
        if (delta >= (ulong)Size)
        {
            return ReplayCheck.TooOld;
        }

        int d = (int)delta;
        return (_bits[d >> 6] & (1UL << (d & 63))) != 0 ? ReplayCheck.Replayed : ReplayCheck.Fresh;
    }

    /// <summary>Records an authenticated index, sliding the window forward when it is the new highest.</summary>
    /// <param name="index">The packet index; <see cref="Check"/> returned <see cref="ReplayCheck.Fresh"/> for it.</param>
    public void Accept(ulong index)
    {
        if (IsEmpty)
        {
            IsEmpty = false;
            Highest = index;
            Array.Clear(_bits);
            _bits[0] = 1;
            return;
        }

        if (index > Highest)
        {
            ShiftOlder(index - Highest);
            Highest = index;
            _bits[0] |= 1;
            return;
        }

        int d = (int)(Highest - index);
        _bits[d >> 6] |= 1UL << (d & 63);
    }

    private void ShiftOlder(ulong by)
    {
        if (by >= (ulong)Size)
        {
            Array.Clear(_bits);
            return;
        }

        int words = (int)(by >> 6);
        int bits = (int)(by & 63);
        for (int i = _bits.Length - 1; i >= 0; i--)
        {
            int src = i - words;
            ulong value = src >= 0 ? _bits[src] << bits : 0;
            if (bits != 0 && src - 1 >= 0)
            {
                value |= _bits[src - 1] >> (64 - bits);
            }

            _bits[i] = value;
        }
    }
}
