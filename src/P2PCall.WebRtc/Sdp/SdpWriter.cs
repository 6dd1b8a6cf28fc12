using System.Globalization;
using System.Text;

namespace P2PCall.WebRtc.Sdp;

/// <summary>
/// Writes a <see cref="SessionDescription"/> as SDP text: lines in the order RFC 8866 §5 gives,
/// each ended by CRLF (the last one too). Attributes are written in their list order.
/// </summary>
internal static class SdpWriter
{
    public static string Write(SessionDescription session)
    {
        var sb = new StringBuilder(4096);

        // RFC 8866 §5: v o s i u e p c b (t r)+ z k a, then media: m i c b k a.
        Line(sb, 'v', "0");
        Line(sb, 'o', session.Origin.ToString());
        Line(sb, 's', session.SessionName);
        Optional(sb, 'i', session.Information);
        Optional(sb, 'u', session.Uri);
        foreach (string e in session.Emails)
        {
            Line(sb, 'e', e);
        }

        foreach (string p in session.Phones)
        {
            Line(sb, 'p', p);
        }

        if (session.Connection is { } c)
        {
            Line(sb, 'c', c.ToString());
        }

        foreach (SdpBandwidth b in session.Bandwidths)
        {
            Line(sb, 'b', b.ToString());
        }

        foreach (SdpTiming t in session.Timings)
        {
            Line(sb, 't', t.ToString());
            foreach (string r in t.RepeatTimes)
            {
                Line(sb, 'r', r);
            }
        }

        Optional(sb, 'z', session.TimeZones);
        Optional(sb, 'k', session.EncryptionKey);
        Attributes(sb, session.Attributes);

        foreach (MediaDescription m in session.Media)
        {
            WriteMedia(sb, m);
        }

        return sb.ToString();
    }

    private static void WriteMedia(StringBuilder sb, MediaDescription m)
    {
        sb.Append("m=").Append(m.MediaType).Append(' ').Append(m.Port.ToString(CultureInfo.InvariantCulture));
        if (m.PortCount is { } count)
        {
            sb.Append('/').Append(count.ToString(CultureInfo.InvariantCulture));
        }

        sb.Append(' ').Append(m.Protocol);
        foreach (string f in m.Formats)
        {
            sb.Append(' ').Append(f);
        }

        sb.Append("\r\n");
        Optional(sb, 'i', m.Information);
        foreach (SdpConnection c in m.Connections)
        {
            Line(sb, 'c', c.ToString());
        }

        foreach (SdpBandwidth b in m.Bandwidths)
        {
            Line(sb, 'b', b.ToString());
        }

        Optional(sb, 'k', m.EncryptionKey);
        Attributes(sb, m.Attributes);
    }

    private static void Attributes(StringBuilder sb, SdpAttributeList attributes)
    {
        foreach (SdpAttribute a in attributes)
        {
            sb.Append("a=").Append(a.Name);
            if (a.Value is not null)
            {
                sb.Append(':').Append(a.Value);
            }

            sb.Append("\r\n");
        }
    }

    private static void Optional(StringBuilder sb, char type, string? value)
    {
        if (value is not null)
        {
            Line(sb, type, value);
        }
    }

    private static void Line(StringBuilder sb, char type, string value) =>
        sb.Append(type).Append('=').Append(value).Append("\r\n");
}
