using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace P2PCall.WebRtc.Sdp;

/// <summary>
/// The <c>o=</c> line (RFC 8866 §5.2): <c>username sess-id sess-version nettype addrtype unicast-address</c>.
/// JSEP (RFC 8829 §5.2.1) writes <c>o=- &lt;random 63-bit id&gt; &lt;version&gt; IN IP4 127.0.0.1</c>.
/// </summary>
/// <param name="Username">The user's login, or <c>-</c>.</param>
/// <param name="SessionId">A numeric string (digits only; may exceed 64 bits, so kept as text).</param>
/// <param name="SessionVersion">The version, increased on each change of the description (RFC 8829 §5.2.2).</param>
/// <param name="NetType">The network type, <c>IN</c>.</param>
/// <param name="AddressType"><c>IP4</c> or <c>IP6</c>.</param>
/// <param name="UnicastAddress">The creator's address (JSEP: <c>127.0.0.1</c>).</param>
public sealed record SdpOrigin(
    string Username, string SessionId, ulong SessionVersion, string NetType, string AddressType, string UnicastAddress)
{
    /// <summary>The user's login, or <c>-</c> (no whitespace).</summary>
    public string Username { get; init => field = SdpText.RequireField(value, nameof(Username)); } = SdpText.RequireField(Username, nameof(Username));

    /// <summary>The session id: a numeric string.</summary>
    public string SessionId { get; init => field = SdpText.RequireField(value, nameof(SessionId)); } = SdpText.RequireField(SessionId, nameof(SessionId));

    /// <summary>The network type, <c>IN</c>.</summary>
    public string NetType { get; init => field = SdpText.RequireField(value, nameof(NetType)); } = SdpText.RequireField(NetType, nameof(NetType));

    /// <summary><c>IP4</c> or <c>IP6</c>.</summary>
    public string AddressType { get; init => field = SdpText.RequireField(value, nameof(AddressType)); } = SdpText.RequireField(AddressType, nameof(AddressType));

    /// <summary>The creator's address.</summary>
    public string UnicastAddress { get; init => field = SdpText.RequireField(value, nameof(UnicastAddress)); } = SdpText.RequireField(UnicastAddress, nameof(UnicastAddress));

    /// <summary>The origin JSEP writes for a new session (RFC 8829 §5.2.1).</summary>
    /// <param name="sessionId">The session id; JSEP: random, below 2^63.</param>
    /// <param name="sessionVersion">The first version.</param>
    /// <returns>The origin.</returns>
    public static SdpOrigin ForJsep(ulong sessionId, ulong sessionVersion = 2) =>
        new("-", sessionId.ToString(CultureInfo.InvariantCulture), sessionVersion, "IN", "IP4", "127.0.0.1");

    /// <summary>The value after <c>o=</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Username} {SessionId} {SessionVersion} {NetType} {AddressType} {UnicastAddress}");

    internal static bool TryParse(string value, [NotNullWhen(true)] out SdpOrigin? origin, out string reason)
    {
        origin = null;
        string[] f = SdpText.SplitFields(value);
        if (f.Length != 6)
        {
            reason = "o= needs six fields: username sess-id sess-version nettype addrtype address (RFC 8866 §5.2)";
            return false;
        }

        if (!f[1].All(char.IsAsciiDigit))
        {
            reason = "o= sess-id must be a numeric string (RFC 8866 §5.2)";
            return false;
        }

        if (!SdpText.TryParseUInt64(f[2], out ulong version))
        {
            reason = "o= sess-version must be a number below 2^64 (RFC 8866 §5.2)";
            return false;
        }

        origin = new SdpOrigin(f[0], f[1], version, f[3], f[4], f[5]);
        reason = string.Empty;
        return true;
    }
}

/// <summary>A <c>c=</c> line (RFC 8866 §5.7): <c>nettype addrtype connection-address</c>.</summary>
/// <param name="NetType">The network type, <c>IN</c>.</param>
/// <param name="AddressType"><c>IP4</c> or <c>IP6</c>.</param>
/// <param name="Address">The address as written (a multicast address may carry <c>/ttl/count</c>).</param>
public sealed record SdpConnection(string NetType, string AddressType, string Address)
{
    /// <summary>The network type, <c>IN</c>.</summary>
    public string NetType { get; init => field = SdpText.RequireField(value, nameof(NetType)); } = SdpText.RequireField(NetType, nameof(NetType));

    /// <summary><c>IP4</c> or <c>IP6</c>.</summary>
    public string AddressType { get; init => field = SdpText.RequireField(value, nameof(AddressType)); } = SdpText.RequireField(AddressType, nameof(AddressType));

    /// <summary>The address as written.</summary>
    public string Address { get; init => field = SdpText.RequireField(value, nameof(Address)); } = SdpText.RequireField(Address, nameof(Address));

