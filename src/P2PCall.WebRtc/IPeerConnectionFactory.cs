namespace P2PCall.WebRtc;

/// <summary>Creates peer connections; the seam a session uses in place of <c>new RTCPeerConnection()</c>.</summary>
public interface IPeerConnectionFactory
{
    /// <summary>Creates a new peer connection with the given configuration.</summary>
    /// <param name="configuration">ICE servers, gathering policy and other options.</param>
    IPeerConnection Create(RTCConfiguration configuration);
}
