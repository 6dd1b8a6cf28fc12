namespace P2PCall.WebRtc.Media.Video;

/// <summary>
/// A video source the application feeds with its own I420 frames (a real camera, a screen grabber, a renderer).
/// The sender reads one frame per tick of its frame clock; pushed frames wait in a small bounded queue that drops
/// the oldest when the app pushes faster than the sender reads (counted in <see cref="FramesDropped"/>), so latency
/// stays bounded. A tick with nothing queued sends nothing. Thread-safe.
/// </summary>
public sealed class PushVideoSource : IVideoSource
{
    private readonly Lock _gate = new();
    private readonly Queue<I420Frame> _queue;
    private readonly int _capacity;
    private long _pushed;
    private long _dropped;

    /// <summary>Creates a source.</summary>
    /// <param name="width">Width of every pushed frame, in pixels.</param>
    /// <param name="height">Height of every pushed frame, in pixels.</param>
    /// <param name="frameRate">Frames per second the sender reads.</param>
    /// <param name="capacity">Frames queued at most. Default 2.</param>
    public PushVideoSource(int width, int height, int frameRate = 30, int capacity = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(frameRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Width = width;
        Height = height;
        FrameRate = frameRate;
        _capacity = capacity;
        _queue = new Queue<I420Frame>(capacity);
    }

    /// <inheritdoc />
    public int Width { get; }

    /// <inheritdoc />
    public int Height { get; }

    /// <inheritdoc />
    public int FrameRate { get; }

    /// <summary>Frames accepted.</summary>
    public long FramesPushed => Interlocked.Read(ref _pushed);

    /// <summary>Frames dropped unsent because newer ones replaced them in the full queue.</summary>
    public long FramesDropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues a frame; the source keeps it, so do not write to it afterwards.</summary>
    /// <param name="frame">A frame of <see cref="Width"/> × <see cref="Height"/>.</param>
    /// <exception cref="ArgumentException">The frame has another size.</exception>
    public void Push(I420Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Width != Width || frame.Height != Height)
        {
            throw new ArgumentException($"Expected {Width}×{Height}, got {frame.Width}×{frame.Height}.", nameof(frame));
        }

        lock (_gate)
        {
            if (_queue.Count == _capacity)
            {
                _queue.Dequeue();
                _dropped++;
            }

            _queue.Enqueue(frame);
            _pushed++;
        }
    }

    /// <summary>Queues a copy of a tightly packed I420 picture (Y plane, then U, then V).</summary>
    /// <param name="width">Its width; must equal <see cref="Width"/>.</param>
    /// <param name="height">Its height; must equal <see cref="Height"/>.</param>
    /// <param name="i420">The planes, <see cref="I420Frame.GetBufferSize"/> bytes.</param>
    /// <param name="timestamp">Its capture time.</param>
    /// <exception cref="ArgumentException">Another size, or the buffer is too short.</exception>
    public void Push(int width, int height, ReadOnlySpan<byte> i420, TimeSpan timestamp)
    {
        if (width != Width || height != Height)
        {
            throw new ArgumentException($"Expected {Width}×{Height}, got {width}×{height}.", nameof(width));
        }

        if (i420.Length < I420Frame.GetBufferSize(width, height))
        {
            throw new ArgumentException($"An I420 {width}×{height} picture has {I420Frame.GetBufferSize(width, height)} bytes, got {i420.Length}.", nameof(i420));
        }

        var frame = new I420Frame(width, height, timestamp);
        int y = frame.Y.Length;
        int c = frame.U.Length;
        i420[..y].CopyTo(frame.Y);
        i420.Slice(y, c).CopyTo(frame.U);
        i420.Slice(y + c, c).CopyTo(frame.V);
        Push(frame);
    }

    /// <inheritdoc />
    public I420Frame? ReadFrame(TimeSpan timestamp)
    {
        lock (_gate)
        {
            return _queue.TryDequeue(out var frame) ? frame : null;
        }
    }
}
