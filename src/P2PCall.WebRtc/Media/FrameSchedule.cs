namespace P2PCall.WebRtc.Media;

/// <summary>
/// The frame times of one media clock target: frame n is due at start + n × frame duration, on the target's own
/// phase. The shared clock's ticks ask <see cref="IsDue"/> without a lock (one comparison); the target then takes the
/// frames due under its own lock with <see cref="Take"/>, so a late tick catches up instead of drifting.
/// </summary>
internal sealed class FrameSchedule
{
    private readonly long _frameStamps;
    private long _start;
    private long _taken;
    private long _nextDue = long.MaxValue;

    /// <summary>A schedule of <paramref name="frame"/>-long frames in <paramref name="time"/>'s timestamps, not started.</summary>
    public FrameSchedule(TimeProvider time, TimeSpan frame)
    {
        _frameStamps = Math.Max(1, (long)(frame.Ticks * (double)time.TimestampFrequency / TimeSpan.TicksPerSecond));
    }

    /// <summary>The length of a frame in timestamp units.</summary>
    public long FrameStamps => _frameStamps;

    /// <summary>True once <see cref="Start"/> has been called.</summary>
    public bool IsStarted => Volatile.Read(ref _nextDue) != long.MaxValue;

    /// <summary>Frame 0 is due at <paramref name="start"/> (a timestamp, may lie in the future); no frame has been taken.</summary>
    public void Start(long start)
    {
        _start = start;
        _taken = 0;
        Volatile.Write(ref _nextDue, start);
    }

    /// <summary>Whether a frame not yet taken is due at <paramref name="now"/>; lock-free, for the clock's tick.</summary>
    public bool IsDue(long now) => now >= Volatile.Read(ref _nextDue);

    /// <summary>Marks every frame due at <paramref name="now"/> as taken and returns how many there were (0 when none, or not started).</summary>
    public long Take(long now)
    {
        if (!IsStarted || now < _start)
        {
            return 0;
        }

        var due = ((now - _start) / _frameStamps) + 1 - _taken;
        if (due <= 0)
        {
            return 0;
        }

        _taken += due;
        Volatile.Write(ref _nextDue, _start + (_taken * _frameStamps));
        return due;
    }
}
