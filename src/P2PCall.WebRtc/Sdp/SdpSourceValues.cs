using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace P2PCall.WebRtc.Sdp;

/// <summary>
/// <c>a=msid:&lt;stream id&gt; [&lt;track id&gt;]</c> (RFC 8830 §2), for example <c>- 39f6117a-...</c>:
/// stream id <c>-</c> means a track sent without a stream (addTrack with no stream).
/// </summary>
/// <param name="StreamId">The MediaStream id, or <c>-</c> for none.</param>
/// <param name="TrackId">The track id (msid-appdata), or null.</param>
public sealed record SdpMsid(string StreamId, string? TrackId = null) : ISdpAttributeValue<SdpMsid>
{
    /// <summary>The stream id meaning "no stream" (RFC 8829 §5.2.1).</summary>
    public const string NoStream = "-";

    /// <inheritdoc/>
    public static string AttributeName => "msid";

    /// <summary>True when the stream id is <c>-</c>: the track belongs to no stream.</summary>
    public bool HasNoStream => StreamId == NoStream;

    /// <inheritdoc/>
    public static bool TryParse(string? value, [NotNullWhen(true)] out SdpMsid? result)
    {
        result = null;
        string[] f = SdpText.SplitValue(value);
        if (f.Length is < 1 or > 2)
        {
            return false;
        }

        result = new SdpMsid(f[0], f.Length == 2 ? f[1] : null);
        return true;
    }

    /// <inheritdoc/>
    public string FormatValue() => TrackId is null ? StreamId : StreamId + " " + TrackId;
}

/// <summary>
/// <c>a=ssrc:&lt;ssrc&gt; &lt;attribute&gt;[:&lt;value&gt;]</c> (RFC 5576 §4.1), for example
/// <c>2625525429 cname:TuMiWEtiz36MgrjJ</c> or <c>2625525429 msid:- 39f6...</c>.
/// </summary>
/// <param name="Ssrc">The synchronization source.</param>
/// <param name="Attribute">The source attribute name, for example <c>cname</c> or <c>msid</c>.</param>
/// <param name="Value">The source attribute value, or null.</param>
public sealed record SdpSsrc(uint Ssrc, string Attribute, string? Value = null) : ISdpAttributeValue<SdpSsrc>
{
    /// <inheritdoc/>
    public static string AttributeName => "ssrc";

    /// <inheritdoc/>
    public static bool TryParse(string? value, [NotNullWhen(true)] out SdpSsrc? result)
    {
        result = null;
        if (value is null || !SdpText.IsLineSafe(value))
        {
            return false;
        }

        int space = value.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || !SdpText.TryParseUInt32(value.AsSpan(0, space), out uint ssrc))
        {
            return false;
        }

        string rest = value[(space + 1)..];
        int colon = rest.IndexOf(':', StringComparison.Ordinal);
        string name = colon < 0 ? rest : rest[..colon];
        if (name.Length == 0)
        {
            return false;
        }

        result = new SdpSsrc(ssrc, name, colon < 0 ? null : rest[(colon + 1)..]);
        return true;
    }

    /// <inheritdoc/>
    public string FormatValue() => Value is null
        ? string.Create(CultureInfo.InvariantCulture, $"{Ssrc} {Attribute}")
        : string.Create(CultureInfo.InvariantCulture, $"{Ssrc} {Attribute}:{Value}");
}

/// <summary><c>a=ssrc-group:&lt;semantics&gt; &lt;ssrc&gt;...</c> (RFC 5576 §4.2), for example <c>FID 3966065809 3984269286</c> (media + RTX).</summary>
public sealed record SdpSsrcGroup : ISdpAttributeValue<SdpSsrcGroup>
{
    /// <summary>Creates a group.</summary>
    /// <param name="semantics">The semantics, for example <c>FID</c> (RFC 5576 §4.2) or <c>SIM</c>.</param>
    /// <param name="ssrcs">The sources, in order.</param>
    public SdpSsrcGroup(string semantics, IEnumerable<uint> ssrcs)
    {
        Semantics = SdpText.RequireField(semantics, nameof(semantics));
        ArgumentNullException.ThrowIfNull(ssrcs);
        Ssrcs = ssrcs.ToArray();
    }

    /// <inheritdoc/>
    public static string AttributeName => "ssrc-group";

    /// <summary>The semantics, for example <c>FID</c>.</summary>
    public string Semantics { get; }

    /// <summary>The sources, in order.</summary>
    public IReadOnlyList<uint> Ssrcs { get; }

    /// <inheritdoc/>
    public static bool TryParse(string? value, [NotNullWhen(true)] out SdpSsrcGroup? result)
    {
        result = null;
        string[] f = SdpText.SplitValue(value);
        if (f.Length < 2)
        {
            return false;
        }

        var ssrcs = new uint[f.Length - 1];
        for (int i = 1; i < f.Length; i++)
        {
            if (!SdpText.TryParseUInt32(f[i], out ssrcs[i - 1]))
            {
                return false;
            }
        }

        result = new SdpSsrcGroup(f[0], ssrcs);
        return true;
    }

    /// <inheritdoc/>
    public string FormatValue() =>
        Semantics + " " + string.Join(' ', Ssrcs.Select(s => s.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Equal when semantics and sources are equal.</summary>
    /// <param name="other">The other group.</param>
    /// <returns>Whether they are equal.</returns>
    public bool Equals(SdpSsrcGroup? other) =>
        other is not null && Semantics == other.Semantics && SdpText.SequenceEqual(Ssrcs, other.Ssrcs);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Semantics, SdpText.SequenceHash(Ssrcs));
}
