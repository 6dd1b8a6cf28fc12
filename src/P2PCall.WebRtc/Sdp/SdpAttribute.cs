using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;

namespace P2PCall.WebRtc.Sdp;

/// <summary>
/// One <c>a=</c> line (RFC 8866 §5.13): a property attribute <c>a=name</c> (no value) or a value
/// attribute <c>a=name:value</c>. The value is kept exactly as written, leading spaces included, so
/// every attribute survives a round trip whether or not this library understands it.
/// </summary>
public sealed record SdpAttribute
{
    /// <summary>Creates an attribute.</summary>
    /// <param name="name">The attribute name: non-empty, without ':' or whitespace.</param>
    /// <param name="value">The value after the ':'; null for a property attribute. Must not contain CR, LF or NUL.</param>
    /// <exception cref="ArgumentException">The name or value could not be written on one line.</exception>
    public SdpAttribute(string name, string? value = null)
    {
        SdpText.RequireField(name, nameof(name));
        if (name.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("An attribute name must not contain ':'.", nameof(name));
        }

        if (value is not null)
        {
            SdpText.RequireLineSafe(value, nameof(value));
        }

        Name = name;
        Value = value;
    }

    /// <summary>The attribute name (case-sensitive, compared ordinally).</summary>
    public string Name { get; }

    /// <summary>The value after the first ':', exactly as written; null for a property attribute.</summary>
    public string? Value { get; }

    /// <summary>The attribute as it follows <c>a=</c>: <c>name</c> or <c>name:value</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Value is null ? Name : Name + ":" + Value;
}

/// <summary>
/// A typed view of one attribute's value (for example <see cref="SdpRtpMap"/> for <c>a=rtpmap</c>),
/// readable and writable through an <see cref="SdpAttributeList"/>.
/// </summary>
/// <typeparam name="TSelf">The implementing type.</typeparam>
public interface ISdpAttributeValue<TSelf>
    where TSelf : ISdpAttributeValue<TSelf>
{
    /// <summary>The attribute name this type reads and writes (for example <c>rtpmap</c>).</summary>
    static abstract string AttributeName { get; }

    /// <summary>Reads a value; false (never an exception) when it is absent or malformed.</summary>
    /// <param name="value">The attribute value after the ':'.</param>
    /// <param name="result">The typed value.</param>
    /// <returns>True when the value was well formed.</returns>
    static abstract bool TryParse(string? value, [NotNullWhen(true)] out TSelf? result);

    /// <summary>The attribute value as written after <c>a=name:</c>.</summary>
    /// <returns>The value text.</returns>
    string FormatValue();
}

/// <summary>
/// The ordered attribute lines of a session or media description. Order is preserved; typed views
/// on <see cref="SdpSection"/> read and write through this list. Names compare ordinally.
/// </summary>
public sealed class SdpAttributeList : Collection<SdpAttribute>
{
    /// <summary>True when at least one attribute has this name.</summary>
    /// <param name="name">The attribute name.</param>
    /// <returns>Whether it is present.</returns>
    public bool Contains(string name) => Find(name) is not null;

    /// <summary>The first attribute with this name, or null.</summary>
    /// <param name="name">The attribute name.</param>
    /// <returns>The attribute or null.</returns>
    public SdpAttribute? Find(string name)
    {
        foreach (SdpAttribute a in Items)
        {
            if (string.Equals(a.Name, name, StringComparison.Ordinal))
            {
                return a;
            }
        }

        return null;
    }

    /// <summary>Every attribute with this name, in order.</summary>
    /// <param name="name">The attribute name.</param>
    /// <returns>The attributes.</returns>
    public IReadOnlyList<SdpAttribute> FindAll(string name) =>
        Items.Where(a => string.Equals(a.Name, name, StringComparison.Ordinal)).ToList();

    /// <summary>The value of the first attribute with this name; null when absent or a property attribute.</summary>
    /// <param name="name">The attribute name.</param>
    /// <returns>The value or null.</returns>
    public string? GetValue(string name) => Find(name)?.Value;

    /// <summary>The values of every attribute with this name that has a value, in order.</summary>
    /// <param name="name">The attribute name.</param>
    /// <returns>The values.</returns>
    public IReadOnlyList<string> GetValues(string name) =>
        Items.Where(a => a.Value is not null && string.Equals(a.Name, name, StringComparison.Ordinal))
            .Select(a => a.Value!).ToList();

    /// <summary>Appends an attribute.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The value, or null for a property attribute.</param>
    public void Add(string name, string? value = null) => Add(new SdpAttribute(name, value));

    /// <summary>
    /// Makes <paramref name="name"/> appear exactly once with this value: replaces the first one in place
    /// (keeping its position) and removes the others, or appends when absent.
    /// </summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The value, or null for a property attribute.</param>
    public void Set(string name, string? value = null)
    {
        var attribute = new SdpAttribute(name, value);
        int first = -1;
        for (int i = Count - 1; i >= 0; i--)
        {
            if (string.Equals(Items[i].Name, name, StringComparison.Ordinal))
            {
                if (first >= 0)
                {
                    RemoveAt(first);
                }

                first = i;
            }
        }

        if (first >= 0)
        {
            this[first] = attribute;
        }
        else
        {
            Add(attribute);
        }
    }

    /// <summary>Removes every attribute with this name.</summary>
    /// <param name="name">The attribute name.</param>
    /// <returns>How many were removed.</returns>
    public int RemoveAll(string name)
    {
        int removed = 0;
        for (int i = Count - 1; i >= 0; i--)
        {
            if (string.Equals(Items[i].Name, name, StringComparison.Ordinal))
            {
                RemoveAt(i);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Every well-formed value of a typed attribute, in order; malformed ones are skipped (still kept as lines).</summary>
    /// <typeparam name="T">The typed value.</typeparam>
    /// <returns>The values.</returns>
    public IReadOnlyList<T> GetAll<T>()
        where T : ISdpAttributeValue<T>
    {
        var result = new List<T>();
        foreach (SdpAttribute a in Items)
        {
            if (string.Equals(a.Name, T.AttributeName, StringComparison.Ordinal) && T.TryParse(a.Value, out T? value))
            {
                result.Add(value);
            }
        }

        return result;
    }

    /// <summary>The first well-formed value of a typed attribute, or null.</summary>
    /// <typeparam name="T">The typed value.</typeparam>
    /// <returns>The value or null.</returns>
    public T? GetFirst<T>()
        where T : class, ISdpAttributeValue<T>
    {
        foreach (SdpAttribute a in Items)
        {
            if (string.Equals(a.Name, T.AttributeName, StringComparison.Ordinal) && T.TryParse(a.Value, out T? value))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Appends a typed attribute.</summary>
    /// <typeparam name="T">The typed value.</typeparam>
    /// <param name="value">The value.</param>
    public void AddValue<T>(T value)
        where T : ISdpAttributeValue<T>
    {
        ArgumentNullException.ThrowIfNull(value);
        Add(new SdpAttribute(T.AttributeName, value.FormatValue()));
    }

    /// <inheritdoc/>
    protected override void InsertItem(int index, SdpAttribute item)
    {
        ArgumentNullException.ThrowIfNull(item);
        base.InsertItem(index, item);
    }

    /// <inheritdoc/>
    protected override void SetItem(int index, SdpAttribute item)
    {
        ArgumentNullException.ThrowIfNull(item);
        base.SetItem(index, item);
    }
}
