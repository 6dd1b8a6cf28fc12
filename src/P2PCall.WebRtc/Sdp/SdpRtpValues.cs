using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace P2PCall.WebRtc.Sdp;

/// <summary><c>a=rtpmap:&lt;pt&gt; &lt;name&gt;/&lt;clock rate&gt;[/&lt;channels&gt;]</c> (RFC 8866 §6.6), for example <c>111 opus/48000/2</c>.</summary>
/// <param name="PayloadType">The RTP payload type, 0–127.</param>
/// <param name="EncodingName">The encoding name, for example <c>opus</c> or <c>VP8</c> (compare case-insensitively).</param>
/// <param name="ClockRate">The RTP clock rate in Hz.</param>
/// <param name="Channels">The audio channel count when given (RFC 8866 §6.6 encoding parameters).</param>
public sealed record SdpRtpMap(byte PayloadType, string EncodingName, uint ClockRate, uint? Channels = null)
    : ISdpAttributeValue<SdpRtpMap>
{
    /// <inheritdoc/>
    public static string AttributeName => "rtpmap";

    /// <inheritdoc/>
    public static bool TryParse(string? value, [NotNullWhen(true)] out SdpRtpMap? result)
    {
        result = null;
        string[] f = SdpText.SplitValue(value);
        if (f.Length != 2 || !SdpText.TryParsePayloadType(f[0], out byte pt))
        {
            return false;
        }

        string[] enc = f[1].Split('/');
        if (enc.Length is < 2 or > 3 || enc[0].Length == 0 || !SdpText.TryParseUInt32(enc[1], out uint rate))
        {
            return false;
        }

        uint? channels = null;
        if (enc.Length == 3)
        {
            if (!SdpText.TryParseUInt32(enc[2], out uint c))
            {
                return false;
            }

            channels = c;
        }

        result = new SdpRtpMap(pt, enc[0], rate, channels);
        return true;
    }

    /// <inheritdoc/>
    public string FormatValue() => Channels is { } c
        ? string.Create(CultureInfo.InvariantCulture, $"{PayloadType} {EncodingName}/{ClockRate}/{c}")
        : string.Create(CultureInfo.InvariantCulture, $"{PayloadType} {EncodingName}/{ClockRate}");
}

/// <summary>
/// <c>a=fmtp:&lt;pt&gt; &lt;parameters&gt;</c> (RFC 8866 §6.15), for example <c>111 minptime=10;useinbandfec=1</c>.
/// The parameters are kept as written; <see cref="GetParameters"/> reads the common <c>key=value;...</c> form.
/// </summary>
/// <param name="PayloadType">The RTP payload type, 0–127.</param>
/// <param name="Parameters">The format parameters, exactly as written.</param>
public sealed record SdpFmtp(byte PayloadType, string Parameters) : ISdpAttributeValue<SdpFmtp>
{
    /// <inheritdoc/>
    public static string AttributeName => "fmtp";

    /// <summary>
    /// Reads <c>key=value</c> pairs separated by ';' (spaces around them ignored; keys case-insensitive;
    /// the first of a repeated key wins). A piece without '=' (as in RED's <c>111/111</c>) becomes a key with an empty value.
    /// </summary>
    /// <returns>The parameters.</returns>
    public IReadOnlyDictionary<string, string> GetParameters()
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string piece in Parameters.Split(';'))
        {
            string p = piece.Trim();
            if (p.Length == 0)
            {
                continue;
            }

            int eq = p.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? p : p[..eq].Trim();
            string val = eq < 0 ? string.Empty : p[(eq + 1)..].Trim();
            result.TryAdd(key, val);
        }

        return result;
    }

    /// <summary>Reads one parameter of the <c>key=value;...</c> form.</summary>
    /// <param name="key">The key (case-insensitive).</param>
    /// <param name="value">Its value.</param>
    /// <returns>Whether it is present.</returns>
    public bool TryGetParameter(string key, [NotNullWhen(true)] out string? value) =>
        GetParameters().TryGetValue(key, out value);

    /// <summary>Makes an fmtp from <c>key=value</c> pairs, joined with ';' in the given order.</summary>
    /// <param name="payloadType">The payload type.</param>
    /// <param name="parameters">The pairs.</param>
    /// <returns>The fmtp.</returns>
    public static SdpFmtp FromParameters(byte payloadType, IEnumerable<KeyValuePair<string, string>> parameters) =>
        new(payloadType, string.Join(';', parameters.Select(p => p.Value.Length == 0 ? p.Key : p.Key + "=" + p.Value)));

    /// <inheritdoc/>
    public static bool TryParse(string? value, [NotNullWhen(true)] out SdpFmtp? result)
    {
        result = null;
        if (value is null || !SdpText.IsLineSafe(value))
        {
            return false;
        }

        int space = value.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || !SdpText.TryParsePayloadType(value.AsSpan(0, space), out byte pt))
        {
            return false;
        }

        string parameters = value[(space + 1)..];
        if (parameters.Length == 0)
        {
            return false;
        }

        result = new SdpFmtp(pt, parameters);
        return true;
    }

    /// <inheritdoc/>
    public string FormatValue() => string.Create(CultureInfo.InvariantCulture, $"{PayloadType} {Parameters}");
}

