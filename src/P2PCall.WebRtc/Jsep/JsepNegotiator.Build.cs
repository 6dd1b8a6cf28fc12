using System.Globalization;
using P2PCall.WebRtc.Sdp;

namespace P2PCall.WebRtc.Jsep;

/// <summary>Writing offers and answers (JSEP RFC 8829 §5.2 and §5.3), in the shape Chromium writes them.</summary>
internal sealed partial class JsepNegotiator
{
    /// <summary>JSEP §5.2.1: an offer with one m-line per transceiver, plus the data channel's, all bundled.</summary>
    public SessionDescription CreateOffer()
    {
        if (SignalingState is RTCSignalingState.Closed)
        {
            throw new InvalidStateException("The connection is closed.");
        }

        foreach (var transceiver in Transceivers.Where(t => !_mLines.Contains(t) && !t.Stopped))
        {
            transceiver.Mid ??= NextMid();
            _mLines.Add(transceiver);
        }

        if (DataChannelRequested && DataSlotOrNull is null)
        {
            _mLines.Add(new DataSlot { Mid = NextMid() });
        }

        var sdp = NewSession();
        foreach (var slot in _mLines)
        {
            sdp.Media.Add(slot switch
            {
                JsepTransceiver { Stopped: true } t => Rejected(t.Kind == MediaKind.Audio ? "audio" : "video", "UDP/TLS/RTP/SAVPF", t.Mid),
                JsepTransceiver t => RtpMedia(t, OfferCodecs(t), OfferExtensions(t), SdpSetupRole.ActPass, t.Direction),
                DataSlot { Rejected: true } d => Rejected("application", MediaDescription.DataChannelProtocol, d.Mid),
                DataSlot d => DataMedia(d.Mid!, SdpSetupRole.ActPass, legacy: false),
                _ => throw new InvalidOperationException("unknown m-line slot"),
            });
        }

        AddBundle(sdp);
        return sdp;
    }

    /// <summary>JSEP §5.3.1: an answer to the pending remote offer, m-line for m-line.</summary>
    public SessionDescription CreateAnswer()
    {
        if (SignalingState is not (RTCSignalingState.HaveRemoteOffer or RTCSignalingState.HaveLocalPranswer) || PendingRemote is not { } offer)
        {
            throw new InvalidStateException($"createAnswer needs a remote offer; the signaling state is {SignalingState} (W3C webrtc-pc §4.4.1.6).");
        }

        // RFC 8842 §5.3: the answerer takes the role the offerer left it; we prefer active (the DTLS client), as browsers do.
        var setup = RemoteTransportInfo.Read(offer).Setup == SdpSetupRole.Active ? SdpSetupRole.Passive : SdpSetupRole.Active;
        var sdp = NewSession();
        sdp.ExtmapAllowMixed = offer.ExtmapAllowMixed;
        for (var i = 0; i < offer.Media.Count; i++)
        {
            var remote = offer.Media[i];
            sdp.Media.Add(_mLines[i] switch
            {
                JsepTransceiver t when remote.Port == 0 || t.NegotiatedCodecs.Count == 0 || t.Stopped => Rejected(remote.MediaType, remote.Protocol, remote.Mid, remote.Formats),
                JsepTransceiver t => RtpMedia(t, t.NegotiatedCodecs, t.NegotiatedExtensions, setup, JsepDirections.Answer(t.Direction, t.RemoteOfferedDirection ?? RTCRtpTransceiverDirection.Inactive), remote.RtcpRsize),
                DataSlot { Rejected: false } d => DataMedia(d.Mid!, setup, d.LegacySctpMap),
                _ => Rejected(remote.MediaType, remote.Protocol, remote.Mid, remote.Formats),
            });
        }

        AddBundle(sdp);
        return sdp;
    }

    private SessionDescription NewSession()
    {
        var sdp = new SessionDescription(SdpOrigin.ForJsep(_sessionId, ++_sessionVersion)) { ExtmapAllowMixed = true };
        // RFC 8830 §2 (as Chromium writes it): WMS semantics for msid.
        sdp.Attributes.Add("msid-semantic", " WMS");
        return sdp;
    }

    private static void AddBundle(SessionDescription sdp)
    {
        var mids = sdp.Media.Where(m => m.Port != 0 && m.Mid is not null).Select(m => m.Mid!).ToList();
        if (mids.Count > 0)
        {
            // RFC 8843 §7.2: one BUNDLE group with every accepted m-line; the first mid tags the transport.
            sdp.Groups = [new SdpGroup(SdpGroup.Bundle, mids)];
        }
    }

