using System.Globalization;
using System.Text;

namespace P2PCall.Core.Signaling;

/// <summary>
/// Writes JSON the way a browser's <c>JSON.stringify</c> does (ECMA-262 §25.5.2.3 QuoteJSONString), so
/// that what .NET sends is byte-for-byte what the seed's page sends: no whitespace, non-ASCII and
/// <c>+ &lt; &gt; &amp; '</c> written as they are, only quotes, backslashes, control characters and lone
/// surrogates escaped.
/// </summary>
internal sealed class JsonStringify
{
    private readonly StringBuilder _sb = new();
    private bool _needComma;

    public JsonStringify BeginObject()
    {
        Separator();
        _sb.Append('{');
        _needComma = false;
        return this;
    }

    public JsonStringify EndObject()
    {
        _sb.Append('}');
        _needComma = true;
        return this;
    }

    public JsonStringify Name(string name)
    {
        Separator();
        AppendQuoted(name);
        _sb.Append(':');
        _needComma = false;
        return this;
    }

    public JsonStringify String(string? value)
    {
        Separator();
        if (value is null)
        {
            _sb.Append("null");
        }
        else
        {
            AppendQuoted(value);
        }

        _needComma = true;
        return this;
    }

    public JsonStringify Number(int? value)
    {
        Separator();
        _sb.Append(value is null ? "null" : value.Value.ToString(CultureInfo.InvariantCulture));
        _needComma = true;
        return this;
    }

    public override string ToString() => _sb.ToString();

    private void Separator()
    {
        if (_needComma)
        {
            _sb.Append(',');
            _needComma = false;
        }
    }

    private void AppendQuoted(string value)
    {
        _sb.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': _sb.Append("\\\""); break;
                case '\\': _sb.Append("\\\\"); break;
                case '\b': _sb.Append("\\b"); break;
                case '\f': _sb.Append("\\f"); break;
                case '\n': _sb.Append("\\n"); break;
                case '\r': _sb.Append("\\r"); break;
                case '\t': _sb.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        AppendUnicodeEscape(c);
                    }
                    else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        _sb.Append(c).Append(value[++i]);
                    }
                    else if (char.IsSurrogate(c))
                    {
                        // ECMA-262 (well-formed JSON.stringify): a lone surrogate is escaped.
                        AppendUnicodeEscape(c);
                    }
                    else
                    {
                        _sb.Append(c);
                    }

                    break;
            }
        }

        _sb.Append('"');
    }

    private void AppendUnicodeEscape(char c) =>
        _sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
}
