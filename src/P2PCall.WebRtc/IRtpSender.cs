namespace P2PCall.WebRtc;

/// <summary>Sends one local track to the remote side (W3C RTCRtpSender).</summary>
public interface IRtpSender
{
    /// <summary>The track being sent, or null when none is attached.</summary>
    IMediaStreamTrack? Track { get; }
}
