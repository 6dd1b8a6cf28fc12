namespace P2PCall.WebRtc;

/// <summary>A single audio or video track (W3C MediaStreamTrack).</summary>
public interface IMediaStreamTrack
{
    /// <summary>A unique identifier of the track.</summary>
    string Id { get; }

    /// <summary>Audio or video.</summary>
    MediaKind Kind { get; }

    /// <summary>A human readable label of the source, for example a device name.</summary>
    string Label { get; }

    /// <summary>When false the track sends silence or black frames.</summary>
    bool Enabled { get; set; }

    /// <summary>Live or ended.</summary>
    MediaStreamTrackState ReadyState { get; }

    /// <summary>The track ended, by <see cref="Stop"/> or because its source ended.</summary>
    event EventHandler? Ended;

    /// <summary>Stops the track and releases its source; idempotent.</summary>
    void Stop();
}
