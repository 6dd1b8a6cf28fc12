using P2PCall.WebRtc.Net;

namespace P2PCall.WebRtc;

/// <summary>Creates <see cref="RTCPeerConnection"/>s on one network and clock.</summary>
/// <param name="network">The network to gather on; the machine's UDP when null.</param>
/// <param name="timeProvider">The clock of every timer; the system clock when null.</param>
public sealed class RTCPeerConnectionFactory(IDatagramNetwork? network = null, TimeProvider? timeProvider = null) : IPeerConnectionFactory
{
    /// <inheritdoc />
    public IPeerConnection Create(RTCConfiguration configuration) => new RTCPeerConnection(configuration, network, timeProvider);
}
