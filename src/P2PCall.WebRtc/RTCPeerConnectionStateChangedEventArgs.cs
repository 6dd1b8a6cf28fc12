namespace P2PCall.WebRtc;

/// <summary>
/// The arguments of <see cref="IPeerConnection.ConnectionStateChange"/>: the state the connection entered. Events
/// are delivered on the connection's event queue, after the fact; by then
/// <see cref="IPeerConnection.ConnectionState"/> may have moved on, so a handler that must see every state reads
/// <see cref="State"/>.
/// </summary>
/// <param name="state">The state entered.</param>
public sealed class RTCPeerConnectionStateChangedEventArgs(RTCPeerConnectionState state) : EventArgs
{
    /// <summary>The state the connection entered when this event was raised.</summary>
    public RTCPeerConnectionState State { get; } = state;
}
