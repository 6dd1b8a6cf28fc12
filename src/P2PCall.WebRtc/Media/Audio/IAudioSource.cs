namespace P2PCall.WebRtc.Media.Audio;

/// <summary>The outcome of <see cref="IAudioSource.ReadFrame"/>.</summary>
public enum AudioReadResult
{
    /// <summary>A full frame was written.</summary>
    Frame,

    /// <summary>No audio now (for example an app source with nothing queued): nothing is sent for this slot.</summary>
    NoData,

    /// <summary>The source has ended; no more frames will come.</summary>
    Ended,
}

/// <summary>
/// A producer of 20 ms frames of interleaved 16-bit PCM, read on the sender's clock. <see cref="ReadFrame"/> must return
/// at once (<see cref="AudioReadResult.NoData"/> when nothing is ready), never block: it runs on the shared media clock,
/// which drives every audio sender and receiver of the process in turn. It is not called under a lock that
/// <see cref="AudioSender.Stop"/>, <c>Dispose</c> or closing the connection take, so it may call them.
/// </summary>
public interface IAudioSource
{
    /// <summary>Samples per second per channel.</summary>
    int SampleRate { get; }

    /// <summary>1 or 2.</summary>
    int Channels { get; }

    /// <summary>Writes the next 20 ms frame: <c>SampleRate / 50 * Channels</c> interleaved samples.</summary>
    /// <param name="frame">The destination, exactly one frame long.</param>
    AudioReadResult ReadFrame(Span<short> frame);
}

/// <summary>
/// Receives decoded audio frames, on the shared media clock's thread: <see cref="Write"/> must not block (queue the frame
/// for a device instead), or every audio stream of the process on that clock stalls.
/// </summary>
public interface IAudioSink
{
    /// <summary>Consumes one frame. The frame's memory stays valid after the call (see <see cref="AudioFrame"/>).</summary>
    /// <param name="frame">The frame.</param>
    void Write(AudioFrame frame);
}

/// <summary>Helpers shared by sources.</summary>
internal static class AudioFormat
{
    /// <summary>Samples per channel in 20 ms.</summary>
    public static int FrameSamples(int sampleRate) => sampleRate / 50;

    public static void Validate(int sampleRate, int channels)
    {
        if (sampleRate < 8000 || sampleRate > 192_000 || sampleRate % 50 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "The sample rate must be 8000–192000 Hz and a multiple of 50.");
        }

        if (channels is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Only mono and stereo are supported.");
        }
    }
}
