namespace P2PCall.WebRtc.Media;

/// <summary>
/// The frame times of one media clock target: frame n is due at start + n × frame duration, on the target's own
/// phase. The shared clock's ticks ask <see cref="IsDue"/> without a lock (one comparison); the target then takes the
/// frames due under its own lock with <see cref="Take"/>, so a late tick catches up instead of drifting. Frame times
/// are computed exactly from the start (no rounded frame length adds up).
/// </summary>
internal sealed class FrameSchedule
{
    private readonly Int128 _frameTicks;
    private readonly long _frequency;
    private long _start;
    private long _taken;
    private long _nextDue = long.MaxValue;

    /// <summary>A schedule of <paramref name="frame"/>-long frames in <paramref name="time"/>'s timestamps, not started.</summary>
    public FrameSchedule(TimeProvider time, TimeSpan frame)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(frame, TimeSpan.Zero);
        _frameTicks = frame.Ticks;
        _frequency = time.TimestampFrequency;
    }

    /// <summary>True between <see cref="Start"/> and <see cref="Stop"/>.</summary>
    public bool IsStarted => Volatile.Read(ref _nextDue) != long.MaxValue;

    /// <summary>When the next frame not yet taken is due (a timestamp); <see cref="long.MaxValue"/> when stopped.</summary>
    public long NextDue => Volatile.Read(ref _nextDue);

    /// <summary>Frame 0 is due at <paramref name="start"/> (a timestamp, may lie in the future); no frame has been taken.</summary>
    public void Start(long start)
    {
        _start = start;
        _taken = 0;
        Volatile.Write(ref _nextDue, start);
    }

    /// <summary>Frame 0 is due <paramref name="delay"/> after <paramref name="now"/> (a timestamp); no frame has been taken.</summary>
    public void StartAfter(long now, TimeSpan delay) =>
        Start(now + (long)((Int128)delay.Ticks * _frequency / TimeSpan.TicksPerSecond));

    /// <summary>No frame is due until the next <see cref="Start"/>.</summary>
    public void Stop() => Volatile.Write(ref _nextDue, long.MaxValue);

    /// <summary>Whether a frame not yet taken is due at <paramref name="now"/>; lock-free, for the clock's tick.</summary>
    public bool IsDue(long now) => now >= Volatile.Read(ref _nextDue);

    /// <summary>Marks every frame due at <paramref name="now"/> as taken and returns how many there were (0 when none, or stopped).</summary>
    public long Take(long now)
    {
        if (!IsStarted || now < _start)
        {
            return 0;
        }

        // Frames begun by now: floor(elapsed / frame) + 1, in 128 bits so hours at a GHz timestamp cannot overflow.
        var begun = (long)((Int128)(now - _start) * TimeSpan.TicksPerSecond / (_frameTicks * _frequency)) + 1;
        var due = begun - _taken;
        if (due <= 0)
        {
            return 0;
        }

        _taken = begun;

        // The next frame's time, rounded up so IsDue never fires before it.
        var next = ((Int128)_taken * _frameTicks * _frequency) + TimeSpan.TicksPerSecond - 1;
        Volatile.Write(ref _nextDue, _start + (long)(next / TimeSpan.TicksPerSecond));
        return due;
    }
}
