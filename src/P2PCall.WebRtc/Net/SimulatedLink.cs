// The model of one direction between two simulated hosts: given its conditions, the clock and the
// network's random generator, it decides whether a datagram is dropped and when each copy arrives.
namespace P2PCall.WebRtc.Net;

/// <summary>One direction between two hosts on a <see cref="SimulatedNetwork"/>. Guarded by the network's lock.</summary>
internal sealed class SimulatedLink
{
    private long _busyUntil;

    /// <summary>The conditions set for this direction, or null for the network's default.</summary>
    public LinkConditions? Conditions { get; set; }

    /// <summary>
    /// Decides one datagram's fate. Draws from <paramref name="random"/> in a fixed order (loss, then
    /// jitter and reordering of the first copy, then duplication, then jitter and reordering of the copy),
    /// each only when its setting is non-zero, so a seed replays the same run.
    /// </summary>
    /// <param name="conditions">The conditions in force.</param>
    /// <param name="random">The network's seeded generator.</param>
    /// <param name="now">The send time, in ticks.</param>
    /// <param name="length">The payload length.</param>
    /// <returns>The arrival times, or the reason the datagram does not arrive.</returns>
    public Transmission Transmit(LinkConditions conditions, Random random, long now, int length)
    {
        if (conditions.MaxDatagramSize > 0 && length > conditions.MaxDatagramSize)
        {
            return Transmission.Dropped(SimulatedDatagramFate.DroppedTooLarge);
        }

        if (conditions.LossProbability > 0 && random.NextDouble() < conditions.LossProbability)
        {
            return Transmission.Dropped(SimulatedDatagramFate.Lost);
        }

        long departure = now;
        if (conditions.BandwidthBitsPerSecond > 0)
        {
            // A FIFO queue drained at the link rate: the datagram leaves once those before it and its own bits are sent.
            double ticksPerByte = 8.0 * TimeSpan.TicksPerSecond / conditions.BandwidthBitsPerSecond;
            long start = Math.Max(now, _busyUntil);
            double queuedBytes = (start - now) / ticksPerByte;
            if (conditions.QueueLimitBytes > 0 && queuedBytes + length > conditions.QueueLimitBytes)
            {
                return Transmission.Dropped(SimulatedDatagramFate.DroppedQueueFull);
            }

            departure = start + (long)Math.Ceiling(length * ticksPerByte);
            _busyUntil = departure;
        }

        int reordered = 0;
        long due = departure + DrawDelay(conditions, random, ref reordered);
        long duplicateDue = -1;
        if (conditions.DuplicationProbability > 0 && random.NextDouble() < conditions.DuplicationProbability)
        {
            duplicateDue = departure + DrawDelay(conditions, random, ref reordered);
        }

        return new Transmission(null, due, duplicateDue, reordered);
    }

    private static long DrawDelay(LinkConditions conditions, Random random, ref int reordered)
    {
        long delay = conditions.Delay.Ticks;
        if (conditions.Jitter > TimeSpan.Zero)
        {
            delay += random.NextInt64(0, conditions.Jitter.Ticks + 1);
        }

        if (conditions.ReorderProbability > 0 && random.NextDouble() < conditions.ReorderProbability)
        {
            delay += conditions.ReorderDelay.Ticks;
            reordered++;
        }

        return delay;
    }
}

/// <summary>What a link decided for one datagram.</summary>
/// <param name="DropFate">Why it does not arrive, or null when it does.</param>
/// <param name="Due">When the first copy arrives, in ticks.</param>
/// <param name="DuplicateDue">When a duplicate arrives, in ticks, or -1 for none.</param>
/// <param name="Reordered">How many copies were held back for reordering.</param>
internal readonly record struct Transmission(SimulatedDatagramFate? DropFate, long Due, long DuplicateDue, int Reordered)
{
    /// <summary>A datagram that does not arrive.</summary>
    public static Transmission Dropped(SimulatedDatagramFate fate) => new(fate, 0, -1, 0);
}
