using System.Collections.ObjectModel;
using System.Globalization;

namespace P2PCall.WebRtc.Sdp;

/// <summary>
/// One media description: the <c>m=</c> line (RFC 8866 §5.14) and the <c>i=</c>, <c>c=</c>, <c>b=</c>,
/// <c>k=</c> and <c>a=</c> lines that follow it, with typed views of the WebRTC attributes.
/// </summary>
/// <example>
/// <code>
/// var audio = new MediaDescription("audio", 9, "UDP/TLS/RTP/SAVPF") { Connection = SdpConnection.Placeholder };
/// audio.Mid = "0";
/// audio.AddCodec(new SdpCodec(111, "opus", 48000, 2, "minptime=10;useinbandfec=1"));
/// audio.RtcpMux = true;
/// </code>
/// </example>
public sealed class MediaDescription : SdpSection
{
    /// <summary>The m-line protocol of the current data-channel form (RFC 8841 §4.1).</summary>
    public const string DataChannelProtocol = "UDP/DTLS/SCTP";

    /// <summary>The m-line format of the current data-channel form (RFC 8841 §4.1).</summary>
    public const string DataChannelFormat = "webrtc-datachannel";

    /// <summary>Creates a media description.</summary>
    /// <param name="mediaType"><c>audio</c>, <c>video</c>, <c>application</c>, ...</param>
    /// <param name="port">The port, 0–65535 (JSEP writes 9, the discard port, or 0 for a rejected section).</param>
    /// <param name="protocol">The transport protocol, for example <c>UDP/TLS/RTP/SAVPF</c>.</param>
    /// <param name="formats">The formats (payload types, or <c>webrtc-datachannel</c>); RFC 8866 §5.14 needs at least one.</param>
    public MediaDescription(string mediaType, int port, string protocol, IEnumerable<string>? formats = null)
    {
        MediaType = mediaType;
        Port = port;
        Protocol = protocol;
        foreach (string f in formats ?? [])
        {
            Formats.Add(f);
        }
    }

    /// <summary>Creates the current data-channel section: <c>m=application 9 UDP/DTLS/SCTP webrtc-datachannel</c> (RFC 8841 §4.1).</summary>
    /// <param name="sctpPort">The <c>a=sctp-port</c> value (JSEP: 5000).</param>
    /// <param name="maxMessageSize">The <c>a=max-message-size</c> value, or null to leave it out.</param>
    /// <returns>The section (no mid, ICE or DTLS attributes yet).</returns>
    public static MediaDescription CreateDataChannel(ushort sctpPort = 5000, ulong? maxMessageSize = 262144)
    {
        var m = new MediaDescription("application", 9, DataChannelProtocol, [DataChannelFormat]);
        m.SctpPort = sctpPort;
        m.MaxMessageSize = maxMessageSize;
        return m;
    }

    /// <summary>The media type: <c>audio</c>, <c>video</c>, <c>application</c>, ... (a token).</summary>
    public string MediaType
    {
        get;
        set => field = SdpText.RequireField(value, nameof(MediaType));
    }

