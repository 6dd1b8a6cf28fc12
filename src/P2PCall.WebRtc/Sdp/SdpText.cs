using System.Globalization;

namespace P2PCall.WebRtc.Sdp;

/// <summary>Small text rules shared by the SDP parser, writer and typed attribute values.</summary>
internal static class SdpText
{
    /// <summary>Digits only (RFC 8866 §9 <c>1*DIGIT</c>): no sign, no spaces, no exponent.</summary>
    public static bool TryParseUInt32(ReadOnlySpan<char> s, out uint value) =>
        uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>Digits only, 64-bit.</summary>
    public static bool TryParseUInt64(ReadOnlySpan<char> s, out ulong value) =>
        ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>An RTP payload type: 0–127 (RFC 3550 §5.1, seven bits).</summary>
    public static bool TryParsePayloadType(ReadOnlySpan<char> s, out byte payloadType)
    {
        payloadType = 0;
        if (!TryParseUInt32(s, out uint v) || v > 127)
        {
            return false;
        }

        payloadType = (byte)v;
        return true;
    }

    /// <summary>
    /// True when <paramref name="s"/> holds no CR, LF or NUL: RFC 8866 §5 forbids them inside a line,
    /// and letting them through would let a value inject lines into the text we write.
    /// </summary>
    public static bool IsLineSafe(ReadOnlySpan<char> s) => s.IndexOfAny('\r', '\n', '\0') < 0;

    /// <summary>A non-empty field with no whitespace, CR, LF or NUL (an m= or o= field, a token).</summary>
    public static bool IsField(ReadOnlySpan<char> s) =>
        !s.IsEmpty && s.IndexOfAny(" \t\r\n\0") < 0;

    /// <summary>Throws unless the value can be written on one SDP line.</summary>
    public static string RequireLineSafe(string value, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        if (!IsLineSafe(value))
        {
            throw new ArgumentException("The value must not contain CR, LF or NUL.", paramName);
        }

        return value;
    }

    /// <summary>Throws unless the value is a non-empty field without whitespace.</summary>
    public static string RequireField(string value, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        if (!IsField(value))
        {
            throw new ArgumentException("The value must be non-empty and contain no whitespace, CR, LF or NUL.", paramName);
        }

        return value;
    }

    /// <summary>Splits on spaces (and tabs), dropping empty pieces (tolerates doubled spaces).</summary>
    public static string[] SplitFields(string s) => s.Split(FieldSeparators, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// Splits an attribute value into fields; empty when the value is null or holds CR, LF or NUL,
    /// so typed readers never see (or throw on) text that cannot be one line.
    /// </summary>
    public static string[] SplitValue(string? value) =>
        value is null || !IsLineSafe(value) ? [] : SplitFields(value);

    private static readonly char[] FieldSeparators = [' ', '\t'];

    /// <summary>Order-sensitive equality of two lists, for records holding lists.</summary>
    public static bool SequenceEqual<T>(IReadOnlyList<T> a, IReadOnlyList<T> b) =>
        ReferenceEquals(a, b) || a.SequenceEqual(b);

    /// <summary>Hash of a list's items in order.</summary>
    public static int SequenceHash<T>(IReadOnlyList<T> items)
    {
        var hash = default(HashCode);
        foreach (T item in items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }
}
