namespace P2PCall.WebRtc.Rtp;

/// <summary>One RFC 8285 header extension element: its local identifier and its data.</summary>
internal readonly ref struct RtpHeaderExtensionElement
{
    /// <summary>Creates an element view.</summary>
    /// <param name="id">The local identifier (1–14 one-byte, 1–255 two-byte).</param>
    /// <param name="data">The element's data.</param>
    public RtpHeaderExtensionElement(int id, ReadOnlySpan<byte> data)
    {
        Id = id;
        Data = data;
    }

    /// <summary>The local identifier negotiated with <c>a=extmap</c>.</summary>
    public int Id { get; }

    /// <summary>The element data (1–16 bytes one-byte form, 0–255 two-byte form).</summary>
    public ReadOnlySpan<byte> Data { get; }
}

/// <summary>
/// Walks the elements of an RFC 8285 header extension. Every step consumes at least one byte, so the
/// walk is bounded by the extension length; a malformed element ends the walk and sets <see cref="IsMalformed"/>.
/// </summary>
internal ref struct RtpHeaderExtensionEnumerator
{
    private readonly RtpHeaderExtensionForm _form;
    private readonly ReadOnlySpan<byte> _data;
    private int _offset;

    /// <summary>Creates an enumerator over an extension body.</summary>
    /// <param name="form">The layout; anything but one- or two-byte yields no elements.</param>
    /// <param name="data">The extension body after its 4-byte header.</param>
    public RtpHeaderExtensionEnumerator(RtpHeaderExtensionForm form, ReadOnlySpan<byte> data)
    {
        _form = form;
        _data = data;
        _offset = form is RtpHeaderExtensionForm.OneByte or RtpHeaderExtensionForm.TwoByte ? 0 : data.Length;
        Current = default;
        IsMalformed = false;
    }

    /// <summary>The current element.</summary>
    public RtpHeaderExtensionElement Current { get; private set; }

    /// <summary>The walk stopped at an element that overran the extension or used a reserved form.</summary>
    public bool IsMalformed { get; private set; }

    /// <summary>Returns this enumerator (for <c>foreach</c>).</summary>
    /// <returns>This enumerator.</returns>
    public readonly RtpHeaderExtensionEnumerator GetEnumerator() => this;

    /// <summary>Moves to the next element, skipping padding bytes.</summary>
    /// <returns><see langword="false"/> at the end or on a malformed element.</returns>
    public bool MoveNext()
    {
        while (_offset < _data.Length)
        {
            byte b = _data[_offset];

            // RFC 8285 §4.2/§4.3: a zero byte is padding; skip it.
            if (b == 0)
            {
                _offset++;
                continue;
            }

            return _form == RtpHeaderExtensionForm.OneByte ? ReadOneByte(b) : ReadTwoByte(b);
        }

        return false;
    }

    private bool ReadOneByte(byte b)
    {
        int id = b >> 4;
        int length = (b & 0x0F) + 1; // RFC 8285 §4.2: L is the data length minus one.

        // RFC 8285 §4.2: id 15 is reserved; processing of the whole extension stops there.
        if (id == 15)
        {
            _offset = _data.Length;
            return false;
        }

        // Id 0 is only valid as a single padding byte (RFC 8285 §4.2); with L != 0 the element is malformed.
        if (id == 0 || length > _data.Length - _offset - 1)
        {
            return Stop();
        }

        Current = new RtpHeaderExtensionElement(id, _data.Slice(_offset + 1, length));
        _offset += 1 + length;
        return true;
    }

    private bool ReadTwoByte(byte id)
    {
        // RFC 8285 §4.3: 8-bit id, 8-bit length (0–255), then the data.
        if (_data.Length - _offset < 2)
        {
            return Stop();
        }

        int length = _data[_offset + 1];
        if (length > _data.Length - _offset - 2)
        {
            return Stop();
        }

        Current = new RtpHeaderExtensionElement(id, _data.Slice(_offset + 2, length));
        _offset += 2 + length;
        return true;
    }

    private bool Stop()
    {
        IsMalformed = true;
        _offset = _data.Length;
        return false;
    }
}
