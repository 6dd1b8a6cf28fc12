using P2PCall.WebRtc.Sdp;

namespace P2PCall.WebRtc.Jsep;

/// <summary>Applying remote offers and answers to the transceivers (JSEP RFC 8829 §5.10, W3C §4.4.1.5).</summary>
internal sealed partial class JsepNegotiator
{
    private List<JsepTransceiver> ApplyRemoteOffer(SessionDescription sdp)
    {
        var accepted = sdp.Media.Count(m => m.Port != 0);
        if (accepted > 1 && sdp.GetBundleGroup() is null)
        {
            // We gather one transport (max-bundle); a peer that will not bundle cannot be served (RFC 8843 §7.3).
            throw new SdpNegotiationException("The offer has several m-lines but no a=group:BUNDLE; only bundled sessions are supported (RFC 8843).");
        }

        if (sdp.Media.Count < _mLines.Count)
        {
            throw new SdpNegotiationException("A re-offer may not remove m-lines (RFC 8829 §5.8, RFC 3264 §8).");
        }

        var newlyReceiving = new List<JsepTransceiver>();
        for (var i = 0; i < sdp.Media.Count; i++)
        {
            var media = sdp.Media[i];
            if (media.Mid is null && media.Port != 0)
            {
                throw new SdpNegotiationException($"m-line {i} has no a=mid (RFC 8829 §5.8, RFC 8843 §7.1).");
            }

            object slot;
            if (media.MediaType == "application")
            {
                var data = i < _mLines.Count ? _mLines[i] as DataSlot ?? throw MLineMismatch(i) : DataSlotOrNull ?? new DataSlot();
                data.Mid = media.Mid;
                data.LegacySctpMap = !media.Protocol.Equals(MediaDescription.DataChannelProtocol, StringComparison.OrdinalIgnoreCase);
                data.Rejected = media.Port == 0 || !media.IsDataChannel;
                slot = data;
            }
            else if (media.MediaType is "audio" or "video")
            {
                var kind = media.MediaType == "audio" ? MediaKind.Audio : MediaKind.Video;
                var transceiver = i < _mLines.Count
                    ? _mLines[i] as JsepTransceiver ?? throw MLineMismatch(i)
                    : Transceivers.FirstOrDefault(t => t.Mid is not null && t.Mid == media.Mid)
                      ?? Transceivers.FirstOrDefault(t => t.Mid is null && t.Kind == kind && t.CreatedByAddTrack && !t.Stopped)
                      ?? AddTransceiver(kind, RTCRtpTransceiverDirection.RecvOnly, createdByAddTrack: false);
                if (transceiver.Kind != kind)
                {
                    throw MLineMismatch(i);
                }

                transceiver.Mid = media.Mid;
                ReadRemoteMedia(sdp, media, transceiver, offer: true);
                if (media.Port != 0 && transceiver.RemoteOfferedDirection!.Value.Sends() && !transceiver.RemoteTrackAnnounced)
                {
                    transceiver.RemoteTrackAnnounced = true;
                    newlyReceiving.Add(transceiver);
                }

                slot = transceiver;
            }
            else
            {
                slot = new DataSlot { Mid = media.Mid, Rejected = true };
            }

            if (i < _mLines.Count)
            {
                _mLines[i] = slot;
            }
            else
            {
                _mLines.Add(slot);
            }
        }

        return newlyReceiving;
    }

    private List<JsepTransceiver> ApplyRemoteAnswer(SessionDescription sdp)
    {
        var offer = PendingLocal ?? throw new InvalidStateException("No local offer to answer.");
        if (sdp.Media.Count != offer.Media.Count)
        {
            throw new SdpNegotiationException($"The answer has {sdp.Media.Count} m-lines, the offer {offer.Media.Count} (RFC 3264 §6).");
        }

        var newlyReceiving = new List<JsepTransceiver>();
        for (var i = 0; i < sdp.Media.Count; i++)
        {
            var media = sdp.Media[i];
            if (media.Mid is not null && offer.Media[i].Mid is { } mid && media.Mid != mid)
            {
                throw new SdpNegotiationException($"m-line {i} of the answer has mid '{media.Mid}', the offer '{mid}' (RFC 8829 §5.10).");
            }

            switch (_mLines[i])
            {
                case JsepTransceiver transceiver:
                    ReadRemoteMedia(sdp, media, transceiver, offer: false);
                    if (transceiver.Receiving && !transceiver.RemoteTrackAnnounced)
                    {
                        transceiver.RemoteTrackAnnounced = true;
                        newlyReceiving.Add(transceiver);
                    }

                    break;
                case DataSlot data:
                    data.Rejected = media.Port == 0;
                    break;
            }
        }

        return newlyReceiving;
    }

    private static void ReadRemoteMedia(SessionDescription sdp, MediaDescription media, JsepTransceiver transceiver, bool offer)
    {
        var ours = JsepCapabilities.For(transceiver.Kind);
        // RFC 3264 §6.1: the answerer keeps the offerer's payload types; we keep the remote side's order.
        var codecs = new List<SdpCodec>();
        foreach (var remote in media.GetCodecs())
        {
            var match = ours.FirstOrDefault(c => c.Matches(remote));
            if (match is not null && codecs.All(c => !c.Name.Equals(match.Name, StringComparison.OrdinalIgnoreCase)))
            {
                codecs.Add(match.ToSdp(remote.PayloadType, remote.Feedback));
            }
        }

        var supported = JsepCapabilities.Extensions(transceiver.Kind).Select(e => e.Uri).ToHashSet(StringComparer.Ordinal);
        transceiver.NegotiatedCodecs = codecs;
        transceiver.NegotiatedExtensions = sdp.Extmaps.Concat(media.Extmaps).Where(e => supported.Contains(e.Uri)).ToList();
        transceiver.RemoteSsrcs = media.Ssrcs.Select(s => s.Ssrc).Distinct().ToList();
        var msid = media.Msid ?? media.Ssrcs.Where(s => s.Attribute == "msid" && s.Value is not null)
            .Select(s => SdpMsid.TryParse(s.Value, out var m) ? m : null).FirstOrDefault(m => m is not null);
        transceiver.RemoteTrackId = msid?.TrackId;
        transceiver.RemoteStreamIds = media.Msids.Select(m => m.StreamId).Where(id => id != SdpMsid.NoStream).Distinct().ToList();

        var remoteDirection = media.Port == 0 ? RTCRtpTransceiverDirection.Inactive : JsepDirections.FromSdp(sdp.GetDirection(media));
        if (offer)
        {
            transceiver.RemoteOfferedDirection = remoteDirection;
        }
        else
        {
            transceiver.Stopped = media.Port == 0;
            transceiver.CurrentDirection = codecs.Count == 0 ? RTCRtpTransceiverDirection.Inactive : JsepDirections.Reverse(remoteDirection);
        }
    }

    /// <summary>After our answer is applied, its directions are the negotiated ones (W3C currentDirection).</summary>
    private void ApplyLocalAnswer(SessionDescription answer)
    {
        for (var i = 0; i < answer.Media.Count && i < _mLines.Count; i++)
        {
            if (_mLines[i] is JsepTransceiver transceiver)
            {
                var media = answer.Media[i];
                transceiver.Stopped = media.Port == 0;
                transceiver.CurrentDirection = media.Port == 0 ? RTCRtpTransceiverDirection.Inactive : JsepDirections.FromSdp(answer.GetDirection(media));
            }
        }
    }

    private static SdpNegotiationException MLineMismatch(int index) =>
        new($"m-line {index} changed its kind or mid since it was negotiated (RFC 8829 §5.8).");
}
