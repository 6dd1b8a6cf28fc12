namespace P2PCall.WebRtc.Media.Video;

/// <summary>
/// Produces I420 frames on demand, one per tick of the sender's frame clock. <c>ReadFrame</c> should return at once
/// (null when no frame is ready): a slow read delays the frame. It is not called under a lock that the
/// <see cref="VideoSender"/>'s <c>Dispose</c> (or closing the connection) takes.
/// </summary>
public interface IVideoSource
{
    /// <summary>Frame width in pixels.</summary>
    int Width { get; }

    /// <summary>Frame height in pixels.</summary>
    int Height { get; }

    /// <summary>Frames per second the source is meant to be read at.</summary>
    int FrameRate { get; }

    /// <summary>Returns the next frame, or null when none is ready (the tick is skipped).</summary>
    /// <param name="timestamp">Time since the sender started.</param>
    /// <returns>A frame the caller now owns, or null.</returns>
    I420Frame? ReadFrame(TimeSpan timestamp);
}

/// <summary>A source of <see cref="TestPattern"/> frames whose embedded counter counts up from 0.</summary>
/// <param name="width">Width in pixels.</param>
/// <param name="height">Height in pixels.</param>
/// <param name="frameRate">Frames per second.</param>
public sealed class TestPatternVideoSource(int width = 640, int height = 480, int frameRate = 30) : IVideoSource
{
    private int _counter;

    /// <inheritdoc />
    public int Width => width;

    /// <inheritdoc />
    public int Height => height;

    /// <inheritdoc />
    public int FrameRate => frameRate;

    /// <inheritdoc />
    public I420Frame? ReadFrame(TimeSpan timestamp) => TestPattern.Draw(width, height, _counter++, timestamp);
}
