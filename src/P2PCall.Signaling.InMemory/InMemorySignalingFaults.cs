namespace P2PCall.Signaling.InMemory;

/// <summary>
/// Faults the in-memory hub injects into delivery, drawn from a seeded random generator so that a test
/// replays the same faults on every run.
/// </summary>
public sealed class InMemorySignalingFaults
{
    /// <summary>No faults: in-order, immediate, exactly-once delivery.</summary>
    public static InMemorySignalingFaults None { get; } = new();

    /// <summary>The seed of the fault generator.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Latency added to every delivered message (order is kept).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Probability that a message is dropped.</summary>
    public double DropProbability { get; init; }

    /// <summary>Probability that a message is delivered twice.</summary>
    public double DuplicateProbability { get; init; }

    /// <summary>Probability that a message is held back and delivered after the next message to the same user.</summary>
    public double ReorderProbability { get; init; }

    /// <summary>How long a held-back message waits for a next message before it is delivered anyway.</summary>
    public TimeSpan ReorderHoldTime { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Only messages of these events suffer faults; empty means all events.</summary>
    public IReadOnlyCollection<string> Events { get; init; } = [];

    internal void Validate()
    {
        static void CheckProbability(double p, string name)
        {
            if (p is < 0 or > 1 || double.IsNaN(p))
            {
                throw new ArgumentOutOfRangeException(name, p, "A probability is between 0 and 1.");
            }
        }

        CheckProbability(DropProbability, nameof(DropProbability));
        CheckProbability(DuplicateProbability, nameof(DuplicateProbability));
        CheckProbability(ReorderProbability, nameof(ReorderProbability));
        ArgumentOutOfRangeException.ThrowIfLessThan(Delay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReorderHoldTime, TimeSpan.Zero);
    }
}
