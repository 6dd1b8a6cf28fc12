using System.Diagnostics.CodeAnalysis;

namespace P2PCall.WebRtc.Sdp;

/// <summary>
/// Reads SDP text into a <see cref="SessionDescription"/> (RFC 8866 §5, §9). Never throws: every
/// failure is an <see cref="SdpParseError"/> naming the line.
/// </summary>
/// <remarks>
/// Rules applied, with their source:
/// <list type="bullet">
/// <item>RFC 8866 §5: lines end in CRLF, but parsers SHOULD accept a bare LF; a missing final line break is accepted too.</item>
/// <item>RFC 8866 §5: <c>v=</c>, <c>o=</c>, <c>s=</c> come first, in that order; at least one <c>t=</c> precedes the first <c>m=</c>.</item>
/// <item>RFC 8866 §5: "an SDP parser MUST completely ignore or reject any session description that contains a type
/// letter that it does not understand". We reject (an <see cref="SdpParseError"/>): silently ignoring a whole
/// offer would leave the caller with nothing to report.</item>
/// <item>Within the session part and within each media part the order of the other lines is not enforced
/// (lenient reading, as RFC 8866 §5 asks of receivers in spirit); <see cref="SdpWriter"/> writes them in RFC order.</item>
/// <item>Unknown attributes are kept as written (RFC 8866 §5.13: a parser MUST ignore attributes it does not understand).</item>
/// </list>
/// </remarks>
internal sealed class SdpParser
{
    private const string KnownTypes = "vosiuepcbtrzkam";

    private readonly SessionDescription _session = new();
    private MediaDescription? _media;
    private int _phase; // 0: expect v=, 1: expect o=, 2: expect s=, 3: session part, 4: media part
    private bool _sessionInfo;
    private bool _sessionUri;
    private bool _sessionConnection;
    private bool _sessionZone;
    private bool _sessionKey;
    private bool _mediaInfo;
    private bool _mediaKey;
    private SdpParseError? _error;

    private SdpParser()
    {
        _session.Timings.Clear();
    }

