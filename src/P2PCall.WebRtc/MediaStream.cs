namespace P2PCall.WebRtc;

/// <summary>A group of tracks that belong together (W3C MediaStream), for example a camera and a microphone.</summary>
public sealed class MediaStream
{
    private readonly List<IMediaStreamTrack> _tracks;

    /// <summary>Creates a stream with the given tracks.</summary>
    /// <param name="id">The stream id (the <c>msid</c> stream part, RFC 8830).</param>
    /// <param name="tracks">The tracks.</param>
    public MediaStream(string id, IEnumerable<IMediaStreamTrack> tracks)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(tracks);
        Id = id;
        _tracks = tracks.ToList();
    }

    /// <summary>The stream id.</summary>
    public string Id { get; }

    /// <summary>All tracks, in the order they were added.</summary>
    public IReadOnlyList<IMediaStreamTrack> Tracks => _tracks;

    /// <summary>The audio tracks.</summary>
    public IEnumerable<IMediaStreamTrack> AudioTracks => _tracks.Where(t => t.Kind == MediaKind.Audio);

    /// <summary>The video tracks.</summary>
    public IEnumerable<IMediaStreamTrack> VideoTracks => _tracks.Where(t => t.Kind == MediaKind.Video);
}
