// Test helper: advances a FakeTimeProvider in small steps. Since Microsoft.Extensions.TimeProvider.Testing
// 10.x, one Advance sets the clock to its target first and then runs every timer due in between, so
// callbacks all see the target time and a timer re-armed inside a callback waits for the next Advance.
// Stepping gives each delivery (and each reply to it) its own time, to the step's resolution.
using Microsoft.Extensions.Time.Testing;

namespace P2PCall.WebRtc.Tests.Net;

internal static class FakeTimeProviderExtensions
{
    /// <summary>Advances by <paramref name="total"/> in steps of <paramref name="step"/> (1 ms when not given).</summary>
    public static void AdvanceInSteps(this FakeTimeProvider time, TimeSpan total, TimeSpan? step = null)
    {
        var size = step ?? TimeSpan.FromMilliseconds(1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(size, TimeSpan.Zero);
        for (var done = TimeSpan.Zero; done < total;)
        {
            var next = size < total - done ? size : total - done;
            time.Advance(next);
            done += next;
        }
    }
}
