namespace P2PCall.WebRtc.Rtcp;

/// <summary>
/// A 64-bit NTP timestamp (RFC 5905 §6; RFC 3550 §4): seconds since 1900-01-01 UTC in the high 32 bits,
/// the binary fraction of a second in the low 32 bits. The seconds wrap in 2036 (era 1); conversions here
/// treat values with the top bit clear as era 1, which is right for 1968–2104.
/// </summary>
/// <param name="Value">The raw 64-bit value.</param>
internal readonly record struct NtpTimestamp(ulong Value)
{
    private static readonly DateTimeOffset Era0 = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Era1 = Era0.AddSeconds(4294967296d);

    /// <summary>Whole seconds (modulo 2^32).</summary>
    public uint Seconds => (uint)(Value >> 32);

    /// <summary>The fraction of a second in units of 2^-32 s.</summary>
    public uint Fraction => (uint)Value;

    /// <summary>The middle 32 bits (16.16 fixed point seconds), as used for LSR (RFC 3550 §6.4.1).</summary>
    public uint Middle32 => (uint)(Value >> 16);

    /// <summary>The current wallclock time as an NTP timestamp.</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>The timestamp.</returns>
    public static NtpTimestamp Now(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return FromDateTimeOffset(timeProvider.GetUtcNow());
    }

    /// <summary>Converts a wallclock time.</summary>
    /// <param name="time">The time.</param>
    /// <returns>The NTP timestamp (seconds modulo 2^32).</returns>
    public static NtpTimestamp FromDateTimeOffset(DateTimeOffset time)
    {
        long ticks = (time.UtcDateTime - Era0.UtcDateTime).Ticks;
        ulong seconds = (ulong)(ticks / TimeSpan.TicksPerSecond);
        ulong remainder = (ulong)(ticks % TimeSpan.TicksPerSecond);
        ulong fraction = (remainder << 32) / TimeSpan.TicksPerSecond;
        return new NtpTimestamp(((seconds & 0xFFFFFFFF) << 32) | fraction);
    }

    /// <summary>Converts back to a wallclock time (rounded to the nearest 100 ns tick).</summary>
    /// <returns>The time in 1968–2104.</returns>
    public DateTimeOffset ToDateTimeOffset()
    {
        // RFC 4330 §3: a clear top bit means the 2036–2104 era.
        DateTimeOffset era = (Seconds & 0x80000000) != 0 ? Era0 : Era1;
        // Round to the nearest tick so that FromDateTimeOffset(t).ToDateTimeOffset() == t.
        long ticks = (Seconds * TimeSpan.TicksPerSecond) + (long)((((ulong)Fraction * TimeSpan.TicksPerSecond) + (1UL << 31)) >> 32);
        return era.AddTicks(ticks);
    }

    /// <summary>Converts a compact (16.16) NTP duration, such as DLSR or an RTT, to a <see cref="TimeSpan"/>.</summary>
    /// <param name="units">The duration in 1/65536 s.</param>
    /// <returns>The duration.</returns>
    public static TimeSpan CompactToTimeSpan(uint units) => TimeSpan.FromTicks((long)(((ulong)units * TimeSpan.TicksPerSecond) >> 16));

    /// <summary>Converts a duration to compact (16.16) NTP units, saturating at 2^32 − 1.</summary>
    /// <param name="duration">A non-negative duration.</param>
    /// <returns>The duration in 1/65536 s.</returns>
    public static uint TimeSpanToCompact(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return 0;
        }

        UInt128 units = ((UInt128)(ulong)duration.Ticks << 16) / TimeSpan.TicksPerSecond;
        return units > uint.MaxValue ? uint.MaxValue : (uint)units;
    }
}

/// <summary>Round-trip time from a report block (RFC 3550 §6.4.1).</summary>
internal static class RtcpRoundTrip
{
    /// <summary>
    /// Computes RTT = A − LSR − DLSR, where A is the middle 32 bits of the NTP time the report block arrived.
    /// </summary>
    /// <param name="arrivalMiddle32">A: the arrival time, middle 32 bits of our NTP clock.</param>
    /// <param name="lastSenderReport">LSR from the block.</param>
    /// <param name="delaySinceLastSenderReport">DLSR from the block.</param>
    /// <param name="roundTripTime">The RTT; negative results (clock granularity) are reported as zero.</param>
    /// <returns><see langword="false"/> when LSR is 0 (the remote has not received an SR from us yet) or the result is not plausible.</returns>
    public static bool TryCompute(uint arrivalMiddle32, uint lastSenderReport, uint delaySinceLastSenderReport, out TimeSpan roundTripTime)
    {
        roundTripTime = TimeSpan.Zero;

        // RFC 3550 §6.4.1: "If no SR has been received yet, the field is set to zero."
        if (lastSenderReport == 0)
        {
            return false;
        }

        // All three values are 16.16 fixed point seconds modulo 2^16 s; subtract with wrap-around.
        int rtt = unchecked((int)(arrivalMiddle32 - lastSenderReport - delaySinceLastSenderReport));
        if (rtt < -65536)
        {
            // More than a second negative: not clock granularity but a bogus or stale block.
            return false;
        }

        roundTripTime = rtt <= 0 ? TimeSpan.Zero : NtpTimestamp.CompactToTimeSpan((uint)rtt);
        return true;
    }
}
