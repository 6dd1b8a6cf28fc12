using System.Globalization;
using System.Net;
using System.Text;

namespace P2PCall.WebRtc.Ice;

/// <summary>
/// An ICE candidate as an SDP <c>candidate</c> attribute carries it (RFC 8839 §5.1), e.g.
/// <c>candidate:3798267689 1 udp 2122260223 127.0.0.1 37540 typ host generation 0 ufrag J9tx network-id 1 network-cost 50</c>.
/// Extension pairs are kept in order so <see cref="ToString"/> writes what was parsed.
/// </summary>
public sealed class IceCandidate
{
    private const string Prefix = "candidate:";

    /// <summary>The foundation (RFC 8445 §5.1.1.3): 1-32 ice-chars.</summary>
    public required string Foundation { get; init; }

    /// <summary>The component id; 1 (RTP, and everything with rtcp-mux).</summary>
    public int Component { get; init; } = 1;

    /// <summary>The transport as written, in lower case (<c>udp</c>, <c>tcp</c>).</summary>
    public string Transport { get; init; } = "udp";

    /// <summary>The priority (RFC 8445 §5.1.2).</summary>
    public uint Priority { get; init; }

    /// <summary>The connection address: an IP literal, or a host name such as an mDNS <c>.local</c> name.</summary>
    public required string Address { get; init; }

    /// <summary>The port.</summary>
    public int Port { get; init; }

    /// <summary>The candidate type.</summary>
    public IceCandidateType Type { get; init; }

    /// <summary><c>raddr</c>: the related address (the base of a reflexive candidate), if any.</summary>
    public string? RelatedAddress { get; init; }

    /// <summary><c>rport</c>: the related port, if any.</summary>
    public int? RelatedPort { get; init; }

    /// <summary>Extension attributes (name, value) in their original order, e.g. <c>generation 0</c>, <c>ufrag J9tx</c>, <c>tcptype active</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Extensions { get; init; } = [];

    /// <summary>Whether the transport is UDP (the only transport the agent uses).</summary>
    public bool IsUdp => Transport == "udp";

    /// <summary>The address as an <see cref="System.Net.IPAddress"/>, or null for a host name.</summary>
    public IPAddress? IPAddress => System.Net.IPAddress.TryParse(Address, out IPAddress? ip) ? ip : null;

    /// <summary>The transport address, or null when <see cref="Address"/> is a host name.</summary>
    public IPEndPoint? EndPoint => IPAddress is { } ip ? new IPEndPoint(ip, Port) : null;

    /// <summary>Whether the address is an mDNS name (<c>.local</c>, draft-ietf-mmusic-mdns-ice-candidates); the agent ignores these for now.</summary>
    public bool IsMdns => Address.EndsWith(".local", StringComparison.OrdinalIgnoreCase);

    /// <summary>The <c>ufrag</c> extension, if present.</summary>
    public string? UsernameFragment => GetExtension("ufrag");

    /// <summary>The <c>tcptype</c> extension (RFC 6544), if present.</summary>
    public string? TcpType => GetExtension("tcptype");

    /// <summary>Returns the value of the first extension named <paramref name="name"/>, or null.</summary>
    /// <param name="name">The extension name, e.g. <c>generation</c>.</param>
    public string? GetExtension(string name)
    {
        foreach (KeyValuePair<string, string> pair in Extensions)
        {
            if (pair.Key == name)
            {
                return pair.Value;
            }
        }

        return null;
    }

    /// <summary>Parses a candidate line; throws <see cref="FormatException"/> naming the reason on failure.</summary>
    /// <param name="text">The line, with or without the <c>candidate:</c> (or <c>a=candidate:</c>) prefix.</param>
    public static IceCandidate Parse(string text) =>
        TryParse(text, out IceCandidate? candidate, out IceCandidateParseError error)
            ? candidate
            : throw new FormatException($"Invalid ICE candidate ({error}): '{text}'.");

