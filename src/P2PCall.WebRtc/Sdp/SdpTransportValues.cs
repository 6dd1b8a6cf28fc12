using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace P2PCall.WebRtc.Sdp;

/// <summary>
/// <c>a=group:&lt;semantics&gt; &lt;mid&gt;...</c> (RFC 5888 §5), for example <c>a=group:BUNDLE 0 1 2</c>
/// (RFC 8843 §7.1). Session level.
/// </summary>
public sealed record SdpGroup : ISdpAttributeValue<SdpGroup>
{
    /// <summary>The BUNDLE semantics (RFC 8843 §7.1).</summary>
    public const string Bundle = "BUNDLE";

    /// <summary>Creates a group.</summary>
    /// <param name="semantics">The semantics, for example <see cref="Bundle"/>.</param>
    /// <param name="mids">The identification tags (mids) of the grouped media, in order.</param>
    public SdpGroup(string semantics, IEnumerable<string> mids)
    {
        Semantics = SdpText.RequireField(semantics, nameof(semantics));
        ArgumentNullException.ThrowIfNull(mids);
        Mids = mids.Select(m => SdpText.RequireField(m, nameof(mids))).ToArray();
    }

    /// <inheritdoc/>
    public static string AttributeName => "group";

    /// <summary>The semantics, for example <c>BUNDLE</c> (compared case-insensitively by <see cref="IsBundle"/>).</summary>
    public string Semantics { get; }

    /// <summary>The grouped mids, in order; with BUNDLE the first is the offerer's tagged m-section (RFC 8843 §7.2.1).</summary>
    public IReadOnlyList<string> Mids { get; }

    /// <summary>True for a BUNDLE group.</summary>
    public bool IsBundle => string.Equals(Semantics, Bundle, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public static bool TryParse(string? value, [NotNullWhen(true)] out SdpGroup? result)
    {
        result = null;
        string[] f = SdpText.SplitValue(value);
        if (f.Length == 0)
        {
            return false;
        }

        result = new SdpGroup(f[0], f.Skip(1));
        return true;
    }

    /// <inheritdoc/>
    public string FormatValue() => Mids.Count == 0 ? Semantics : Semantics + " " + string.Join(' ', Mids);

    /// <summary>Equal when semantics and mids are equal.</summary>
    /// <param name="other">The other group.</param>
    /// <returns>Whether they are equal.</returns>
    public bool Equals(SdpGroup? other) =>
        other is not null && Semantics == other.Semantics && SdpText.SequenceEqual(Mids, other.Mids);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Semantics, SdpText.SequenceHash(Mids));
}

/// <summary>
/// <c>a=fingerprint:&lt;hash-func&gt; &lt;hex pairs&gt;</c> (RFC 8122 §5; RFC 8842 §5), session or media level,
/// for example <c>sha-256 A7:58:...</c>.
/// </summary>
/// <param name="HashFunction">The hash function name, for example <c>sha-256</c> (compare case-insensitively).</param>
/// <param name="Value">Upper-case hex pairs separated by ':'.</param>
public sealed record SdpFingerprint(string HashFunction, string Value) : ISdpAttributeValue<SdpFingerprint>
{
    /// <inheritdoc/>
    public static string AttributeName => "fingerprint";

    /// <summary>Makes a fingerprint from a certificate hash (RFC 8122 §5: upper-case hex pairs joined by ':').</summary>
    /// <param name="hashFunction">The hash function name, for example <c>sha-256</c>.</param>
    /// <param name="hash">The hash of the DER-encoded certificate.</param>
    /// <returns>The fingerprint.</returns>
    public static SdpFingerprint FromHash(string hashFunction, ReadOnlySpan<byte> hash) =>
        new(hashFunction, string.Join(':', hash.ToArray().Select(b => b.ToString("X2", CultureInfo.InvariantCulture))));

    /// <summary>Reads the hex pairs into bytes; false when the value is not well-formed hex pairs.</summary>
    /// <param name="hash">The bytes.</param>
    /// <returns>Whether the value was well formed.</returns>
    public bool TryGetHash([NotNullWhen(true)] out byte[]? hash)
    {
        hash = null;
        string[] pairs = Value.Split(':');
        var bytes = new byte[pairs.Length];
        for (int i = 0; i < pairs.Length; i++)
        {
            if (pairs[i].Length != 2
                || !byte.TryParse(pairs[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[i]))
            {
                return false;
            }
        }

        hash = bytes;
        return true;
    }

    /// <summary>True when this fingerprint names <paramref name="hashFunction"/> and equals <paramref name="hash"/>.</summary>
    /// <param name="hashFunction">The hash function of <paramref name="hash"/>.</param>
    /// <param name="hash">The certificate hash computed locally.</param>
    /// <returns>Whether they match.</returns>
    public bool Matches(string hashFunction, ReadOnlySpan<byte> hash) =>
        string.Equals(HashFunction, hashFunction, StringComparison.OrdinalIgnoreCase)
        && TryGetHash(out byte[]? mine) && hash.SequenceEqual(mine);

    /// <inheritdoc/>
    public static bool TryParse(string? value, [NotNullWhen(true)] out SdpFingerprint? result)
    {
        result = null;
        string[] f = SdpText.SplitValue(value);
        if (f.Length != 2)
        {
            return false;
        }

        result = new SdpFingerprint(f[0], f[1]);
        return true;
    }

    /// <inheritdoc/>
    public string FormatValue() => HashFunction + " " + Value;
}

/// <summary>
/// The older data-channel form <c>a=sctpmap:5000 webrtc-datachannel 1024</c>
/// (draft-ietf-mmusic-sctp-sdp-05 §5), used with <c>m=application 9 DTLS/SCTP 5000</c>.
/// </summary>
/// <param name="Port">The SCTP port (also the m-line format).</param>
/// <param name="Protocol">The application protocol, <c>webrtc-datachannel</c>.</param>
/// <param name="Streams">The number of streams, when given.</param>
public sealed record SdpSctpMap(ushort Port, string Protocol, uint? Streams) : ISdpAttributeValue<SdpSctpMap>
{
    /// <inheritdoc/>
    public static string AttributeName => "sctpmap";

    /// <inheritdoc/>
    public static bool TryParse(string? value, [NotNullWhen(true)] out SdpSctpMap? result)
    {
        result = null;
        string[] f = SdpText.SplitValue(value);
        if (f.Length is < 2 or > 3 || !SdpText.TryParseUInt32(f[0], out uint port) || port > ushort.MaxValue)
        {
            return false;
        }

        uint? streams = null;
        if (f.Length == 3)
        {
            if (!SdpText.TryParseUInt32(f[2], out uint s))
            {
                return false;
            }

            streams = s;
        }

        result = new SdpSctpMap((ushort)port, f[1], streams);
        return true;
    }

    /// <inheritdoc/>
    public string FormatValue() => Streams is { } s
        ? string.Create(CultureInfo.InvariantCulture, $"{Port} {Protocol} {s}")
        : string.Create(CultureInfo.InvariantCulture, $"{Port} {Protocol}");
}
