// The one-way conditions of a simulated link: delay, jitter, loss, duplication, reordering,
// bandwidth and queue limits. Immutable; change a link at run time by setting new conditions.
namespace P2PCall.WebRtc.Net;

/// <summary>
/// One-way conditions of a link on a <see cref="SimulatedNetwork"/>. Immutable: to change a link at run
/// time, give the network a new instance (<see cref="SimulatedNetwork.SetLink"/>).
/// </summary>
/// <remarks>
/// For each datagram the network draws, in this order: loss, then (when not lost) jitter, reordering and
/// duplication, each only when its setting is non-zero. A datagram's arrival time is its send time plus
/// the queueing and serialisation time (when <see cref="BandwidthBitsPerSecond"/> is set), plus
/// <see cref="Delay"/>, plus a uniform draw in [0, <see cref="Jitter"/>], plus <see cref="ReorderDelay"/>
/// when it is picked for reordering.
/// </remarks>
public sealed record LinkConditions
{
    /// <summary>No delay, no loss: every datagram arrives at the instant it is sent (but never inside the send call).</summary>
    public static LinkConditions Perfect { get; } = new();

    /// <summary>Every datagram is lost: the peer goes silent (counted as lost).</summary>
    public static LinkConditions Disconnected { get; } = new() { LossProbability = 1.0 };

    /// <summary>The fixed one-way propagation delay.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>The largest extra delay, drawn uniformly in [0, Jitter] per datagram. Jitter reorders datagrams sent closer together than it.</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>The probability, from 0 to 1, that a datagram is lost.</summary>
    public double LossProbability { get; init; }

    /// <summary>The probability, from 0 to 1, that a delivered datagram arrives twice (the copy with its own jitter).</summary>
    public double DuplicationProbability { get; init; }

    /// <summary>The probability, from 0 to 1, that a datagram is held back by <see cref="ReorderDelay"/>, so that later ones overtake it.</summary>
    public double ReorderProbability { get; init; }

    /// <summary>The extra delay of a datagram picked for reordering; 20 ms unless set.</summary>
    public TimeSpan ReorderDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The link's bandwidth in bits per second; 0 means unlimited. Datagrams then queue behind each other.</summary>
    public long BandwidthBitsPerSecond { get; init; }

    /// <summary>With a bandwidth set, the most bytes waiting in the link's queue; a datagram that would exceed it is dropped (tail drop). 0 means unlimited.</summary>
    public int QueueLimitBytes { get; init; }

    /// <summary>The largest datagram the link carries (a path MTU for the payload); larger ones are dropped. 0 means unlimited.</summary>
    public int MaxDatagramSize { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A delay is negative or a probability is outside [0, 1].</exception>
    internal void Validate()
    {
        ThrowIfNegative(Delay, nameof(Delay));
        ThrowIfNegative(Jitter, nameof(Jitter));
        ThrowIfNegative(ReorderDelay, nameof(ReorderDelay));
        ThrowIfNotProbability(LossProbability, nameof(LossProbability));
        ThrowIfNotProbability(DuplicationProbability, nameof(DuplicationProbability));
        ThrowIfNotProbability(ReorderProbability, nameof(ReorderProbability));
        ArgumentOutOfRangeException.ThrowIfNegative(BandwidthBitsPerSecond, nameof(BandwidthBitsPerSecond));
        ArgumentOutOfRangeException.ThrowIfNegative(QueueLimitBytes, nameof(QueueLimitBytes));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxDatagramSize, nameof(MaxDatagramSize));
    }

    private static void ThrowIfNegative(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must not be negative.");
        }
    }

    private static void ThrowIfNotProbability(double value, string name)
    {
        if (!(value >= 0.0 && value <= 1.0))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be between 0 and 1.");
        }
    }
}
