using P2PCall.WebRtc.Sdp;

namespace P2PCall.WebRtc.Jsep;

/// <summary>A payload format this stack can send and receive, with the payload type it offers.</summary>
/// <param name="Kind">Audio or video.</param>
/// <param name="Name">The encoding name (RFC 4855 media subtype).</param>
/// <param name="ClockRate">The RTP clock rate.</param>
/// <param name="Channels">Audio channels as written in rtpmap, or null.</param>
/// <param name="PreferredPayloadType">The payload type used in our offers.</param>
/// <param name="Fmtp">Our format parameters, or null.</param>
/// <param name="Feedback">The RTCP feedback types we support for it (RFC 4585 §4.2), without payload type.</param>
internal sealed record JsepCodec(
    MediaKind Kind,
    string Name,
    uint ClockRate,
    uint? Channels,
    byte PreferredPayloadType,
    string? Fmtp,
    IReadOnlyList<(string Type, string? Subtype)> Feedback)
{
    /// <summary>Whether a remote format is the same codec (RFC 3264 §6.1: name and clock rate, channels for audio).</summary>
    public bool Matches(SdpCodec remote) =>
        string.Equals(remote.Name, Name, StringComparison.OrdinalIgnoreCase)
        && remote.ClockRate == ClockRate
        && (Kind == MediaKind.Video || (remote.Channels ?? 1) == (Channels ?? 1));

    /// <summary>This codec under a given payload type, with feedback limited to what both sides support.</summary>
    public SdpCodec ToSdp(byte payloadType, IReadOnlyList<SdpRtcpFeedback>? remoteFeedback = null)
    {
        var feedback = Feedback
            .Where(f => remoteFeedback is null || remoteFeedback.Any(r => r.Type == f.Type && r.Subtype == f.Subtype))
            .Select(f => new SdpRtcpFeedback(payloadType, f.Type, f.Subtype));
        return new SdpCodec(payloadType, Name, ClockRate, Channels, Fmtp, feedback);
    }
}

/// <summary>The codecs and header extensions this stack negotiates.</summary>
internal static class JsepCapabilities
{
    /// <summary>RFC 8843 §15: the MID header extension, needed to demultiplex a BUNDLE group.</summary>
    public const string MidExtension = "urn:ietf:params:rtp-hdrext:sdes:mid";

    /// <summary>RFC 6464: client-to-mixer audio level.</summary>
    public const string AudioLevelExtension = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

    /// <summary>Audio codecs in order of preference: Opus (RFC 7587), then G.711 µ-law and A-law (RFC 3551).</summary>
    public static IReadOnlyList<JsepCodec> Audio { get; } =
    [
        new(MediaKind.Audio, "opus", 48000, 2, 111, "minptime=10;useinbandfec=1", []),
        new(MediaKind.Audio, "PCMU", 8000, null, 0, null, []),
        new(MediaKind.Audio, "PCMA", 8000, null, 8, null, []),
    ];

    /// <summary>Video codecs: VP8 (RFC 7741) with NACK, PLI (RFC 4585) and FIR (RFC 5104).</summary>
    public static IReadOnlyList<JsepCodec> Video { get; } =
    [
        new(MediaKind.Video, "VP8", 90000, null, 96, null, [("ccm", "fir"), ("nack", null), ("nack", "pli")]),
    ];

    /// <summary>The header extensions we offer per kind, with the ids we offer them under (unique across the bundle, RFC 8843 §9.2).</summary>
    public static IReadOnlyList<(ushort Id, string Uri)> Extensions(MediaKind kind) => kind == MediaKind.Audio
        ? [(1, AudioLevelExtension), (4, MidExtension)]
        : [(4, MidExtension)];

    public static IReadOnlyList<JsepCodec> For(MediaKind kind) => kind == MediaKind.Audio ? Audio : Video;
}
