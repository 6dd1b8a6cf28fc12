using System.Security.Cryptography;
using P2PCall.WebRtc.Sdp;

namespace P2PCall.WebRtc.Jsep;

/// <summary>
/// The offer/answer state of a peer connection (JSEP, RFC 8829; W3C webrtc-pc §4.4): the signaling-state
/// machine, the m-line order, transceivers and the data channel's m-line. Sans-I/O: descriptions in,
/// descriptions and what the transports must do out. Not thread-safe: its owner serialises calls.
/// </summary>
internal sealed partial class JsepNegotiator
{
    private readonly List<object> _mLines = []; // JsepTransceiver or DataSlot, in m-line order (JSEP §5.2.2: order never changes)
    private readonly ulong _sessionId = (ulong)RandomNumberGenerator.GetInt32(1, int.MaxValue) << 31 | (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
    private ulong _sessionVersion = 1;
    private int _nextMid;

    public JsepNegotiator(LocalTransportInfo local)
    {
        Local = local;
    }

    public LocalTransportInfo Local { get; }

    public RTCSignalingState SignalingState { get; private set; } = RTCSignalingState.Stable;

    public List<JsepTransceiver> Transceivers { get; } = [];

    /// <summary>Set by the first createDataChannel: the next offer carries an application m-line (JSEP §5.2.1).</summary>
    public bool DataChannelRequested { get; set; }

    /// <summary>The mid of the data channel m-line once negotiated.</summary>
    public string? DataMid => DataSlotOrNull?.Mid;

    public SessionDescription? CurrentLocal { get; private set; }

    public SessionDescription? PendingLocal { get; private set; }

    public SessionDescription? CurrentRemote { get; private set; }

    public SessionDescription? PendingRemote { get; private set; }

    public SessionDescription? LocalDescription => PendingLocal ?? CurrentLocal;

    public SessionDescription? RemoteDescription => PendingRemote ?? CurrentRemote;

    /// <summary>Whether this side made the offer of the latest exchange (and so is ICE controlling, RFC 8445 §6.1.1).</summary>
    public bool IsOfferer { get; private set; }

    /// <summary>This side's DTLS role once an answer is applied: true = client (active), false = server (passive).</summary>
    public bool? IsDtlsClient { get; private set; }

    private DataSlot? DataSlotOrNull => _mLines.OfType<DataSlot>().FirstOrDefault();

    /// <summary>Adds a transceiver (addTrack / addTransceiver).</summary>
    public JsepTransceiver AddTransceiver(MediaKind kind, RTCRtpTransceiverDirection direction, bool createdByAddTrack)
    {
        var transceiver = new JsepTransceiver(kind, direction, createdByAddTrack, NewSsrc());
        Transceivers.Add(transceiver);
        return transceiver;
    }

    /// <summary>Applies one of our descriptions (W3C §4.4.1.5 "set the session description", local).</summary>
    public void SetLocal(RTCSdpType type, SessionDescription sdp)
    {
        switch (type)
        {
            case RTCSdpType.Rollback:
                Rollback(local: true);
                return;
            case RTCSdpType.Offer:
                RequireState(type, local: true, RTCSignalingState.Stable, RTCSignalingState.HaveLocalOffer);
                CheckOurs(sdp);
                PendingLocal = sdp;
                IsOfferer = true;
                SignalingState = RTCSignalingState.HaveLocalOffer;
                return;
            default:
                RequireState(type, local: true, RTCSignalingState.HaveRemoteOffer, RTCSignalingState.HaveLocalPranswer);
                CheckOurs(sdp);
                IsOfferer = false;
                var setup = sdp.Media.Count > 0 ? sdp.GetSetup(sdp.Media[0]) : null;
                IsDtlsClient = setup != SdpSetupRole.Passive;
                ApplyLocalAnswer(sdp);
                if (type == RTCSdpType.Answer)
                {
                    CurrentLocal = sdp;
                    CurrentRemote = PendingRemote;
                    PendingLocal = null;
                    PendingRemote = null;
                    SignalingState = RTCSignalingState.Stable;
                }
                else
                {
                    PendingLocal = sdp;
                    SignalingState = RTCSignalingState.HaveLocalPranswer;
                }

                return;
        }
    }

    /// <summary>Applies the remote side's description (W3C §4.4.1.5, remote) and says what the transports must do.</summary>
    public RemoteDescriptionResult SetRemote(RTCSdpType type, SessionDescription sdp)
    {
        if (type == RTCSdpType.Rollback)
        {
            Rollback(local: false);
            return new RemoteDescriptionResult(null, []);
        }

        var transport = RemoteTransportInfo.Read(sdp);
        List<JsepTransceiver> newlyReceiving;
        if (type == RTCSdpType.Offer)
        {
            RequireState(type, local: false, RTCSignalingState.Stable, RTCSignalingState.HaveRemoteOffer);
            newlyReceiving = ApplyRemoteOffer(sdp);
            PendingRemote = sdp;
            IsOfferer = false;
            SignalingState = RTCSignalingState.HaveRemoteOffer;
        }
        else
        {
            RequireState(type, local: false, RTCSignalingState.HaveLocalOffer, RTCSignalingState.HaveRemotePranswer);
            newlyReceiving = ApplyRemoteAnswer(sdp);
            // RFC 8842 §5.3: the answerer's active means we are the server, passive means we are the client.
            IsDtlsClient = transport.Setup == SdpSetupRole.Passive;
            if (type == RTCSdpType.Answer)
            {
                CurrentRemote = sdp;
                CurrentLocal = PendingLocal;
                PendingLocal = null;
                PendingRemote = null;
                SignalingState = RTCSignalingState.Stable;
            }
            else
            {
                PendingRemote = sdp;
                SignalingState = RTCSignalingState.HaveRemotePranswer;
            }
        }

        return new RemoteDescriptionResult(transport, newlyReceiving);
    }

    private void RequireState(RTCSdpType type, bool local, params RTCSignalingState[] allowed)
    {
        if (!allowed.Contains(SignalingState))
        {
            throw new InvalidStateException(
                $"Cannot set a {(local ? "local" : "remote")} {type.ToString().ToLowerInvariant()} in signaling state {SignalingState} (W3C webrtc-pc §4.4.1.5).");
        }
    }

    private void Rollback(bool local)
    {
        // W3C §4.4.1.5: rollback is valid only with a pending offer or pranswer of the same side.
        var valid = local
            ? SignalingState is RTCSignalingState.HaveLocalOffer or RTCSignalingState.HaveLocalPranswer
            : SignalingState is RTCSignalingState.HaveRemoteOffer or RTCSignalingState.HaveRemotePranswer;
        if (!valid)
        {
            throw new InvalidStateException($"Cannot roll back a {(local ? "local" : "remote")} description in signaling state {SignalingState}.");
        }

        PendingLocal = null;
        PendingRemote = null;
        SignalingState = RTCSignalingState.Stable;
    }

    /// <summary>W3C §4.4.1.5: a local description must be one this connection made (its credentials and fingerprint).</summary>
    private void CheckOurs(SessionDescription sdp)
    {
        foreach (var media in sdp.Media.Where(m => m.Port != 0))
        {
            if (sdp.GetIceUfrag(media) != Local.IceUfrag || sdp.GetIcePwd(media) != Local.IcePwd)
            {
                throw new SdpNegotiationException("The local description's ICE credentials are not this connection's (W3C InvalidModificationError).");
            }

            if (!sdp.GetFingerprints(media).Any(f => Local.Fingerprints.Contains(f)))
            {
                throw new SdpNegotiationException("The local description's fingerprint is not this connection's certificate (W3C InvalidModificationError).");
            }
        }
    }

    private string NextMid()
    {
        string mid;
        do
        {
            mid = (_nextMid++).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        while (Transceivers.Any(t => t.Mid == mid) || DataSlotOrNull?.Mid == mid);

        return mid;
    }

    private static uint NewSsrc() => (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue) * 2 + (uint)RandomNumberGenerator.GetInt32(2);

    private sealed class DataSlot
    {
        public string? Mid { get; set; }

        public bool LegacySctpMap { get; set; }

        public bool Rejected { get; set; }
    }
}

/// <summary>What applying a remote description asks of the peer connection.</summary>
/// <param name="Transport">The remote transport parameters; null for a rollback.</param>
/// <param name="NewlyReceiving">Transceivers the remote side now sends on: each gets a track event (W3C §4.4.1.5 "process the addition of a remote track").</param>
internal sealed record RemoteDescriptionResult(RemoteTransportInfo? Transport, IReadOnlyList<JsepTransceiver> NewlyReceiving);
