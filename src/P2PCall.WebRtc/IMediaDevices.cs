namespace P2PCall.WebRtc;

/// <summary>Requests for local media (W3C MediaStreamConstraints, reduced to what P2PCall supports).</summary>
public sealed class MediaStreamConstraints
{
    /// <summary>Request an audio track.</summary>
    public bool Audio { get; init; }

    /// <summary>Request a video track.</summary>
    public bool Video { get; init; }
}

/// <summary>Gives access to local media sources (W3C MediaDevices).</summary>
public interface IMediaDevices
{
    /// <summary>Returns a stream with the requested local tracks (the seed's <c>getLocalUserMedia</c>).</summary>
    /// <param name="constraints">Which kinds of media are wanted.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<MediaStream> GetUserMediaAsync(MediaStreamConstraints constraints, CancellationToken cancellationToken = default);
}
