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

    /// <inheritdoc />
    public void Stop()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            Ended?.Invoke(this, EventArgs.Empty);
        }
    }
}
