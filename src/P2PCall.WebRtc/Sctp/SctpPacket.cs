using System.Buffers.Binary;
using System.Numerics;

namespace P2PCall.WebRtc.Sctp;

/// <summary>SCTP chunk types used here (RFC 9260 §3.2).</summary>
internal enum SctpChunkType : byte
{
    Data = 0,
    Init = 1,
    InitAck = 2,
    Sack = 3,
    Heartbeat = 4,
    HeartbeatAck = 5,
    Abort = 6,
    Shutdown = 7,
    ShutdownAck = 8,
    Error = 9,
    CookieEcho = 10,
    CookieAck = 11,
    ShutdownComplete = 14,
    ReConfig = 130,
    ForwardTsn = 192,
}

/// <summary>One chunk of a received packet (a view into the packet's bytes).</summary>
internal readonly ref struct SctpChunk(byte type, byte flags, ReadOnlySpan<byte> value, ReadOnlySpan<byte> raw)
{
    /// <summary>The whole chunk as received, header included (for error reports).</summary>
    public ReadOnlySpan<byte> Raw { get; } = raw;

    public SctpChunkType Type { get; } = (SctpChunkType)type;

    public byte RawType { get; } = type;

    public byte Flags { get; } = flags;

    /// <summary>The chunk value, after the 4-byte chunk header, without padding.</summary>
    public ReadOnlySpan<byte> Value { get; } = value;
}

/// <summary>
/// SCTP common header and chunk walk (RFC 9260 §3, §3.2) with the CRC32c checksum (RFC 9260 Appendix A/B),
/// over spans. Reading never throws: a bad checksum or a chunk that overruns the packet ends the walk.
/// </summary>
internal static class SctpPacket
{
    public const int CommonHeaderLength = 12;
    public const int ChunkHeaderLength = 4;

    /// <summary>RFC 9260 Appendix B: CRC32c over the packet with the checksum field (bytes 8..11) taken as zero.</summary>
    public static uint Checksum(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < CommonHeaderLength)
        {
            throw new ArgumentException("An SCTP packet has at least a 12-byte common header.", nameof(packet));
        }

        var crc = Crc32C(0xFFFFFFFFu, packet[..8]);
        crc = BitOperations.Crc32C(crc, 0u);
        return ~Crc32C(crc, packet[CommonHeaderLength..]);
    }

    /// <summary>CRC32c (Castagnoli, reflected) continued over <paramref name="data"/>, eight bytes at a time.</summary>
    internal static uint Crc32C(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            // Little-endian load: the hardware instruction consumes the low byte first, as the bytewise CRC does.
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }

    /// <summary>Writes the common header and the checksum over a finished packet.</summary>
    public static void Seal(Span<byte> packet, ushort sourcePort, ushort destinationPort, uint verificationTag)
    {
        BinaryPrimitives.WriteUInt16BigEndian(packet, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], verificationTag);
        // The CRC32c is stored least significant byte first (RFC 9260 Appendix B, as every stack writes it).
        BinaryPrimitives.WriteUInt32LittleEndian(packet[8..], Checksum(packet));
    }

    /// <summary>Checks the header and checksum; returns false for a packet to drop.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> packet, out ushort sourcePort, out ushort destinationPort, out uint verificationTag)
    {
        sourcePort = destinationPort = 0;
        verificationTag = 0;
        if (packet.Length < CommonHeaderLength + ChunkHeaderLength)
        {
            return false;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(packet[8..]) != Checksum(packet))
        {
            return false;
        }

        sourcePort = BinaryPrimitives.ReadUInt16BigEndian(packet);
        destinationPort = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        verificationTag = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        return true;
    }

    /// <summary>Walks the chunks; each consumes its padded length, so the walk always advances (RFC 9260 §3.2).</summary>
    public ref struct ChunkReader(ReadOnlySpan<byte> packet)
    {
        private readonly ReadOnlySpan<byte> _packet = packet;
        private int _offset = CommonHeaderLength;

        public SctpChunk Current { get; private set; }

        /// <summary>Set when a chunk's length was invalid: the rest of the packet is ignored.</summary>
        public bool Malformed { get; private set; }

        public bool MoveNext()
        {
            if (_offset + ChunkHeaderLength > _packet.Length)
            {
                return false;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(_packet[(_offset + 2)..]);
            if (length < ChunkHeaderLength || _offset + length > _packet.Length)
            {
                Malformed = true;
                return false;
            }

            Current = new SctpChunk(_packet[_offset], _packet[_offset + 1], _packet.Slice(_offset + ChunkHeaderLength, length - ChunkHeaderLength), _packet.Slice(_offset, length));
            _offset += (length + 3) & ~3;
            return true;
        }
    }

    /// <summary>Appends a chunk (header + value + padding) at <paramref name="offset"/>; returns the new offset.</summary>
    public static int WriteChunk(Span<byte> packet, int offset, SctpChunkType type, byte flags, ReadOnlySpan<byte> value)
    {
        var length = ChunkHeaderLength + value.Length;
        packet[offset] = (byte)type;
        packet[offset + 1] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(packet[(offset + 2)..], (ushort)length);
        value.CopyTo(packet[(offset + ChunkHeaderLength)..]);
        var padded = (length + 3) & ~3;
        packet.Slice(offset + length, padded - length).Clear();
        return offset + padded;
    }
}
