namespace P2PCall.WebRtc.Rtp;

/// <summary>Wrap-aware arithmetic on 16-bit RTP sequence numbers (RFC 3550 §5.1, Appendix A.1).</summary>
internal static class RtpSequenceNumber
{
    /// <summary>The sequence number space, 2^16 (RTP_SEQ_MOD in RFC 3550 Appendix A.1).</summary>
    public const int Modulus = 1 << 16;

    /// <summary>
    /// The signed distance from <paramref name="from"/> to <paramref name="to"/> in the range −32768..32767:
    /// positive when <paramref name="to"/> is newer, taking the shorter way round the circle.
    /// </summary>
    /// <param name="from">The reference sequence number.</param>
    /// <param name="to">The other sequence number.</param>
    /// <returns>The signed distance.</returns>
    public static int Distance(ushort from, ushort to) => unchecked((short)(ushort)(to - from));

    /// <summary>Whether <paramref name="a"/> comes after <paramref name="b"/> (half the space ahead, wrap-aware).</summary>
    /// <param name="a">The candidate newer number.</param>
    /// <param name="b">The reference.</param>
    /// <returns><see langword="true"/> when <paramref name="a"/> is newer.</returns>
    /// <remarks>Exactly half the space apart (32768) counts as newer when <paramref name="a"/> is numerically larger, so the relation is antisymmetric.</remarks>
    public static bool IsNewer(ushort a, ushort b)
    {
        int d = Distance(b, a);
        return d > 0 || (d == short.MinValue && a > b);
    }
}

/// <summary>
/// Extends 16-bit sequence numbers to 64 bits by counting cycles (RFC 3550 Appendix A.1): each value is
/// placed as close as possible to the highest one seen so far, so reordered packets map backwards and a
/// wrap from 65535 to 0 advances the cycle count.
/// </summary>
internal struct RtpSequenceUnwrapper
{
    private long _highest;
    private bool _started;

    /// <summary>The highest extended sequence number returned so far (undefined before the first call).</summary>
    public readonly long Highest => _highest;

    /// <summary>Extends <paramref name="sequenceNumber"/> relative to the highest value seen.</summary>
    /// <param name="sequenceNumber">The 16-bit wire value.</param>
    /// <returns>The 64-bit extended value; the first value is returned as is, so a packet older than it may map below zero.</returns>
    public long Unwrap(ushort sequenceNumber)
    {
        if (!_started)
        {
            _started = true;
            _highest = sequenceNumber;
            return _highest;
        }

        long extended = _highest + RtpSequenceNumber.Distance((ushort)_highest, sequenceNumber);
        if (extended > _highest)
        {
            _highest = extended;
        }

        return extended;
    }
}
