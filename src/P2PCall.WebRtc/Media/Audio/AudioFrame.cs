namespace P2PCall.WebRtc.Media.Audio;

/// <summary>
/// A block of interleaved 16-bit PCM audio (normally 20 ms).
/// </summary>
/// <remarks>
/// Ownership: a frame handed to the application (by <see cref="AudioReceiver"/> or a source) owns its
/// sample memory; nothing in this library writes to it afterwards, so the application may keep it.
/// Frames handed to the library (<see cref="PushAudioSource.TryPush(AudioFrame)"/>, <see cref="IAudioSink.Write"/>) are
/// read during the call or copied; the caller may reuse its buffer afterwards.
/// </remarks>
/// <param name="Samples">Interleaved samples: <c>SamplesPerChannel * Channels</c> values.</param>
/// <param name="SampleRate">Samples per second per channel.</param>
/// <param name="Channels">1 (mono) or 2 (stereo, left first).</param>
/// <param name="Timestamp">The media time of the first sample, from the start of the stream.</param>
public sealed record AudioFrame(ReadOnlyMemory<short> Samples, int SampleRate, int Channels, TimeSpan Timestamp)
{
    /// <summary>The number of samples in each channel.</summary>
    public int SamplesPerChannel => Channels == 0 ? 0 : Samples.Length / Channels;

    /// <summary>The time the frame covers.</summary>
    public TimeSpan Duration => SampleRate == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(SamplesPerChannel * TimeSpan.TicksPerSecond / SampleRate);
}
