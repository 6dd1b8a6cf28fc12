namespace P2PCall.WebRtc.Dtls;

/// <summary>
/// The receive side's anti-replay window of one epoch (RFC 6347 §4.1.2.6): a 64-record bitmap ending at the
/// highest sequence number authenticated so far. Check before decrypting, mark only after the record authenticated.
/// </summary>
internal struct DtlsReplayWindow
{
    private const int Size = 64;
    private ulong _highest;
    private ulong _bitmap; // bit i: highest - i was received
    private bool _any;

    /// <summary>False when the record is a replay or older than the window (RFC 6347 §4.1.2.6: discard).</summary>
    /// <param name="sequence">The record's 48-bit sequence number.</param>
    public readonly bool IsNew(ulong sequence)
    {
        if (!_any || sequence > _highest)
        {
            return true;
        }

        ulong back = _highest - sequence;
        return back < Size && (_bitmap & (1UL << (int)back)) == 0;
    }

    /// <summary>Marks an authenticated record as received, sliding the window forward when it is the newest.</summary>
    /// <param name="sequence">The record's sequence number.</param>
    public void Mark(ulong sequence)
    {
        if (!_any)
        {
            _any = true;
            _highest = sequence;
            _bitmap = 1;
            return;
        }

        if (sequence > _highest)
        {
            ulong shift = sequence - _highest;
            _bitmap = shift >= Size ? 1 : (_bitmap << (int)shift) | 1;
            _highest = sequence;
            return;
        }

        ulong back = _highest - sequence;
        if (back < Size)
        {
            _bitmap |= 1UL << (int)back;
        }
    }
}
