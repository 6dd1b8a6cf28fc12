using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;

namespace P2PCall.WebRtc.Sdp;

/// <summary>
/// A session description (RFC 8866 §5) as WebRTC uses it (JSEP, RFC 8829): the session-level lines,
/// the ordered session attributes and the media descriptions. Parse with <see cref="Parse"/> or
/// <see cref="TryParse"/>; write with <see cref="ToString"/> (CRLF line ends, final CRLF).
/// Every line is kept: attribute order and attributes this library does not model survive a round trip.
/// The model is mutable and not thread-safe: one owner at a time (to copy, <c>Parse(x.ToString())</c>).
/// </summary>
/// <example>
/// <code>
/// var offer = new SessionDescription(SdpOrigin.ForJsep(sessionId));
/// offer.Groups = [new SdpGroup(SdpGroup.Bundle, ["0"])];
/// var data = MediaDescription.CreateDataChannel();
/// data.Mid = "0";
/// data.IceUfrag = ufrag; data.IcePwd = pwd; data.Setup = SdpSetupRole.ActPass;
/// data.Fingerprint = SdpFingerprint.FromHash("sha-256", certificateHash);
/// offer.Media.Add(data);
/// string text = offer.ToString();
/// </code>
/// </example>
public sealed class SessionDescription : SdpSection
{
    /// <summary>Creates a session with JSEP's defaults (RFC 8829 §5.2.1): <c>v=0</c>, the given origin, <c>s=-</c>, <c>t=0 0</c>.</summary>
    /// <param name="origin">The origin; null gives <c>o=- 0 0 IN IP4 127.0.0.1</c>.</param>
    public SessionDescription(SdpOrigin? origin = null)
    {
        Origin = origin ?? SdpOrigin.ForJsep(0, 0);
        Timings.Add(new SdpTiming());
    }

    /// <summary>The protocol version; always 0 (RFC 8866 §5.1).</summary>
    public int Version => 0;

    /// <summary>The <c>o=</c> line (RFC 8866 §5.2).</summary>
    public SdpOrigin Origin
    {
        get;
        set => field = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The <c>s=</c> session name (RFC 8866 §5.3); JSEP writes <c>-</c>.</summary>
    public string SessionName
    {
        get;
        set => field = SdpText.RequireLineSafe(value, nameof(SessionName));
    } = "-";

    /// <summary>The <c>i=</c> session information, or null.</summary>
    public string? Information
    {
        get;
        set => field = value is null ? null : SdpText.RequireLineSafe(value, nameof(Information));
    }

    /// <summary>The <c>u=</c> URI, or null.</summary>
    public string? Uri
    {
        get;
        set => field = value is null ? null : SdpText.RequireLineSafe(value, nameof(Uri));
    }

    /// <summary>The <c>e=</c> lines, as written.</summary>
    public Collection<string> Emails { get; } = new LineValueCollection();

    /// <summary>The <c>p=</c> lines, as written.</summary>
    public Collection<string> Phones { get; } = new LineValueCollection();

    /// <summary>The session-level <c>c=</c> line, or null (then every media has its own, RFC 8866 §5.7).</summary>
    public SdpConnection? Connection { get; set; }

    /// <summary>The session-level <c>b=</c> lines.</summary>
    public Collection<SdpBandwidth> Bandwidths { get; } = new NonNullCollection<SdpBandwidth>();

    /// <summary>The <c>t=</c> lines with their <c>r=</c> lines; RFC 8866 §5 needs at least one.</summary>
    public Collection<SdpTiming> Timings { get; } = new NonNullCollection<SdpTiming>();

    /// <summary>The <c>z=</c> line as written, or null.</summary>
    public string? TimeZones
    {
        get;
        set => field = value is null ? null : SdpText.RequireLineSafe(value, nameof(TimeZones));
    }

    /// <summary>The obsolete session-level <c>k=</c> line as written, or null.</summary>
    public string? EncryptionKey
    {
        get;
        set => field = value is null ? null : SdpText.RequireLineSafe(value, nameof(EncryptionKey));
    }

    /// <summary>The media descriptions, in m-line order (the order is significant in JSEP, RFC 8829 §5.2.1).</summary>
    public Collection<MediaDescription> Media { get; } = new NonNullCollection<MediaDescription>();

    /// <summary>
    /// Every well-formed <c>a=group</c> (RFC 5888 §5), in order. Setting replaces all group lines
    /// (the first keeps its position).
    /// </summary>
    public IReadOnlyList<SdpGroup> Groups
    {
        get => Attributes.GetAll<SdpGroup>();
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            int index = -1;
            for (int i = Attributes.Count - 1; i >= 0; i--)
            {
                if (Attributes[i].Name == SdpGroup.AttributeName)
                {
                    Attributes.RemoveAt(i);
                    index = i;
                }
            }

            index = index < 0 ? Attributes.Count : index;
            foreach (SdpGroup g in value)
            {
                Attributes.Insert(index++, new SdpAttribute(SdpGroup.AttributeName, g.FormatValue()));
            }
        }
    }

    /// <summary><c>a=ice-lite</c> (RFC 8839 §5.3), session level only.</summary>
    public bool IceLite
    {
        get => Attributes.Contains("ice-lite");
        set => SetFlag("ice-lite", value);
    }

