namespace P2PCall.WebRtc.Media.Video;

/// <summary>
/// A local camera-like track over an <see cref="IVideoSource"/> (a test pattern by default). Added to an
/// <see cref="RTCPeerConnection"/>, it is encoded as VP8 and sent by itself once the transport is secure.
/// </summary>
public sealed class LocalVideoTrack : IMediaStreamTrack
{
    private int _ended;

    /// <summary>Creates the track.</summary>
    /// <param name="source">Where frames come from.</param>
    /// <param name="label">A label, for example a device name.</param>
    public LocalVideoTrack(IVideoSource source, string? label = null)
    {
        Source = source ?? throw new ArgumentNullException(nameof(source));
        Label = label ?? "video source";
    }

    /// <summary>The frame source.</summary>
    public IVideoSource Source { get; }

    /// <inheritdoc />
    public string Id { get; } = Guid.NewGuid().ToString();

    /// <inheritdoc />
    public MediaKind Kind => MediaKind.Video;

    /// <inheritdoc />
    public string Label { get; }

    /// <inheritdoc />
    public bool Enabled { get; set; } = true;

    /// <inheritdoc />
    public MediaStreamTrackState ReadyState => _ended != 0 ? MediaStreamTrackState.Ended : MediaStreamTrackState.Live;

    /// <inheritdoc />
    public event EventHandler? Ended;

    /// <summary>
    /// The local preview (the seed's <c>setDomVideoStream</c>): each frame read from <see cref="Source"/> to be sent,
    /// raised on the sender's frame-timer thread after it is encoded, outside any lock. The frame is shared with the
    /// encoder but no longer written: keep it, do not modify it. Frames flow while the track is being sent.
    /// </summary>
    public event EventHandler<I420Frame>? FrameCaptured;

    internal void OnFrameCaptured(I420Frame frame)
    {
        if (Enabled)
        {
            FrameCaptured?.Invoke(this, frame);
        }
    }

    /// <inheritdoc />
    public void Stop()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            Ended?.Invoke(this, EventArgs.Empty);
        }
    }
}
