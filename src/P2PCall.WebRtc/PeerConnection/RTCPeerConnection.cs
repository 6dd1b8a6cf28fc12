using P2PCall.WebRtc.Dtls;
using P2PCall.WebRtc.Ice;
using P2PCall.WebRtc.Internal;
using P2PCall.WebRtc.Jsep;
using P2PCall.WebRtc.Net;
using P2PCall.WebRtc.Sdp;

namespace P2PCall.WebRtc;

/// <summary>
/// A WebRTC peer connection (W3C webrtc-pc §4) on P2PCall's own stack: JSEP negotiation, one ICE agent for
/// the BUNDLE transport, DTLS-SRTP and SCTP on top of it.
/// </summary>
/// <remarks>
/// Methods that change negotiation state run one at a time on the connection's operations chain
/// (W3C §4.4.1.2). Events are raised on the connection's own event queue, never while it holds a lock, so
/// handlers may call any member, <see cref="Close"/> and <see cref="DisposeAsync"/> included.
/// </remarks>
public sealed partial class RTCPeerConnection : IPeerConnection
{
    private readonly RTCConfiguration _configuration;
    private readonly IDatagramNetwork _network;
    private readonly TimeProvider _time;
    private readonly JsepNegotiator _jsep;
    private readonly SerialWorkQueue _operations;
    private readonly SerialWorkQueue _events;
    private readonly Lock _gate = new();
    private readonly string _iceUfrag = IceCredentials.NewUfrag();
    private readonly string _icePassword = IceCredentials.NewPassword();
    private readonly List<RTCIceCandidateInit> _localCandidates = [];
    private IceAgent? _ice;
    private string? _remoteIceUfrag;
    private int _closed;

    /// <summary>Creates a peer connection on the machine's UDP network and clock.</summary>
    /// <param name="configuration">ICE servers, certificates, gathering policy; defaults when null.</param>
    public RTCPeerConnection(RTCConfiguration? configuration = null)
        : this(configuration, null, null)
    {
    }

    /// <summary>Creates a peer connection on a given network and clock (tests use the simulated network and a fake clock).</summary>
    /// <param name="configuration">ICE servers, certificates, gathering policy; defaults when null.</param>
    /// <param name="network">The network to gather on; real UDP when null.</param>
    /// <param name="timeProvider">The clock of every timer; the system clock when null.</param>
    public RTCPeerConnection(RTCConfiguration? configuration, IDatagramNetwork? network, TimeProvider? timeProvider)
    {
        _configuration = configuration ?? new RTCConfiguration();
        _network = network ?? UdpNetwork.Default;
        _time = timeProvider ?? TimeProvider.System;
        Certificate = _configuration.Certificates.FirstOrDefault() ?? RTCCertificate.Generate(_time);
        var fingerprints = Certificate.GetFingerprints().Select(f => new SdpFingerprint(f.Algorithm, f.Value)).ToList();
        _jsep = new JsepNegotiator(new LocalTransportInfo(_iceUfrag, _icePassword, fingerprints, IceCredentials.NewUfrag() + IceCredentials.NewUfrag()));
        _operations = new SerialWorkQueue(OnBackgroundError);
        _events = new SerialWorkQueue(OnBackgroundError);
    }

    /// <summary>The certificate this connection authenticates its DTLS handshakes with.</summary>
    public RTCCertificate Certificate { get; }

    /// <inheritdoc />
    public RTCSessionDescriptionInit? LocalDescription => Describe(_jsep.LocalDescription, local: true);

    /// <inheritdoc />
    public RTCSessionDescriptionInit? RemoteDescription => Describe(_jsep.RemoteDescription, local: false);

    /// <inheritdoc />
    public RTCPeerConnectionState ConnectionState { get; private set; }

    /// <inheritdoc />
    public RTCIceConnectionState IceConnectionState { get; private set; }

    /// <inheritdoc />
    public RTCIceGatheringState IceGatheringState { get; private set; }

