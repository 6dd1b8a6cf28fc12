namespace P2PCall.WebRtc.Media.Audio;

/// <summary>
/// A local audio track (W3C MediaStreamTrack of kind audio) over an <see cref="IAudioSource"/>. It is itself
/// a source, so an <see cref="AudioSender"/> can send it: while <see cref="Enabled"/> is false it yields
/// silence (W3C mediacapture-main §4.3.1), after <see cref="Stop"/> or the end of its source it ends.
/// </summary>
public sealed class LocalAudioTrack : IMediaStreamTrack, IAudioSource
{
    private readonly IAudioSource _source;
    private int _ended;

    /// <summary>Creates a track.</summary>
    /// <param name="source">The audio.</param>
    /// <param name="label">A label, for example a device name.</param>
    public LocalAudioTrack(IAudioSource source, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        AudioFormat.Validate(source.SampleRate, source.Channels);
        _source = source;
        Label = label ?? source.GetType().Name;
    }

    /// <summary>The wrapped source.</summary>
    public IAudioSource Source => _source;

    /// <inheritdoc />
    public string Id { get; } = Guid.NewGuid().ToString();

    /// <inheritdoc />
    public MediaKind Kind => MediaKind.Audio;

    /// <inheritdoc />
    public string Label { get; }

    /// <inheritdoc />
    public bool Enabled { get; set; } = true;

    /// <inheritdoc />
    public MediaStreamTrackState ReadyState => _ended != 0 ? MediaStreamTrackState.Ended : MediaStreamTrackState.Live;

    /// <inheritdoc />
    public int SampleRate => _source.SampleRate;

    /// <inheritdoc />
    public int Channels => _source.Channels;

    /// <summary>
    /// Raised once when the track ends: on the caller's thread for <see cref="Stop"/>; on a thread-pool thread when its
    /// source ends (the reader is an <see cref="AudioSender"/> on the shared media clock, which drives every audio stream
    /// of the process: a handler that hung up the call, or blocked, must not run there).
    /// </summary>
    public event EventHandler? Ended;

    /// <inheritdoc />
    public AudioReadResult ReadFrame(Span<short> frame)
    {
        if (_ended != 0)
        {
            return AudioReadResult.Ended;
        }

        var result = _source.ReadFrame(frame);
        if (result == AudioReadResult.Ended)
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                ThreadPool.QueueUserWorkItem(static t => t.OnEndedOffThread(), this, preferLocal: false);
            }

            return result;
        }

        if (!Enabled && result == AudioReadResult.Frame)
        {
            frame[..(AudioFormat.FrameSamples(SampleRate) * Channels)].Clear();
        }

        return result;
    }

    /// <inheritdoc />
    public void Stop()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            OnEnded();
        }
    }

    private void OnEndedOffThread()
    {
        try
        {
            OnEnded();
        }
#pragma warning disable CA1031 // an exception escaping a pool work item would end the process
        catch (Exception e)
#pragma warning restore CA1031
        {
            System.Diagnostics.Trace.TraceError($"P2PCall LocalAudioTrack: the Ended handler or the source's Dispose threw: {e}");
        }
    }

    private void OnEnded()
    {
        (_source as IDisposable)?.Dispose();
        Ended?.Invoke(this, EventArgs.Empty);
    }
}
