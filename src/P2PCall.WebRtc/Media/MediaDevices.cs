using P2PCall.WebRtc.Media.Audio;
using P2PCall.WebRtc.Media.Video;

namespace P2PCall.WebRtc.Media;

/// <summary>
/// Local media for apps without devices of their own (W3C MediaDevices): a tone generator for the microphone and
/// a moving test pattern (640×480, 30 fps, with a frame counter) for the camera, unless the app gives its own sources. Tracks from here start sending as soon as they are added to a
/// connected <see cref="RTCPeerConnection"/>.
/// </summary>
/// <param name="audioSource">Makes the source of each new audio track; a 440 Hz tone when null.</param>
/// <param name="videoSource">Makes the source of each new video track; a 640×480 test pattern when null.</param>
public sealed class MediaDevices(Func<IAudioSource>? audioSource = null, Func<IVideoSource>? videoSource = null) : IMediaDevices
{
    /// <inheritdoc />
    /// <exception cref="Video.Vpx.VpxLibraryUnavailableException">Video was asked for and libvpx 1.12+ (libvpx.so.7) is missing.</exception>
    public Task<MediaStream> GetUserMediaAsync(MediaStreamConstraints constraints, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(constraints);
        cancellationToken.ThrowIfCancellationRequested();
        var tracks = new List<IMediaStreamTrack>();
        if (constraints.Audio)
        {
            tracks.Add(new LocalAudioTrack(audioSource?.Invoke() ?? new ToneAudioSource(), "tone 440 Hz"));
        }

        if (constraints.Video)
        {
            Video.Vpx.VpxLibrary.EnsureAvailable(); // a clear error now rather than a silent camera later
            tracks.Add(new LocalVideoTrack(videoSource?.Invoke() ?? new TestPatternVideoSource(), "test pattern"));
        }

        return Task.FromResult(new MediaStream(Guid.NewGuid().ToString(), tracks));
    }
}
