using P2PCall.WebRtc.Sdp;

namespace P2PCall.WebRtc.Jsep;

/// <summary>What the transports need from a remote description: ICE and DTLS parameters of the BUNDLE transport, candidates, SCTP.</summary>
internal sealed record RemoteTransportInfo(
    string IceUfrag,
    string IcePwd,
    bool IceLite,
    IReadOnlyList<SdpFingerprint> Fingerprints,
    SdpSetupRole? Setup,
    IReadOnlyList<RTCIceCandidateInit> Candidates,
    bool EndOfCandidates,
    ushort? SctpPort,
    ulong? MaxMessageSize)
{
    /// <summary>
    /// Reads the transport of a remote description: the BUNDLE-tag m-line's (the first mid of the group,
    /// RFC 8843 §7.2), or the first m-line not rejected. Validates what every WebRTC description must carry.
    /// </summary>
    public static RemoteTransportInfo Read(SessionDescription sdp)
    {
        var accepted = sdp.Media.Where(m => m.Port != 0 || m.Attributes.Find("bundle-only") is not null).ToList();
        if (accepted.Count == 0)
        {
            throw new SdpNegotiationException("The description has no m-line that is not rejected.");
        }

        var bundle = sdp.GetBundleGroup();
        var tag = bundle is { Mids.Count: > 0 } ? sdp.FindMediaByMid(bundle.Mids[0]) ?? accepted[0] : accepted[0];
        var mid = tag.Mid ?? "(no mid)";
        var ufrag = sdp.GetIceUfrag(tag) ?? throw new SdpNegotiationException($"m-line '{mid}' has no a=ice-ufrag (RFC 8839 §5.4).");
        var pwd = sdp.GetIcePwd(tag) ?? throw new SdpNegotiationException($"m-line '{mid}' has no a=ice-pwd (RFC 8839 §5.4).");
        // RFC 8445 §5.3: ufrag at least 4 and password at least 22 characters.
        if (ufrag.Length < 4 || pwd.Length < 22)
        {
            throw new SdpNegotiationException($"ICE credentials of m-line '{mid}' are too short (RFC 8445 §5.3).");
        }

        var fingerprints = sdp.GetFingerprints(tag);
        if (fingerprints.Count == 0)
        {
            throw new SdpNegotiationException($"m-line '{mid}' has no a=fingerprint (RFC 8842 §5).");
        }

        foreach (var media in accepted.Where(m => m.IsRtp))
        {
            // We only do rtcp-mux (JSEP §5.1.3, rtcpMuxPolicy "require").
            if (!media.RtcpMux)
            {
                throw new SdpNegotiationException($"m-line '{media.Mid}' lacks a=rtcp-mux, which is required (RFC 8829 §5.1.3, RFC 5761).");
            }

            if (!media.Protocol.Contains("SAVP", StringComparison.OrdinalIgnoreCase))
            {
                throw new SdpNegotiationException($"m-line '{media.Mid}' uses '{media.Protocol}'; WebRTC media must be secured (RFC 8827 §6.5, UDP/TLS/RTP/SAVPF).");
            }
        }

        var candidates = new List<RTCIceCandidateInit>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sdp.Media.Count; i++)
        {
            foreach (var candidate in sdp.Media[i].Candidates)
            {
                if (seen.Add(candidate))
                {
                    candidates.Add(new RTCIceCandidateInit("candidate:" + candidate, sdp.Media[i].Mid, (ushort)i, ufrag));
                }
            }
        }

        var data = accepted.FirstOrDefault(m => m.IsDataChannel);
        return new RemoteTransportInfo(
            ufrag,
            pwd,
            sdp.IceLite,
            fingerprints,
            sdp.GetSetup(tag),
            candidates,
            tag.EndOfCandidates,
            data?.EffectiveSctpPort ?? (data is null ? null : (ushort)5000),
            data?.MaxMessageSize);
    }
}