    /// <summary>Parses a candidate line. Never throws.</summary>
    /// <param name="text">The line, with or without the <c>candidate:</c> (or <c>a=candidate:</c>) prefix.</param>
    /// <param name="candidate">The candidate when parsed.</param>
    /// <param name="error">Why parsing failed, or <see cref="IceCandidateParseError.None"/>.</param>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IceCandidate? candidate, out IceCandidateParseError error)
    {
        candidate = null;
        ReadOnlySpan<char> line = (text ?? string.Empty).AsSpan().Trim();
        if (line.StartsWith("a=", StringComparison.Ordinal))
        {
            line = line[2..];
        }

        if (line.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            line = line[Prefix.Length..];
        }

        if (line.IsEmpty)
        {
            error = IceCandidateParseError.Empty;
            return false;
        }

        string[] f = line.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        error = Validate(f);
        if (error != IceCandidateParseError.None)
        {
            return false;
        }

        string? raddr = null;
        int? rport = null;
        var extensions = new List<KeyValuePair<string, string>>();
        for (int i = 8; i < f.Length; i += 2)
        {
            if (i + 1 >= f.Length)
            {
                error = IceCandidateParseError.InvalidExtension;
                return false;
            }

            if (f[i] == "raddr")
            {
                if (!IsAddress(f[i + 1]))
                {
                    error = IceCandidateParseError.InvalidRelatedAddress;
                    return false;
                }

                raddr = f[i + 1];
            }
            else if (f[i] == "rport")
            {
                if (!TryPort(f[i + 1], out int p))
                {
                    error = IceCandidateParseError.InvalidRelatedAddress;
                    return false;
                }

                rport = p;
            }
            else
            {
                // RFC 8839 §5.1: unknown extensions are kept (and ignored by the agent).
                extensions.Add(new KeyValuePair<string, string>(f[i], f[i + 1]));
            }
        }

        candidate = new IceCandidate
        {
            Foundation = f[0],
            Component = int.Parse(f[1], CultureInfo.InvariantCulture),
            Transport = f[2].ToLowerInvariant(),
            Priority = uint.Parse(f[3], CultureInfo.InvariantCulture),
            Address = f[4],
            Port = int.Parse(f[5], CultureInfo.InvariantCulture),
            Type = ParseType(f[7]),
            RelatedAddress = raddr,
            RelatedPort = rport,
            Extensions = extensions,
        };
        return true;
    }

    /// <summary>Writes the candidate as browsers do, with the <c>candidate:</c> prefix (RFC 8839 §5.1).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(Prefix, 128);
        sb.Append(CultureInfo.InvariantCulture, $"{Foundation} {Component} {Transport} {Priority} {Address} {Port} typ {TypeName(Type)}");
        if (RelatedAddress is not null)
        {
            sb.Append(" raddr ").Append(RelatedAddress);
        }

        if (RelatedPort is int rport)
        {
            sb.Append(CultureInfo.InvariantCulture, $" rport {rport}");
        }

        foreach (KeyValuePair<string, string> pair in Extensions)
        {
            sb.Append(' ').Append(pair.Key).Append(' ').Append(pair.Value);
        }

        return sb.ToString();
    }

    /// <summary>The SDP name of a candidate type.</summary>
    /// <param name="type">The type.</param>
    public static string TypeName(IceCandidateType type) => type switch
    {
        IceCandidateType.Host => "host",
        IceCandidateType.ServerReflexive => "srflx",
        IceCandidateType.PeerReflexive => "prflx",
        _ => "relay",
    };

    private static IceCandidateParseError Validate(string[] f)
    {
        if (f.Length < 8)
        {
            return f.Length >= 7 && f[6] != "typ" ? IceCandidateParseError.MissingType : IceCandidateParseError.MissingFields;
        }

        // RFC 8839 §5.1: foundation = 1*32ice-char; component-id = 1*3DIGIT; priority = 1*10DIGIT.
        if (f[0].Length > 32 || !f[0].All(IsIceChar))
        {
            return IceCandidateParseError.InvalidFoundation;
        }

        if (f[1].Length > 3 || !int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int component) || component is < 1 or > 256)
        {
            return IceCandidateParseError.InvalidComponent;
        }

        if (!f[2].All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '+'))
        {
            return IceCandidateParseError.InvalidTransport;
        }

        if (f[3].Length > 10 || !uint.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return IceCandidateParseError.InvalidPriority;
        }

        if (!IsAddress(f[4]))
        {
            return IceCandidateParseError.InvalidAddress;
        }

        if (!TryPort(f[5], out _))
        {
            return IceCandidateParseError.InvalidPort;
        }

        if (f[6] != "typ")
        {
            return IceCandidateParseError.MissingType;
        }

        return f[7] is "host" or "srflx" or "prflx" or "relay" ? IceCandidateParseError.None : IceCandidateParseError.InvalidType;
    }

    private static IceCandidateType ParseType(string name) => name switch
    {
        "host" => IceCandidateType.Host,
        "srflx" => IceCandidateType.ServerReflexive,
        "prflx" => IceCandidateType.PeerReflexive,
        _ => IceCandidateType.Relayed,
    };

    private static bool IsIceChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/';

    private static bool TryPort(string s, out int port) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535 && s.Length <= 5;

    // RFC 8839 §5.1: connection-address = IP4/IP6 literal or FQDN.
    private static bool IsAddress(string s) =>
        System.Net.IPAddress.TryParse(s, out _)
        || (s.Length <= 255 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'));
}