    /// <summary>Parses a session description; accepts CRLF or LF line ends and a missing final line break.</summary>
    /// <param name="sdp">The SDP text.</param>
    /// <returns>The description.</returns>
    /// <exception cref="SdpParseException">The text is not a valid session description; the exception names the line.</exception>
    public static SessionDescription Parse(string sdp)
    {
        ArgumentNullException.ThrowIfNull(sdp);
        return SdpParser.TryParse(sdp, out SessionDescription? result, out SdpParseError? error)
            ? result
            : throw new SdpParseException(error);
    }

    /// <summary>Parses a session description without throwing.</summary>
    /// <param name="sdp">The SDP text (null gives an error).</param>
    /// <param name="result">The description, when valid.</param>
    /// <param name="error">Why it is not valid, otherwise.</param>
    /// <returns>Whether the text was valid.</returns>
    public static bool TryParse(
        string? sdp, [NotNullWhen(true)] out SessionDescription? result, [NotNullWhen(false)] out SdpParseError? error)
    {
        if (sdp is null)
        {
            result = null;
            error = new SdpParseError(1, string.Empty, "no text");
            return false;
        }

        return SdpParser.TryParse(sdp, out result, out error);
    }

    /// <summary>The first media description whose <c>a=mid</c> equals <paramref name="mid"/>, or null.</summary>
    /// <param name="mid">The mid.</param>
    /// <returns>The media or null.</returns>
    public MediaDescription? FindMediaByMid(string mid) =>
        Media.FirstOrDefault(m => string.Equals(m.Mid, mid, StringComparison.Ordinal));

    /// <summary>The first BUNDLE group (RFC 8843 §7.1), or null.</summary>
    /// <returns>The group or null.</returns>
    public SdpGroup? GetBundleGroup() => Groups.FirstOrDefault(g => g.IsBundle);

    /// <summary>The ICE ufrag of a media: media level, else session level (RFC 8839 §5.4); null when neither.</summary>
    /// <param name="media">The media.</param>
    /// <returns>The ufrag or null.</returns>
    public string? GetIceUfrag(MediaDescription media)
    {
        ArgumentNullException.ThrowIfNull(media);
        return media.IceUfrag ?? IceUfrag;
    }

    /// <summary>The ICE password of a media: media level, else session level (RFC 8839 §5.4); null when neither.</summary>
    /// <param name="media">The media.</param>
    /// <returns>The password or null.</returns>
    public string? GetIcePwd(MediaDescription media)
    {
        ArgumentNullException.ThrowIfNull(media);
        return media.IcePwd ?? IcePwd;
    }

    /// <summary>
    /// The fingerprints that apply to a media: its own when it has any, else the session-level ones
    /// (RFC 8122 §5: a media-level fingerprint overrides the session-level one).
    /// </summary>
    /// <param name="media">The media.</param>
    /// <returns>The fingerprints (empty when none).</returns>
    public IReadOnlyList<SdpFingerprint> GetFingerprints(MediaDescription media)
    {
        ArgumentNullException.ThrowIfNull(media);
        IReadOnlyList<SdpFingerprint> own = media.Fingerprints;
        return own.Count > 0 ? own : Fingerprints;
    }

    /// <summary>The setup role of a media: media level, else session level (RFC 4145 §4); null when neither.</summary>
    /// <param name="media">The media.</param>
    /// <returns>The role or null.</returns>
    public SdpSetupRole? GetSetup(MediaDescription media)
    {
        ArgumentNullException.ThrowIfNull(media);
        return media.Setup ?? Setup;
    }

    /// <summary>The direction of a media: media level, else session level, else sendrecv (RFC 8866 §6.7).</summary>
    /// <param name="media">The media.</param>
    /// <returns>The direction.</returns>
    public SdpDirection GetDirection(MediaDescription media)
    {
        ArgumentNullException.ThrowIfNull(media);
        return media.HasDirection ? media.Direction : Direction;
    }

    /// <summary>
    /// Looks for an RTP header-extension id that two m-sections of one BUNDLE group map to different URIs
    /// (session-level <c>a=extmap</c> lines count for every section). RFC 8843 §9.2 forbids this: on a shared
    /// transport the receiver could not tell which meaning an id has.
    /// </summary>
    /// <param name="first">The first mapping of the conflicting id.</param>
    /// <param name="second">The other mapping of the same id, with a different URI.</param>
    /// <returns>True when a conflict was found.</returns>
    public bool TryFindBundleExtmapConflict([NotNullWhen(true)] out SdpExtmap? first, [NotNullWhen(true)] out SdpExtmap? second)
    {
        IReadOnlyList<SdpExtmap> sessionLevel = Extmaps;
        foreach (SdpGroup group in Groups.Where(g => g.IsBundle))
        {
            var byId = new Dictionary<ushort, SdpExtmap>();
            IEnumerable<SdpExtmap> all = sessionLevel.Concat(
                group.Mids.Select(FindMediaByMid).OfType<MediaDescription>().SelectMany(m => m.Extmaps));
            foreach (SdpExtmap extmap in all)
            {
                if (!byId.TryAdd(extmap.Id, extmap) && !string.Equals(byId[extmap.Id].Uri, extmap.Uri, StringComparison.Ordinal))
                {
                    first = byId[extmap.Id];
                    second = extmap;
                    return true;
                }
            }
        }

        first = null;
        second = null;
        return false;
    }

    /// <summary>The SDP text: CRLF after every line, including the last (RFC 8866 §5).</summary>
    /// <returns>The text.</returns>
    public override string ToString() => SdpWriter.Write(this);
}
