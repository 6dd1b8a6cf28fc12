using P2PCall.WebRtc.Ice;
using IceGathering = P2PCall.WebRtc.Ice.IceGatheringState;
using IceState = P2PCall.WebRtc.Ice.IceConnectionState;
using P2PCall.WebRtc.Jsep;
using P2PCall.WebRtc.Net;
using P2PCall.WebRtc.Sdp;

namespace P2PCall.WebRtc;

/// <summary>Offer/answer and trickle ICE (W3C webrtc-pc §4.4.1, JSEP RFC 8829, RFC 8838).</summary>
public sealed partial class RTCPeerConnection
{
    /// <inheritdoc />
    public Task<RTCSessionDescriptionInit> CreateOfferAsync(CancellationToken cancellationToken = default) =>
        Operation(() => new RTCSessionDescriptionInit(RTCSdpType.Offer, _jsep.CreateOffer().ToString()), cancellationToken);

    /// <inheritdoc />
    public Task<RTCSessionDescriptionInit> CreateAnswerAsync(CancellationToken cancellationToken = default) =>
        Operation(() => new RTCSessionDescriptionInit(RTCSdpType.Answer, _jsep.CreateAnswer().ToString()), cancellationToken);

    /// <inheritdoc />
    public Task SetLocalDescriptionAsync(RTCSessionDescriptionInit description, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(description);
        return Operation(() =>
        {
            var before = _jsep.SignalingState;
            _jsep.SetLocal(description.Type, Parse(description));
            AfterDescription(before);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task SetRemoteDescriptionAsync(RTCSessionDescriptionInit description, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(description);
        return Operation(() =>
        {
            var before = _jsep.SignalingState;
            var result = _jsep.SetRemote(description.Type, Parse(description));
            if (result.Transport is { } remote)
            {
                EnsureIceAgent();
                _remoteIceUfrag = remote.IceUfrag;
                _remoteTransport = remote;
                _ice!.SetRemoteCredentials(remote.IceUfrag, remote.IcePwd);
                foreach (var candidate in remote.Candidates)
                {
                    AddRemoteCandidate(candidate);
                }

                if (remote.EndOfCandidates)
                {
                    _ice.AddRemoteEndOfCandidates();
                }
            }

            var waiting = _candidatesBeforeRemote.ToArray();
            _candidatesBeforeRemote.Clear();
            foreach (var early in waiting)
            {
                try
                {
                    ApplyCandidate(early);
                }
                catch (IceCandidateException)
                {
                    // One unusable early candidate must not refuse the description that made the others usable.
                }
            }

            foreach (var transceiver in result.NewlyReceiving)
            {
                OnRemoteTrack(transceiver);
            }

            AfterDescription(before);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task AddIceCandidateAsync(RTCIceCandidateInit? candidate, CancellationToken cancellationToken = default) =>
        Operation(() =>
        {
            // W3C §4.4.1.6 rejects a candidate without a remote description. Signaling races make that common
            // (the seed's callee does not await setRemoteDescription), so we keep such candidates, bounded, and
            // apply them right after the remote description instead.
            if (_jsep.RemoteDescription is not { } remote)
            {
                if (_candidatesBeforeRemote.Count >= MaxCandidatesBeforeRemote)
                {
                    throw new InvalidStateException($"addIceCandidate: {MaxCandidatesBeforeRemote} candidates already wait for a remote description.");
                }

                _candidatesBeforeRemote.Add(candidate);
                return true;
            }

            ApplyCandidate(candidate);
            return true;
        }, cancellationToken);

    private const int MaxCandidatesBeforeRemote = 256;
    private readonly List<RTCIceCandidateInit?> _candidatesBeforeRemote = [];

    private void ApplyCandidate(RTCIceCandidateInit? candidate)
    {
        var remote = _jsep.RemoteDescription!;
        if (candidate is null || candidate.Candidate.Length == 0)
        {
            _ice?.AddRemoteEndOfCandidates(); // RFC 8838 §4.2: end of candidates
            return;
        }

        var byMid = candidate.SdpMid is { } mid && remote.FindMediaByMid(mid) is not null;
        var byIndex = candidate.SdpMLineIndex is { } index && index < remote.Media.Count;
        if (!byMid && !byIndex)
        {
            throw new IceCandidateException($"The candidate names no m-line of the remote description (sdpMid '{candidate.SdpMid}', sdpMLineIndex {candidate.SdpMLineIndex}).");
        }

        if (candidate.UsernameFragment is { } ufrag && _remoteIceUfrag is not null && ufrag != _remoteIceUfrag)
        {
            return; // W3C: a candidate of another ICE generation is ignored
        }

        AddRemoteCandidate(candidate);
    }

    private void AddRemoteCandidate(RTCIceCandidateInit init)
    {
        if (!Ice.IceCandidate.TryParse(init.Candidate, out var candidate, out var error))
        {
            throw new IceCandidateException($"The candidate '{init.Candidate}' cannot be read: {error} (RFC 8839 §5.1).");
        }

        _ice!.AddRemoteCandidate(candidate);
    }

    private static SessionDescription Parse(RTCSessionDescriptionInit description) =>
        description.Type == RTCSdpType.Rollback ? new SessionDescription() : SessionDescription.Parse(description.Sdp);

    private void AfterDescription(RTCSignalingState before)
    {
        if (_jsep.SignalingState != before)
        {
            Raise(SignalingStateChange);
        }

        if (_jsep.LocalDescription is not null)
        {
            EnsureIceAgent();
            StartGathering();
        }

        if (_jsep.SignalingState == RTCSignalingState.Stable && _jsep.CurrentRemote is not null && _jsep.IsDtlsClient is { } client)
        {
            StartSecureTransport(client);
        }
    }

    /// <summary>The ICE agent is made once the role is known: the offerer controls (RFC 8445 §6.1.1), unless the remote is ice-lite.</summary>
    private void EnsureIceAgent()
    {
        if (_ice is not null)
        {
            return;
        }

        var controlling = _jsep.IsOfferer || _remoteTransport?.IceLite == true || (_jsep.RemoteDescription?.IceLite ?? false);
        var agent = new IceAgent(
            new IceAgentOptions
            {
                Controlling = controlling,
                LocalUfrag = _iceUfrag,
                LocalPassword = _icePassword,
                AddressFilter = new HostAddressFilter { LoopbackOnly = _configuration.LoopbackOnly, InterfaceNames = _configuration.NetworkInterfaces.ToArray() },
                StunServers = _configuration.IceServers.SelectMany(s => s.Urls).Where(u => u.StartsWith("stun:", StringComparison.OrdinalIgnoreCase)).ToArray(),
                // The seed never signals end-of-candidates: without this, a peer whose checks all fail would stay checking forever.
                AssumeEndOfCandidatesAfter = TimeSpan.FromSeconds(15),
                // RFC 8445 §14.2: Ta may be set from the characteristics of the data; 5 ms is its floor. WebRTC bundles
                // one component over few pairs, so fast pacing costs little and saves a pacing step per check.
                Ta = TimeSpan.FromMilliseconds(5),
            },
            _network,
            _time);
        agent.LocalCandidate += OnLocalCandidate;
        agent.GatheringStateChanged += OnGatheringStateChanged;
        agent.ConnectionStateChanged += OnIceConnectionStateChanged;
        agent.ValidPairFound += OnIceValidPairFound;
        agent.DatagramReceived = OnDatagram;
        _ice = agent;
    }

    private bool _gathering;

    private void StartGathering()
    {
        if (_gathering || _ice is null)
        {
            return;
        }

        _gathering = true;
        _ice.StartGathering();
    }

    private void OnLocalCandidate(object? sender, IceCandidateEventArgs e)
    {
        if (e.Candidate is null)
        {
            Raise(IceCandidate, new RTCPeerConnectionIceEventArgs(null));
            return;
        }

        // With BUNDLE every candidate belongs to the transport of the first m-line (RFC 8843 §7.1).
        var first = (_jsep.LocalDescription?.Media.Count ?? 0) > 0 ? _jsep.LocalDescription!.Media[0].Mid : "0";
        var init = new RTCIceCandidateInit(e.Candidate.ToString(), first, 0, _iceUfrag);
        lock (_gate)
        {
            _localCandidates.Add(init);
        }

        Raise(IceCandidate, new RTCPeerConnectionIceEventArgs(init));
    }

    private void OnGatheringStateChanged(object? sender, IceGatheringStateEventArgs e)
    {
        IceGatheringState = e.State switch
        {
            IceGathering.Gathering => RTCIceGatheringState.Gathering,
            IceGathering.Complete => RTCIceGatheringState.Complete,
            _ => RTCIceGatheringState.New,
        };
        Raise(IceGatheringStateChange);
    }
}

/// <summary>A remote ICE candidate was refused (the W3C <c>OperationError</c> of addIceCandidate).</summary>
public sealed class IceCandidateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public IceCandidateException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">Why the candidate was refused.</param>
    public IceCandidateException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">Why the candidate was refused.</param>
    /// <param name="innerException">The cause.</param>
    public IceCandidateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
