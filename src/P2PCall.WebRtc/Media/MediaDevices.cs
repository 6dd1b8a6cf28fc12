using P2PCall.WebRtc.Media.Audio;

namespace P2PCall.WebRtc.Media;

/// <summary>
/// Local media for apps without devices of their own (W3C MediaDevices): a tone generator for the microphone,
/// unless the app gives its own audio source. Tracks from here start sending as soon as they are added to a
/// connected <see cref="RTCPeerConnection"/>.
/// </summary>
/// <param name="audioSource">Makes the source of each new audio track; a 440 Hz tone when null.</param>
public sealed class MediaDevices(Func<IAudioSource>? audioSource = null) : IMediaDevices
{
    /// <inheritdoc />
    /// <exception cref="NotSupportedException">Video was asked for: the VP8 video layer is not in this build yet.</exception>
    public Task<MediaStream> GetUserMediaAsync(MediaStreamConstraints constraints, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(constraints);
        cancellationToken.ThrowIfCancellationRequested();
        if (constraints.Video)
        {
            return Task.FromException<MediaStream>(new NotSupportedException(
                "Video capture is not available in this build (the VP8 layer, issue 6, is pending); ask for audio only."));
        }

        var tracks = new List<IMediaStreamTrack>();
        if (constraints.Audio)
        {
            tracks.Add(new LocalAudioTrack(audioSource?.Invoke() ?? new ToneAudioSource(), "tone 440 Hz"));
        }

        return Task.FromResult(new MediaStream(Guid.NewGuid().ToString(), tracks));
    }
}
