using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace P2PCall.WebRtc.Media;

/// <summary>Something the shared media clock drives (an audio sender or receiver).</summary>
internal interface IMediaClockTarget
{
    /// <summary>
    /// Called every <see cref="MediaClock.Resolution"/> on a timer thread with the clock's timestamp; the target works
    /// out from its own schedule whether a frame is due (usually not: a 20 ms target has work on one tick in four).
    /// </summary>
    void OnTick(long now);
}

/// <summary>
/// One clock per <see cref="TimeProvider"/>, shared by every audio sender and receiver of the process instead of
/// one timer each. With a timer per object, 2 × N connections woke a thread-pool thread 100 × N times a second at
/// scattered phases; the profile of the scale scenario showed the pool's spin-waiting and the timer queue's lock as
/// the largest cost after Opus itself. Here the targets are spread over one shard per core, each shard one timer whose
/// callback ticks its targets in turn, so the pool wakes 200 × cores times a second and the shards run in parallel.
/// The clock ticks every 5 ms, a quarter of a frame, so each target keeps its own 20 ms phase (a sender's first frame
/// leaves at its start, a receiver's playout starts a set delay after the first packet) and is served within 5 ms of
/// it; a tick costs a target one comparison when nothing is due. Targets compute the frames due from elapsed time,
/// so a late or skipped tick is caught up, never drifts.
/// </summary>
internal static class MediaClock
{
    /// <summary>How often the targets are ticked.</summary>
    internal static readonly TimeSpan Resolution = TimeSpan.FromMilliseconds(5);

    private static readonly ConditionalWeakTable<TimeProvider, Shard[]> s_shards = new();

    /// <summary>Starts ticking <paramref name="target"/> every <see cref="Resolution"/>; disposing the result stops it.</summary>
    public static IDisposable Subscribe(TimeProvider time, IMediaClockTarget target)
    {
        var shards = s_shards.GetValue(time, static t => Enumerable.Range(0, Math.Max(1, Environment.ProcessorCount)).Select(_ => new Shard(t)).ToArray());
        var least = shards[0];
        foreach (var shard in shards)
        {
            if (shard.Count < least.Count)
            {
                least = shard;
            }
        }

        return least.Add(target);
    }

    private sealed class Shard(TimeProvider time)
    {
        private readonly Lock _gate = new();
        private IMediaClockTarget[] _targets = [];
        private ITimer? _timer;
        private int _ticking;

        public int Count => Volatile.Read(ref _targets).Length;

        public IDisposable Add(IMediaClockTarget target)
        {
            lock (_gate)
            {
                _targets = [.. _targets, target];
                _timer ??= time.CreateTimer(static s => ((Shard)s!).Tick(), this, Resolution, Resolution);
            }

            return new Subscription(this, target);
        }

        public void Remove(IMediaClockTarget target)
        {
            ITimer? stopped = null;
            lock (_gate)
            {
                var index = Array.IndexOf(_targets, target);
                if (index < 0)
                {
                    return;
                }

                _targets = [.. _targets.AsSpan(0, index), .. _targets.AsSpan(index + 1)];
                if (_targets.Length == 0)
                {
                    // Nothing left to drive: no timer keeps running after the last call ends.
                    (stopped, _timer) = (_timer, null);
                }
            }

            stopped?.Dispose();
        }

        private void Tick()
        {
            // A tick that finds the previous one still running is skipped: the targets catch up from elapsed time.
            if (Interlocked.Exchange(ref _ticking, 1) != 0)
            {
                return;
            }

            try
            {
                var now = time.GetTimestamp();
                foreach (var target in Volatile.Read(ref _targets))
                {
                    try
                    {
                        target.OnTick(now);
                    }
                    catch (Exception e)
                    {
                        // An exception escaping a timer callback would end the process; the targets catch their own,
                        // so this is a bug, and one target's bug must not stop the others.
                        Trace.TraceError($"P2PCall media clock: {target.GetType().Name}.OnTick threw: {e}");
                    }
                }
            }
            finally
            {
                Volatile.Write(ref _ticking, 0);
            }
        }
    }

    private sealed class Subscription(Shard shard, IMediaClockTarget target) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                shard.Remove(target);
            }
        }
    }
}
