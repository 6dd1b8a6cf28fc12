using System.Buffers.Binary;

namespace P2PCall.WebRtc.Rtcp;

/// <summary>
/// One RTCP packet inside a datagram: the common header (RFC 3550 §6.4.1) and its body, padding removed.
/// Typed readers (<see cref="RtcpSenderReport"/>, <see cref="RtcpGenericNack"/>, ...) take it.
/// </summary>
internal readonly ref struct RtcpPacketView
{
    /// <summary>The size of the common header.</summary>
    public const int HeaderLength = 4;

    private RtcpPacketView(ReadOnlySpan<byte> packet, int paddingLength)
    {
        Bytes = packet;
        PaddingLength = paddingLength;
    }

    /// <summary>The whole packet, header and padding included (its length is the length field's).</summary>
    public ReadOnlySpan<byte> Bytes { get; }

    /// <summary>The bytes after the 4-byte header, without padding.</summary>
    public ReadOnlySpan<byte> Body => Bytes[HeaderLength..^PaddingLength];

    /// <summary>The number of padding bytes at the end (0 when the P bit is clear).</summary>
    public int PaddingLength { get; }

    /// <summary>The 5-bit count field: report count, source count or feedback format (FMT).</summary>
    public int Count => Bytes[0] & 0x1F;

    /// <summary>The feedback message type (same bits as <see cref="Count"/>; RFC 4585 §6.1).</summary>
    public int Format => Count;

    /// <summary>The packet type (PT).</summary>
    public byte PacketType => Bytes[1];

    /// <summary>What this packet is.</summary>
    public RtcpPacketKind Kind => Classify(PacketType, Count, Body);

    /// <summary>Reads the packet at the start of <paramref name="data"/> (the rest of the datagram may follow).</summary>
    /// <param name="data">The datagram from the packet's first byte.</param>
    /// <param name="packet">The packet when its header and length are valid.</param>
    /// <param name="error">Why it is not, or <see cref="RtcpParseError.None"/>.</param>
    /// <returns><see langword="true"/> for a well-framed packet.</returns>
    public static bool TryRead(ReadOnlySpan<byte> data, out RtcpPacketView packet, out RtcpParseError error)
    {
        packet = default;
        if (data.Length < HeaderLength)
        {
            error = data.IsEmpty ? RtcpParseError.Empty : RtcpParseError.TooShortForHeader;
            return false;
        }

        // RFC 3550 §6.4.1: V = 2.
        if ((data[0] >> 6) != 2)
        {
            error = RtcpParseError.UnsupportedVersion;
            return false;
        }

        // RFC 3550 §6.4.1: length is in 32-bit words minus one, header and padding included, so a packet
        // is never shorter than its 4-byte header and every walk step advances.
        int length = (BinaryPrimitives.ReadUInt16BigEndian(data[2..]) + 1) * 4;
        if (length > data.Length)
        {
            error = RtcpParseError.LengthOverrun;
            return false;
        }

        int padding = 0;
        if ((data[0] & 0x20) != 0)
        {
            // RFC 3550 §6.4.1: the last octet counts the padding octets, itself included.
            padding = data[length - 1];
            if (padding == 0)
            {
                error = RtcpParseError.PaddingCountZero;
                return false;
            }

            if (padding > length - HeaderLength)
            {
                error = RtcpParseError.PaddingOverrun;
                return false;
            }
        }

        packet = new RtcpPacketView(data[..length], padding);
        error = RtcpParseError.None;
        return true;
    }

    /// <summary>Writes a common header (V = 2, no padding) for a packet of <paramref name="packetLength"/> bytes.</summary>
    /// <param name="destination">At least 4 bytes.</param>
    /// <param name="count">The 5-bit count or FMT field.</param>
    /// <param name="packetType">The packet type.</param>
    /// <param name="packetLength">The whole packet length in bytes, a multiple of 4.</param>
    internal static void WriteHeader(Span<byte> destination, int count, byte packetType, int packetLength)
    {
        destination[0] = (byte)(0x80 | (count & 0x1F));
        destination[1] = packetType;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)((packetLength / 4) - 1));
    }

    private static RtcpPacketKind Classify(byte packetType, int count, ReadOnlySpan<byte> body) => packetType switch
    {
        RtcpPacketType.SenderReport => RtcpPacketKind.SenderReport,
        RtcpPacketType.ReceiverReport => RtcpPacketKind.ReceiverReport,
        RtcpPacketType.SourceDescription => RtcpPacketKind.SourceDescription,
        RtcpPacketType.Goodbye => RtcpPacketKind.Goodbye,
        RtcpPacketType.ApplicationDefined => RtcpPacketKind.ApplicationDefined,
        RtcpPacketType.ExtendedReport => RtcpPacketKind.ExtendedReport,
        RtcpPacketType.TransportFeedback => count switch
        {
            RtcpPacketType.FormatGenericNack => RtcpPacketKind.GenericNack,
            RtcpPacketType.FormatCongestionControlFeedback => RtcpPacketKind.CongestionControlFeedback,
            RtcpPacketType.FormatTransportWideCc => RtcpPacketKind.TransportWideCc,
            _ => RtcpPacketKind.Unknown,
        },
        RtcpPacketType.PayloadFeedback => count switch
        {
            RtcpPacketType.FormatPictureLossIndication => RtcpPacketKind.PictureLossIndication,
            RtcpPacketType.FormatFullIntraRequest => RtcpPacketKind.FullIntraRequest,
            RtcpPacketType.FormatApplicationLayerFeedback => RtcpRemb.HasRembIdentifier(body)
                ? RtcpPacketKind.ReceiverEstimatedMaxBitrate
                : RtcpPacketKind.ApplicationLayerFeedback,
            _ => RtcpPacketKind.Unknown,
        },
        _ => RtcpPacketKind.Unknown,
    };
}
