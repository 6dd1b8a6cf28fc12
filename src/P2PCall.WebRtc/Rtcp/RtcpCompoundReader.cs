namespace P2PCall.WebRtc.Rtcp;

/// <summary>
/// Walks the packets of a compound (or reduced-size, RFC 5506) RTCP datagram. Each step consumes the
/// packet's declared length (at least 4 bytes), so the walk ends after at most length / 4 steps; a framing
/// error ends it and is reported in <see cref="Error"/> and <see cref="ErrorOffset"/>.
/// </summary>
internal ref struct RtcpCompoundReader
{
    private readonly ReadOnlySpan<byte> _datagram;
    private int _offset;

    /// <summary>Creates a reader over a decrypted RTCP datagram.</summary>
    /// <param name="datagram">The datagram.</param>
    public RtcpCompoundReader(ReadOnlySpan<byte> datagram)
    {
        _datagram = datagram;
        _offset = 0;
        Current = default;
        Error = datagram.IsEmpty ? RtcpParseError.Empty : RtcpParseError.None;
        ErrorOffset = 0;
    }

    /// <summary>The current packet.</summary>
    public RtcpPacketView Current { get; private set; }

    /// <summary>The framing error that ended the walk, or <see cref="RtcpParseError.None"/>.</summary>
    public RtcpParseError Error { get; private set; }

    /// <summary>The byte offset of the packet that failed to frame.</summary>
    public int ErrorOffset { get; private set; }

    /// <summary>
    /// Whether the datagram is a full compound packet, starting with SR or RR (RFC 3550 §6.1); otherwise it is
    /// reduced-size RTCP (RFC 5506 §3), which this reader accepts as well.
    /// </summary>
    public readonly bool StartsWithReport => _datagram.Length >= 2 && _datagram[1] is RtcpPacketType.SenderReport or RtcpPacketType.ReceiverReport;

    /// <summary>Returns this reader (for <c>foreach</c>).</summary>
    /// <returns>This reader.</returns>
    public readonly RtcpCompoundReader GetEnumerator() => this;

    /// <summary>Moves to the next packet.</summary>
    /// <returns><see langword="false"/> at the end of the datagram or on a framing error.</returns>
    public bool MoveNext()
    {
        if (Error != RtcpParseError.None || _offset >= _datagram.Length)
        {
            return false;
        }

        if (!RtcpPacketView.TryRead(_datagram[_offset..], out RtcpPacketView packet, out RtcpParseError error))
        {
            Error = error;
            ErrorOffset = _offset;
            return false;
        }

        Current = packet;
        _offset += packet.Bytes.Length;
        return true;
    }

    /// <summary>Checks that a whole datagram frames cleanly.</summary>
    /// <param name="datagram">The datagram.</param>
    /// <param name="error">The first framing error.</param>
    /// <param name="packetCount">The number of packets framed before the error or the end.</param>
    /// <returns><see langword="true"/> when every packet frames and the lengths add up to the datagram length.</returns>
    public static bool Validate(ReadOnlySpan<byte> datagram, out RtcpParseError error, out int packetCount)
    {
        var reader = new RtcpCompoundReader(datagram);
        packetCount = 0;
        while (reader.MoveNext())
        {
            packetCount++;
        }

        error = reader.Error;
        return error == RtcpParseError.None;
    }
}
