using System.Globalization;

namespace P2PCall.WebRtc.Ice;

/// <summary>Parses <c>stun:host[:port]</c> URLs (RFC 7064 §3.1).</summary>
internal static class IceServerUrl
{
    /// <summary>RFC 8489 §18.7: the default STUN port.</summary>
    public const int DefaultPort = 3478;

    /// <summary>Splits a stun: URL into host and port; IPv6 literals are bracketed.</summary>
    public static bool TryParse(string url, out string host, out int port)
    {
        host = string.Empty;
        port = DefaultPort;
        if (!url.StartsWith("stun:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string rest = url[5..];
        int query = rest.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            rest = rest[..query];
        }

        string portText = string.Empty;
        if (rest.StartsWith('['))
        {
            int close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = rest[1..close];
            if (close + 1 < rest.Length)
            {
                if (rest[close + 1] != ':')
                {
                    return false;
                }

                portText = rest[(close + 2)..];
            }
        }
        else
        {
            int colon = rest.LastIndexOf(':');
            host = colon >= 0 ? rest[..colon] : rest;
            portText = colon >= 0 ? rest[(colon + 1)..] : string.Empty;
        }

        if (portText.Length > 0 && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            return false;
        }

        return host.Length > 0;
    }
}