    /// <summary>The placeholder JSEP writes before candidates are known: <c>IN IP4 0.0.0.0</c> (RFC 8829 §5.2.1).</summary>
    public static SdpConnection Placeholder { get; } = new("IN", "IP4", "0.0.0.0");

    /// <summary>The value after <c>c=</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{NetType} {AddressType} {Address}";

    internal static bool TryParse(string value, [NotNullWhen(true)] out SdpConnection? connection, out string reason)
    {
        connection = null;
        string[] f = SdpText.SplitFields(value);
        if (f.Length != 3)
        {
            reason = "c= needs three fields: nettype addrtype address (RFC 8866 §5.7)";
            return false;
        }

        connection = new SdpConnection(f[0], f[1], f[2]);
        reason = string.Empty;
        return true;
    }
}

/// <summary>A <c>b=</c> line (RFC 8866 §5.8): <c>bwtype:bandwidth</c>, for example <c>AS:30</c> or <c>TIAS:64000</c>.</summary>
/// <param name="Type">The bandwidth type (<c>CT</c>, <c>AS</c>, <c>TIAS</c>, ...).</param>
/// <param name="Value">The bandwidth (kbit/s for <c>AS</c>/<c>CT</c>, bit/s for <c>TIAS</c>).</param>
public sealed record SdpBandwidth(string Type, ulong Value)
{
    /// <summary>The bandwidth type (no ':' or whitespace).</summary>
    public string Type { get; init => field = RequireType(value); } = RequireType(Type);

    private static string RequireType(string type)
    {
        SdpText.RequireField(type, nameof(Type));
        return type.Contains(':', StringComparison.Ordinal)
            ? throw new ArgumentException("A bandwidth type must not contain ':'.", nameof(Type))
            : type;
    }

    /// <summary>The value after <c>b=</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Type}:{Value}");

    internal static bool TryParse(string value, [NotNullWhen(true)] out SdpBandwidth? bandwidth, out string reason)
    {
        bandwidth = null;
        int colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !SdpText.IsField(value.AsSpan(0, colon))
            || !SdpText.TryParseUInt64(value.AsSpan(colon + 1), out ulong bw))
        {
            reason = "b= must be bwtype:number (RFC 8866 §5.8)";
            return false;
        }

        bandwidth = new SdpBandwidth(value[..colon], bw);
        reason = string.Empty;
        return true;
    }
}

/// <summary>
/// A <c>t=</c> line (RFC 8866 §5.9) with the <c>r=</c> lines that follow it (§5.10, kept as text).
/// WebRTC always writes <c>t=0 0</c>: an unbounded session.
/// </summary>
public sealed record SdpTiming
{
    /// <summary>Creates a timing.</summary>
    /// <param name="startTime">NTP start time, 0 for unbounded.</param>
    /// <param name="stopTime">NTP stop time, 0 for unbounded.</param>
    /// <param name="repeatTimes">The values of the <c>r=</c> lines, as written.</param>
    public SdpTiming(ulong startTime = 0, ulong stopTime = 0, IEnumerable<string>? repeatTimes = null)
    {
        StartTime = startTime;
        StopTime = stopTime;
        RepeatTimes = (repeatTimes ?? []).Select(r => SdpText.RequireLineSafe(r, nameof(repeatTimes))).ToArray();
    }

    /// <summary>NTP start time; 0 means unbounded.</summary>
    public ulong StartTime { get; }

    /// <summary>NTP stop time; 0 means unbounded.</summary>
    public ulong StopTime { get; }

    /// <summary>The values of the <c>r=</c> lines that follow, as written.</summary>
    public IReadOnlyList<string> RepeatTimes { get; }

    /// <summary>Equal when times and repeat lines are equal.</summary>
    /// <param name="other">The other timing.</param>
    /// <returns>Whether they are equal.</returns>
    public bool Equals(SdpTiming? other) =>
        other is not null && StartTime == other.StartTime && StopTime == other.StopTime
        && SdpText.SequenceEqual(RepeatTimes, other.RepeatTimes);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(StartTime, StopTime, SdpText.SequenceHash(RepeatTimes));

    /// <summary>The value after <c>t=</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{StartTime} {StopTime}");

    internal static bool TryParse(string value, [NotNullWhen(true)] out SdpTiming? timing, out string reason)
    {
        timing = null;
        string[] f = SdpText.SplitFields(value);
        if (f.Length != 2 || !SdpText.TryParseUInt64(f[0], out ulong start) || !SdpText.TryParseUInt64(f[1], out ulong stop))
        {
            reason = "t= must be two numbers: start-time stop-time (RFC 8866 §5.9)";
            return false;
        }

        timing = new SdpTiming(start, stop);
        reason = string.Empty;
        return true;
    }
}