/// <summary><c>a=rtcp-fb:&lt;pt|*&gt; &lt;type&gt; [&lt;subtype&gt;]</c> (RFC 4585 §4.2), for example <c>96 nack pli</c> or <c>96 transport-cc</c>.</summary>
/// <param name="PayloadType">The payload type, or null for <c>*</c> (every payload type of the media).</param>
/// <param name="Type">The feedback type, for example <c>nack</c>, <c>ccm</c>, <c>goog-remb</c>, <c>transport-cc</c>.</param>
/// <param name="Subtype">The rest of the value (for example <c>pli</c> or <c>fir</c>), or null.</param>
public sealed record SdpRtcpFeedback(byte? PayloadType, string Type, string? Subtype = null) : ISdpAttributeValue<SdpRtcpFeedback>
{
    /// <inheritdoc/>
    public static string AttributeName => "rtcp-fb";

    /// <inheritdoc/>
    public static bool TryParse(string? value, [NotNullWhen(true)] out SdpRtcpFeedback? result)
    {
        result = null;
        string[] f = SdpText.SplitValue(value);
        if (f.Length < 2)
        {
            return false;
        }

        byte? pt = null;
        if (f[0] != "*")
        {
            if (!SdpText.TryParsePayloadType(f[0], out byte p))
            {
                return false;
            }

            pt = p;
        }

        result = new SdpRtcpFeedback(pt, f[1], f.Length > 2 ? string.Join(' ', f.Skip(2)) : null);
        return true;
    }

    /// <inheritdoc/>
    public string FormatValue()
    {
        string pt = PayloadType is { } p ? p.ToString(CultureInfo.InvariantCulture) : "*";
        return Subtype is null ? $"{pt} {Type}" : $"{pt} {Type} {Subtype}";
    }
}

/// <summary>
/// <c>a=extmap:&lt;id&gt;[/&lt;direction&gt;] &lt;uri&gt; [&lt;extension attributes&gt;]</c> (RFC 8285 §8),
/// for example <c>4 urn:ietf:params:rtp-hdrext:sdes:mid</c>.
/// </summary>
/// <param name="Id">The extension id: 1–14 (one-byte form), 1–255 (two-byte form) or 4096–4351 (offer-only, RFC 8285 §7).</param>
/// <param name="Uri">The extension URI.</param>
/// <param name="Direction">The direction when written after the id, or null.</param>
/// <param name="ExtensionAttributes">The rest of the line, or null.</param>
public sealed record SdpExtmap(ushort Id, string Uri, SdpDirection? Direction = null, string? ExtensionAttributes = null)
    : ISdpAttributeValue<SdpExtmap>
{
    /// <inheritdoc/>
    public static string AttributeName => "extmap";

    /// <summary>True when an id is valid in SDP (RFC 8285 §5, §7): 1–255 or 4096–4351.</summary>
    /// <param name="id">The id.</param>
    /// <returns>Whether it is valid.</returns>
    public static bool IsValidId(uint id) => id is (>= 1 and <= 255) or (>= 4096 and <= 4351);

    /// <inheritdoc/>
    public static bool TryParse(string? value, [NotNullWhen(true)] out SdpExtmap? result)
    {
        result = null;
        string[] f = SdpText.SplitValue(value);
        if (f.Length < 2)
        {
            return false;
        }

        string idPart = f[0];
        SdpDirection? direction = null;
        int slash = idPart.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            if (!SdpEnumText.TryParseDirection(idPart[(slash + 1)..], out SdpDirection d))
            {
                return false;
            }

            direction = d;
            idPart = idPart[..slash];
        }

        if (!SdpText.TryParseUInt32(idPart, out uint id) || !IsValidId(id))
        {
            return false;
        }

        result = new SdpExtmap((ushort)id, f[1], direction, f.Length > 2 ? string.Join(' ', f.Skip(2)) : null);
        return true;
    }

    /// <inheritdoc/>
    public string FormatValue()
    {
        string id = Direction is { } d
            ? string.Create(CultureInfo.InvariantCulture, $"{Id}/{d.ToSdp()}")
            : Id.ToString(CultureInfo.InvariantCulture);
        return ExtensionAttributes is null ? $"{id} {Uri}" : $"{id} {Uri} {ExtensionAttributes}";
    }
}