    public static bool TryParse(
        string text, [NotNullWhen(true)] out SessionDescription? result, [NotNullWhen(false)] out SdpParseError? error)
    {
        result = null;
        var parser = new SdpParser();

        // RFC 8866 §5: CRLF ends a line; accept LF alone and a missing final break. Trailing breaks are not lines.
        int end = text.Length;
        while (end > 0 && text[end - 1] is '\n' or '\r')
        {
            end--;
        }

        int lineNumber = 0;
        int pos = 0;
        while (pos < end)
        {
            int nl = text.IndexOf('\n', pos, end - pos);
            int lineEnd = nl < 0 ? end : nl;
            int contentEnd = lineEnd > pos && text[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            lineNumber++;
            if (!parser.ReadLine(text[pos..contentEnd], lineNumber))
            {
                error = parser._error!;
                return false;
            }

            pos = nl < 0 ? end : nl + 1;
        }

        if (!parser.Finish(lineNumber + 1))
        {
            error = parser._error!;
            return false;
        }

        result = parser._session;
        error = null;
        return true;
    }

    private bool Fail(int lineNumber, string line, string reason)
    {
        _error = new SdpParseError(lineNumber, line, reason);
        return false;
    }

    private bool Finish(int lineNumber) => _phase switch
    {
        0 => Fail(1, string.Empty, "empty description: v=0 expected (RFC 8866 §5.1)"),
        1 => Fail(lineNumber, string.Empty, "missing o= line (RFC 8866 §5.2)"),
        2 => Fail(lineNumber, string.Empty, "missing s= line (RFC 8866 §5.3)"),
        _ when _session.Timings.Count == 0 => Fail(lineNumber, string.Empty, "missing t= line (RFC 8866 §5.9)"),
        _ => true,
    };

    private bool ReadLine(string line, int n)
    {
        // RFC 8866 §5: <type>=<value>, <type> exactly one case-significant letter.
        if (line.Length == 0)
        {
            return Fail(n, line, "empty line; every line must be <type>=<value> (RFC 8866 §5)");
        }

        if (line.Length < 2 || line[1] != '=')
        {
            return Fail(n, line, "not a <type>=<value> line (RFC 8866 §5)");
        }

        if (!SdpText.IsLineSafe(line))
        {
            return Fail(n, line, "line contains a bare CR or a NUL (RFC 8866 §5)");
        }

        char type = line[0];
        string value = line[2..];
        switch (_phase)
        {
            case 0:
                if (type != 'v')
                {
                    return Fail(n, line, "the first line must be v=0 (RFC 8866 §5.1)");
                }

                if (value != "0")
                {
                    return Fail(n, line, "unsupported version; only v=0 exists (RFC 8866 §5.1)");
                }

                _phase = 1;
                return true;
            case 1:
                if (type != 'o')
                {
                    return Fail(n, line, "missing o= line: it must follow v= (RFC 8866 §5.2)");
                }

                if (!SdpOrigin.TryParse(value, out SdpOrigin? origin, out string reason))
                {
                    return Fail(n, line, reason);
                }

                _session.Origin = origin;
                _phase = 2;
                return true;
            case 2:
                if (type != 's')
                {
                    return Fail(n, line, "missing s= line: it must follow o= (RFC 8866 §5.3)");
                }

                _session.SessionName = value;
                _phase = 3;
                return true;
        }

        if (!KnownTypes.Contains(type, StringComparison.Ordinal))
        {
            // RFC 8866 §5: a description with a type letter we do not understand is rejected as a whole.
            return Fail(n, line, $"unknown type letter '{type}': the description is rejected (RFC 8866 §5)");
        }

        return _phase == 3 ? ReadSessionLine(type, value, line, n) : ReadMediaLine(type, value, line, n);
    }

    private bool ReadSessionLine(char type, string value, string line, int n)
    {
        string reason;
        switch (type)
        {
            case 'i':
                if (!Once(ref _sessionInfo, line, n))
                {
                    return false;
                }

                _session.Information = value;
                return true;
            case 'u':
                if (!Once(ref _sessionUri, line, n))
                {
                    return false;
                }

                _session.Uri = value;
                return true;
            case 'e':
                _session.Emails.Add(value);
                return true;
            case 'p':
                _session.Phones.Add(value);
                return true;
            case 'c':
                if (!Once(ref _sessionConnection, line, n))
                {
                    return false;
                }

                if (!SdpConnection.TryParse(value, out SdpConnection? c, out reason))
                {
                    return Fail(n, line, reason);
                }

                _session.Connection = c;
                return true;
            case 'b':
                if (!SdpBandwidth.TryParse(value, out SdpBandwidth? b, out reason))
                {
                    return Fail(n, line, reason);
                }

                _session.Bandwidths.Add(b);
                return true;
            case 't':
                if (!SdpTiming.TryParse(value, out SdpTiming? t, out reason))
                {
                    return Fail(n, line, reason);
                }

                _session.Timings.Add(t);
                return true;
            case 'r':
                if (_session.Timings.Count == 0)
                {
                    return Fail(n, line, "r= must follow a t= line (RFC 8866 §5.10)");
                }

                SdpTiming last = _session.Timings[^1];
                _session.Timings[^1] = new SdpTiming(last.StartTime, last.StopTime, [.. last.RepeatTimes, value]);
                return true;
            case 'z':
                if (!Once(ref _sessionZone, line, n))
                {
                    return false;
                }

                _session.TimeZones = value;
                return true;
            case 'k':
                if (!Once(ref _sessionKey, line, n))
                {
                    return false;
                }

                _session.EncryptionKey = value;
                return true;
            case 'a':
                return ReadAttribute(_session.Attributes, value, line, n);
            case 'm':
                if (_session.Timings.Count == 0)
                {
                    return Fail(n, line, "missing t= line before the first m= (RFC 8866 §5.9)");
                }

                return ReadMediaStart(value, line, n);
            default:
                return Fail(n, line, $"{type}= may appear only once, at the start (RFC 8866 §5)");
        }
    }

    private bool ReadMediaLine(char type, string value, string line, int n)
    {
        MediaDescription media = _media!;
        switch (type)
        {
            case 'i':
                if (!Once(ref _mediaInfo, line, n))
                {
                    return false;
                }

                media.Information = value;
                return true;
            case 'c':
                if (!SdpConnection.TryParse(value, out SdpConnection? c, out string reason))
                {
                    return Fail(n, line, reason);
                }

                media.Connections.Add(c);
                return true;
            case 'b':
                if (!SdpBandwidth.TryParse(value, out SdpBandwidth? b, out reason))
                {
                    return Fail(n, line, reason);
                }

                media.Bandwidths.Add(b);
                return true;
            case 'k':
                if (!Once(ref _mediaKey, line, n))
                {
                    return false;
                }

                media.EncryptionKey = value;
                return true;
            case 'a':
                return ReadAttribute(media.Attributes, value, line, n);
            case 'm':
                return ReadMediaStart(value, line, n);
            default:
                return Fail(n, line, $"{type}= is not allowed in a media description (RFC 8866 §5)");
        }
    }

    private bool ReadMediaStart(string value, string line, int n)
    {
        // RFC 8866 §5.14: m=<media> <port>[/<number of ports>] <proto> 1*(SP <fmt>)
        string[] f = SdpText.SplitFields(value);
        if (f.Length < 4)
        {
            return Fail(n, line, "m= needs media, port, protocol and at least one format (RFC 8866 §5.14)");
        }

        string portField = f[1];
        int? portCount = null;
        int slash = portField.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            if (!SdpText.TryParseUInt32(portField.AsSpan(slash + 1), out uint count) || count > int.MaxValue)
            {
                return Fail(n, line, "m= port count must be a number (RFC 8866 §5.14)");
            }

            portCount = (int)count;
            portField = portField[..slash];
        }

        if (!SdpText.TryParseUInt32(portField, out uint port) || port > ushort.MaxValue)
        {
            return Fail(n, line, "m= port must be a number from 0 to 65535 (RFC 8866 §5.14)");
        }

        _media = new MediaDescription(f[0], (int)port, f[2], f.Skip(3)) { PortCount = portCount };
        _session.Media.Add(_media);
        _mediaInfo = false;
        _mediaKey = false;
        _phase = 4;
        return true;
    }

    private bool ReadAttribute(SdpAttributeList list, string value, string line, int n)
    {
        // RFC 8866 §5.13: a=<attribute-name>[:<attribute-value>]; the value is kept exactly as written.
        int colon = value.IndexOf(':', StringComparison.Ordinal);
        string name = colon < 0 ? value : value[..colon];
        if (!SdpText.IsField(name))
        {
            return Fail(n, line, "attribute name must be a non-empty token (RFC 8866 §5.13)");
        }

        list.Add(new SdpAttribute(name, colon < 0 ? null : value[(colon + 1)..]));
        return true;
    }

    private bool Once(ref bool seen, string line, int n)
    {
        if (seen)
        {
            return Fail(n, line, $"{line[0]}= may appear only once here (RFC 8866 §5)");
        }

        seen = true;
        return true;
    }
}
