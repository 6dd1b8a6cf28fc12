namespace P2PCall.WebRtc;

/// <summary>
/// A WebRTC peer connection, shaped after the W3C <c>RTCPeerConnection</c>.
/// </summary>
/// <remarks>
/// Events are raised on the connection's own event dispatcher, never while the connection holds a
/// lock: a handler may call any member, <see cref="Close"/> and <see cref="IAsyncDisposable.DisposeAsync"/>
/// included, without deadlocking.
/// </remarks>
public interface IPeerConnection : IAsyncDisposable
{
    /// <summary>The description last applied with <see cref="SetLocalDescriptionAsync"/>, or null.</summary>
    RTCSessionDescriptionInit? LocalDescription { get; }

    /// <summary>The description last applied with <see cref="SetRemoteDescriptionAsync"/>, or null.</summary>
    RTCSessionDescriptionInit? RemoteDescription { get; }

    /// <summary>The aggregate connection state.</summary>
    RTCPeerConnectionState ConnectionState { get; }

    /// <summary>The ICE connection state.</summary>
    RTCIceConnectionState IceConnectionState { get; }

    /// <summary>The ICE gathering state.</summary>
    RTCIceGatheringState IceGatheringState { get; }

    /// <summary>The offer/answer state.</summary>
    RTCSignalingState SignalingState { get; }

    /// <summary>A local ICE candidate was gathered; <see cref="RTCPeerConnectionIceEventArgs.Candidate"/> is null once gathering has finished.</summary>
    event EventHandler<RTCPeerConnectionIceEventArgs>? IceCandidate;

    /// <summary>A remote track arrived (the seed's <c>ontrack</c>).</summary>
    event EventHandler<RTCTrackEventArgs>? Track;

    /// <summary>Renegotiation is needed (the seed logs it).</summary>
    event EventHandler? NegotiationNeeded;

    /// <summary>The remote side opened a data channel (the seed's <c>ondatachannel</c>).</summary>
    event EventHandler<RTCDataChannelEventArgs>? DataChannel;

    /// <summary><see cref="ConnectionState"/> changed.</summary>
    event EventHandler? ConnectionStateChange;

    /// <summary><see cref="IceConnectionState"/> changed.</summary>
    event EventHandler? IceConnectionStateChange;

    /// <summary><see cref="IceGatheringState"/> changed.</summary>
    event EventHandler? IceGatheringStateChange;

    /// <summary><see cref="SignalingState"/> changed.</summary>
    event EventHandler? SignalingStateChange;

    /// <summary>Creates an offer (JSEP, RFC 8829 §5.2).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<RTCSessionDescriptionInit> CreateOfferAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates an answer to the applied remote offer (JSEP, RFC 8829 §5.3).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<RTCSessionDescriptionInit> CreateAnswerAsync(CancellationToken cancellationToken = default);

    /// <summary>Applies a local description; gathering starts with the first one.</summary>
    /// <param name="description">The offer or answer this side created.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task SetLocalDescriptionAsync(RTCSessionDescriptionInit description, CancellationToken cancellationToken = default);

    /// <summary>Applies the remote side's description.</summary>
    /// <param name="description">The offer or answer the remote side sent.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task SetRemoteDescriptionAsync(RTCSessionDescriptionInit description, CancellationToken cancellationToken = default);

    /// <summary>Adds a remote ICE candidate (trickle ICE, RFC 8838); null or an empty candidate means end of candidates.</summary>
    /// <param name="candidate">The candidate the remote side sent.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task AddIceCandidateAsync(RTCIceCandidateInit? candidate, CancellationToken cancellationToken = default);

    /// <summary>Adds a local track to be sent to the remote side.</summary>
    /// <param name="track">The track.</param>
    /// <param name="streams">The streams the remote side should associate the track with.</param>
    /// <returns>The sender that carries the track.</returns>
    IRtpSender AddTrack(IMediaStreamTrack track, params MediaStream[] streams);

    /// <summary>Creates a data channel (RFC 8831).</summary>
    /// <param name="label">The channel's label, for example <c>chat</c>.</param>
    /// <param name="options">Reliability, ordering and negotiation options.</param>
    IDataChannel CreateDataChannel(string label, RTCDataChannelInit? options = null);

    /// <summary>Closes the connection; further calls to other members throw an invalid-state error.</summary>
    void Close();
}