    /// <summary>The transport port, 0–65535.</summary>
    public int Port
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, ushort.MaxValue);
            field = value;
        }
    }

    /// <summary>The optional port count after a '/' (<c>m=video 49170/2 ...</c>), or null.</summary>
    public int? PortCount
    {
        get;
        set
        {
            if (value is { } v)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(v);
            }

            field = value;
        }
    }

    /// <summary>The transport protocol, for example <c>UDP/TLS/RTP/SAVPF</c> or <c>UDP/DTLS/SCTP</c>.</summary>
    public string Protocol
    {
        get;
        set => field = SdpText.RequireField(value, nameof(Protocol));
    }

    /// <summary>The m-line formats in order (payload types for RTP).</summary>
    public Collection<string> Formats { get; } = new FieldCollection();

    /// <summary>The <c>i=</c> media title, or null.</summary>
    public string? Information
    {
        get;
        set => field = value is null ? null : SdpText.RequireLineSafe(value, nameof(Information));
    }

    /// <summary>The <c>c=</c> lines of this media (usually zero or one; RFC 8866 §5.7 allows several for multicast).</summary>
    public Collection<SdpConnection> Connections { get; } = new NonNullCollection<SdpConnection>();

    /// <summary>The first <c>c=</c> line, or null. Setting replaces all <c>c=</c> lines (null removes them).</summary>
    public SdpConnection? Connection
    {
        get => Connections.Count > 0 ? Connections[0] : null;
        set
        {
            Connections.Clear();
            if (value is not null)
            {
                Connections.Add(value);
            }
        }
    }

    /// <summary>The <c>b=</c> lines, in order.</summary>
    public Collection<SdpBandwidth> Bandwidths { get; } = new NonNullCollection<SdpBandwidth>();

    /// <summary>The obsolete <c>k=</c> line as written (RFC 8866 §5.12), or null.</summary>
    public string? EncryptionKey
    {
        get;
        set => field = value is null ? null : SdpText.RequireLineSafe(value, nameof(EncryptionKey));
    }

    /// <summary>True for an SCTP data-channel section in either form (<c>UDP/DTLS/SCTP</c>, <c>DTLS/SCTP</c>, ...).</summary>
    public bool IsDataChannel =>
        MediaType == "application" && Protocol.EndsWith("SCTP", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the protocol carries RTP (<c>RTP/AVP</c>, <c>UDP/TLS/RTP/SAVPF</c>, ...).</summary>
    public bool IsRtp => Protocol.Contains("RTP", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>a=mid</c> (RFC 5888 §4, RFC 8843 §7); null when absent. Setting null removes it.</summary>
    public string? Mid
    {
        get => Attributes.GetValue("mid");
        set => SetOrRemove("mid", value);
    }

    /// <summary><c>a=rtcp-mux</c> (RFC 5761 §5.1.1; RFC 8858).</summary>
    public bool RtcpMux
    {
        get => Attributes.Contains("rtcp-mux");
        set => SetFlag("rtcp-mux", value);
    }

    /// <summary><c>a=rtcp-mux-only</c> (RFC 8858 §3).</summary>
    public bool RtcpMuxOnly
    {
        get => Attributes.Contains("rtcp-mux-only");
        set => SetFlag("rtcp-mux-only", value);
    }

    /// <summary><c>a=rtcp-rsize</c>: reduced-size RTCP (RFC 5506 §5).</summary>
    public bool RtcpRsize
    {
        get => Attributes.Contains("rtcp-rsize");
        set => SetFlag("rtcp-rsize", value);
    }

    /// <summary>The <c>a=rtcp</c> value as written (RFC 3605 §2.1), for example <c>9 IN IP4 0.0.0.0</c>; null when absent.</summary>
    public string? Rtcp
    {
        get => Attributes.GetValue("rtcp");
        set => SetOrRemove("rtcp", value);
    }

    /// <summary>Every well-formed <c>a=rtpmap</c>, in order.</summary>
    public IReadOnlyList<SdpRtpMap> RtpMaps => Attributes.GetAll<SdpRtpMap>();

    /// <summary>Every well-formed <c>a=fmtp</c> with a numeric payload type, in order.</summary>
    public IReadOnlyList<SdpFmtp> Fmtps => Attributes.GetAll<SdpFmtp>();

    /// <summary>Every well-formed <c>a=rtcp-fb</c>, in order.</summary>
    public IReadOnlyList<SdpRtcpFeedback> RtcpFeedbacks => Attributes.GetAll<SdpRtcpFeedback>();

    /// <summary>Every well-formed <c>a=msid</c> (RFC 8830 §2), in order.</summary>
    public IReadOnlyList<SdpMsid> Msids => Attributes.GetAll<SdpMsid>();

    /// <summary>The first well-formed <c>a=msid</c>, or null. Setting replaces all (null removes them).</summary>
    public SdpMsid? Msid
    {
        get => Attributes.GetFirst<SdpMsid>();
        set => SetOrRemove(SdpMsid.AttributeName, value?.FormatValue());
    }

    /// <summary>Every well-formed <c>a=ssrc</c> (RFC 5576 §4.1), in order.</summary>
    public IReadOnlyList<SdpSsrc> Ssrcs => Attributes.GetAll<SdpSsrc>();

    /// <summary>Every well-formed <c>a=ssrc-group</c> (RFC 5576 §4.2), in order.</summary>
    public IReadOnlyList<SdpSsrcGroup> SsrcGroups => Attributes.GetAll<SdpSsrcGroup>();

    /// <summary><c>a=sctp-port</c> (RFC 8841 §5.1); null when absent or malformed. Setting null removes it.</summary>
    public ushort? SctpPort
    {
        get => SdpText.TryParseUInt32(Attributes.GetValue("sctp-port"), out uint p) && p <= ushort.MaxValue ? (ushort)p : null;
        set => SetOrRemove("sctp-port", value?.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// <c>a=max-message-size</c> (RFC 8841 §6.1); null when absent or malformed (then RFC 8841 §6.1 says assume 64 KiB);
    /// 0 means no limit. Setting null removes it.
    /// </summary>
    public ulong? MaxMessageSize
    {
        get => SdpText.TryParseUInt64(Attributes.GetValue("max-message-size"), out ulong s) ? s : null;
        set => SetOrRemove("max-message-size", value?.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Every well-formed <c>a=sctpmap</c> of the older data-channel form, in order.</summary>
    public IReadOnlyList<SdpSctpMap> SctpMaps => Attributes.GetAll<SdpSctpMap>();

    /// <summary>
    /// The SCTP port of either data-channel form: <c>a=sctp-port</c>, else the first <c>a=sctpmap</c> port; null when neither.
    /// </summary>
    public ushort? EffectiveSctpPort => SctpPort ?? (SctpMaps.Count > 0 ? SctpMaps[0].Port : null);

    /// <summary>The values of the <c>a=candidate</c> lines (RFC 8839 §5.1), in order, as written; the ICE layer parses them.</summary>
    public IReadOnlyList<string> Candidates => Attributes.GetValues("candidate");

    /// <summary>Appends an <c>a=candidate</c> line (before <c>a=end-of-candidates</c> when that is present).</summary>
    /// <param name="candidate">The value after <c>a=candidate:</c> (no <c>candidate:</c> prefix).</param>
    public void AddCandidate(string candidate)
    {
        var attribute = new SdpAttribute("candidate", candidate);
        for (int i = 0; i < Attributes.Count; i++)
        {
            if (Attributes[i].Name == "end-of-candidates")
            {
                Attributes.Insert(i, attribute);
                return;
            }
        }

        Attributes.Add(attribute);
    }

    /// <summary><c>a=end-of-candidates</c> (RFC 8840 §8.2).</summary>
    public bool EndOfCandidates
    {
        get => Attributes.Contains("end-of-candidates");
        set => SetFlag("end-of-candidates", value);
    }

    /// <summary>
    /// The RTP payload formats in m-line order: each format with its <c>a=rtpmap</c> (or its RFC 3551 static
    /// assignment), first <c>a=fmtp</c>, and the <c>a=rtcp-fb</c> lines naming it or <c>*</c>. Formats with
    /// neither a valid rtpmap nor a static assignment are left out; non-RTP sections give an empty list.
    /// </summary>
    /// <returns>The codecs.</returns>
    public IReadOnlyList<SdpCodec> GetCodecs()
    {
        var codecs = new List<SdpCodec>();
        if (!IsRtp)
        {
            return codecs;
        }

        IReadOnlyList<SdpRtpMap> rtpMaps = RtpMaps;
        IReadOnlyList<SdpFmtp> fmtps = Fmtps;
        IReadOnlyList<SdpRtcpFeedback> feedback = RtcpFeedbacks;
        foreach (string format in Formats)
        {
            if (!SdpText.TryParsePayloadType(format, out byte pt) || codecs.Any(c => c.PayloadType == pt))
            {
                continue;
            }

            SdpRtpMap? map = rtpMaps.FirstOrDefault(r => r.PayloadType == pt);
            string name;
            uint rate;
            uint? channels;
            if (map is not null && SdpText.IsField(map.EncodingName))
            {
                (name, rate, channels) = (map.EncodingName, map.ClockRate, map.Channels);
            }
            else if (!SdpCodec.TryGetStatic(pt, out name, out rate, out channels))
            {
                continue;
            }

            string? fmtp = fmtps.FirstOrDefault(f => f.PayloadType == pt)?.Parameters;
            codecs.Add(new SdpCodec(pt, name, rate, channels, fmtp,
                feedback.Where(f => f.PayloadType is null || f.PayloadType == pt)));
        }

        return codecs;
    }

    /// <summary>
    /// Adds a codec: its payload type to <see cref="Formats"/> (if missing) and its <c>a=rtpmap</c>,
    /// <c>a=rtcp-fb</c> and <c>a=fmtp</c> lines (the order Chromium writes them). Feedback lines with a
    /// <c>*</c> payload type are written as they are.
    /// </summary>
    /// <param name="codec">The codec.</param>
    public void AddCodec(SdpCodec codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        string pt = codec.PayloadType.ToString(CultureInfo.InvariantCulture);
        if (!Formats.Contains(pt))
        {
            Formats.Add(pt);
        }

        Attributes.AddValue(new SdpRtpMap(codec.PayloadType, codec.Name, codec.ClockRate, codec.Channels));
        foreach (SdpRtcpFeedback fb in codec.Feedback)
        {
            Attributes.AddValue(fb);
        }

        if (codec.Fmtp is not null)
        {
            Attributes.AddValue(new SdpFmtp(codec.PayloadType, codec.Fmtp));
        }
    }
}