    private static IReadOnlyList<SdpCodec> OfferCodecs(JsepTransceiver t) =>
        t.NegotiatedCodecs.Count > 0 ? t.NegotiatedCodecs : JsepCapabilities.For(t.Kind).Select(c => c.ToSdp(c.PreferredPayloadType)).ToList();

    private static IReadOnlyList<SdpExtmap> OfferExtensions(JsepTransceiver t) =>
        t.NegotiatedExtensions.Count > 0 ? t.NegotiatedExtensions : JsepCapabilities.Extensions(t.Kind).Select(e => new SdpExtmap(e.Id, e.Uri)).ToList();

    private MediaDescription RtpMedia(
        JsepTransceiver t,
        IReadOnlyList<SdpCodec> codecs,
        IReadOnlyList<SdpExtmap> extensions,
        SdpSetupRole setup,
        RTCRtpTransceiverDirection direction,
        bool rtcpRsize = true)
    {
        var media = new MediaDescription(t.Kind == MediaKind.Audio ? "audio" : "video", 9, "UDP/TLS/RTP/SAVPF");
        media.Connection = SdpConnection.Placeholder;
        media.Rtcp = "9 IN IP4 0.0.0.0";
        AddTransport(media, setup);
        media.Mid = t.Mid;
        foreach (var extension in extensions)
        {
            media.Attributes.AddValue(extension);
        }

        media.Direction = JsepDirections.ToSdp(direction);
        var msid = direction.Sends() && t.SendTrackId is { } track
            ? (t.SendStreamIds.Count == 0 ? [new SdpMsid(SdpMsid.NoStream, track)] : t.SendStreamIds.Select(s => new SdpMsid(s, track)).ToList())
            : [];
        foreach (var m in msid)
        {
            media.Attributes.AddValue(m);
        }

        media.RtcpMux = true;
        media.RtcpRsize = rtcpRsize;
        foreach (var codec in codecs)
        {
            media.AddCodec(codec);
        }

        if (direction.Sends())
        {
            // RFC 5576 §4.1 and RFC 7022: announce our SSRC with its CNAME.
            media.Attributes.AddValue(new SdpSsrc(t.SendSsrc, "cname", Local.CName));
            foreach (var m in msid)
            {
                media.Attributes.AddValue(new SdpSsrc(t.SendSsrc, "msid", m.FormatValue()));
            }
        }

        return media;
    }

    private MediaDescription DataMedia(string mid, SdpSetupRole setup, bool legacy)
    {
        MediaDescription media;
        if (legacy)
        {
            // The pre-RFC 8841 form some stacks still offer: m=application 9 DTLS/SCTP 5000 + a=sctpmap.
            media = new MediaDescription("application", 9, "DTLS/SCTP", [Local.SctpPort.ToString(CultureInfo.InvariantCulture)]);
        }
        else
        {
            media = MediaDescription.CreateDataChannel(Local.SctpPort, null);
        }

        media.Connection = SdpConnection.Placeholder;
        AddTransport(media, setup);
        media.Mid = mid;
        if (legacy)
        {
            media.Attributes.AddValue(new SdpSctpMap(Local.SctpPort, "webrtc-datachannel", 1024));
        }
        else
        {
            media.SctpPort = Local.SctpPort;
        }

        media.MaxMessageSize = Local.MaxMessageSize;
        return media;
    }

    private void AddTransport(MediaDescription media, SdpSetupRole setup)
    {
        media.IceUfrag = Local.IceUfrag;
        media.IcePwd = Local.IcePwd;
        media.IceOptions = ["trickle"];
        foreach (var fingerprint in Local.Fingerprints)
        {
            media.Attributes.AddValue(fingerprint);
        }

        media.Setup = setup;
    }

    private static MediaDescription Rejected(string mediaType, string protocol, string? mid, IEnumerable<string>? formats = null)
    {
        // RFC 3264 §6: a rejected stream has port 0; JSEP §5.3.1 keeps its mid.
        var media = new MediaDescription(mediaType, 0, protocol, formats?.Take(1).ToList() is { Count: > 0 } f ? f : ["0"]);
        media.Connection = SdpConnection.Placeholder;
        if (mid is not null)
        {
            media.Mid = mid;
        }

        return media;
    }
}
