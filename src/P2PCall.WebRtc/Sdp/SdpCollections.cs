using System.Collections.ObjectModel;

namespace P2PCall.WebRtc.Sdp;

/// <summary>A list that refuses null items.</summary>
internal sealed class NonNullCollection<T> : Collection<T>
{
    protected override void InsertItem(int index, T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        base.InsertItem(index, item);
    }

    protected override void SetItem(int index, T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        base.SetItem(index, item);
    }
}

/// <summary>A list of line values: no CR, LF or NUL (RFC 8866 §5).</summary>
internal sealed class LineValueCollection : Collection<string>
{
    protected override void InsertItem(int index, string item) =>
        base.InsertItem(index, SdpText.RequireLineSafe(item, nameof(item)));

    protected override void SetItem(int index, string item) =>
        base.SetItem(index, SdpText.RequireLineSafe(item, nameof(item)));
}

/// <summary>A list of m-line fields: non-empty, no whitespace.</summary>
internal sealed class FieldCollection : Collection<string>
{
    protected override void InsertItem(int index, string item) =>
        base.InsertItem(index, SdpText.RequireField(item, nameof(item)));

    protected override void SetItem(int index, string item) =>
        base.SetItem(index, SdpText.RequireField(item, nameof(item)));
}