    /// <inheritdoc />
    public RTCSignalingState SignalingState => _closed != 0 ? RTCSignalingState.Closed : _jsep.SignalingState;

    /// <summary>Why the connection failed, once <see cref="ConnectionState"/> is <see cref="RTCPeerConnectionState.Failed"/>.</summary>
    public Exception? FailureReason { get; private set; }

    /// <inheritdoc />
    public event EventHandler<RTCPeerConnectionIceEventArgs>? IceCandidate;

    /// <inheritdoc />
    public event EventHandler<RTCTrackEventArgs>? Track;

    /// <inheritdoc />
    public event EventHandler? NegotiationNeeded;

    /// <inheritdoc />
    public event EventHandler<RTCDataChannelEventArgs>? DataChannel;

    /// <inheritdoc />
    public event EventHandler? ConnectionStateChange;

    /// <inheritdoc />
    public event EventHandler? IceConnectionStateChange;

    /// <inheritdoc />
    public event EventHandler? IceGatheringStateChange;

    /// <inheritdoc />
    public event EventHandler? SignalingStateChange;

    /// <summary>Counters of what was dropped and why, for diagnostics.</summary>
    public IceAgentCounters? IceCounters => _ice?.Counters;

    /// <inheritdoc />
    public void Close()
    {
        // W3C §4.4.1.4 close: no events are raised for the transitions it causes.
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        NoteCloserSection();

        lock (_gate)
        {
            ConnectionState = RTCPeerConnectionState.Closed;
            IceConnectionState = RTCIceConnectionState.Closed;
        }

        _closing = CloseTransportsAsync();
    }

    /// <summary>Closes the connection and waits until every socket, timer and task it owned is released.</summary>
    public async ValueTask DisposeAsync()
    {
        Close();
        await (_closing ?? Task.CompletedTask).ConfigureAwait(false);
        await _operations.DisposeAsync().ConfigureAwait(false);
        await _events.DisposeAsync().ConfigureAwait(false);
    }

    private Task? _closing;

    private bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Runs one step of the operations chain (W3C §4.4.1.2); a closed connection refuses it with an invalid-state error.</summary>
    private Task<T> Operation<T>(Func<T> step, CancellationToken cancellationToken)
    {
        if (IsClosed)
        {
            return Task.FromException<T>(new InvalidStateException("The peer connection is closed."));
        }

        return _operations.InvokeAsync(() =>
        {
            ThrowIfClosed();
            lock (_gate)
            {
                return Task.FromResult(step());
            }
        }, cancellationToken);
    }

    private void ThrowIfClosed()
    {
        if (IsClosed)
        {
            throw new InvalidStateException("The peer connection is closed.");
        }
    }

    private void Raise(EventHandler? handler)
    {
        if (handler is not null && !IsClosed)
        {
            _events.Post(() => handler(this, EventArgs.Empty));
        }
    }

    private void Raise<T>(EventHandler<T>? handler, T args)
    {
        if (handler is not null && !IsClosed)
        {
            _events.Post(() => handler(this, args));
        }
    }

    private static void OnBackgroundError(Exception exception) =>
        System.Diagnostics.Trace.TraceError($"RTCPeerConnection: unexpected error: {exception}");

    private RTCSessionDescriptionInit? Describe(SessionDescription? sdp, bool local)
    {
        if (sdp is null)
        {
            return null;
        }

        var type = ReferenceEquals(sdp, local ? _jsep.CurrentLocal : _jsep.CurrentRemote)
            ? (local == _jsep.IsOfferer ? RTCSdpType.Offer : RTCSdpType.Answer)
            : (local ? (_jsep.SignalingState == RTCSignalingState.HaveLocalOffer ? RTCSdpType.Offer : RTCSdpType.Pranswer)
                     : (_jsep.SignalingState == RTCSignalingState.HaveRemoteOffer ? RTCSdpType.Offer : RTCSdpType.Pranswer));
        return new RTCSessionDescriptionInit(type, sdp.ToString());
    }
}
