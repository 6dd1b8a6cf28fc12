using System.Buffers.Binary;
using System.Text;
using P2PCall.WebRtc.Sctp;

namespace P2PCall.WebRtc.Tests.Sctp;

/// <summary>CRC32c as SCTP uses it (RFC 9260 Appendix B), against the published vectors of RFC 3720 §B.4.</summary>
public class SctpChecksumTests
{
    private static uint Crc(ReadOnlySpan<byte> data) => ~SctpPacket.Crc32C(0xFFFFFFFFu, data);

    [Fact]
    public void Rfc3720_vectors()
    {
        Assert.Equal(0x8A9136AAu, Crc(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        Assert.Equal(0x113FDB5Cu, Crc(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()));
    }

    [Fact]
    public void Rfc3720_iscsi_read_command_vector()
    {
        byte[] pdu =
        [
            0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
            0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ];
        Assert.Equal(0xD9963A56u, Crc(pdu));
    }

    [Fact]
    public void Check_value_of_the_castagnoli_polynomial() =>
        Assert.Equal(0xE3069283u, Crc(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Every_length_matches_the_bytewise_definition()
    {
        var data = Enumerable.Range(0, 100).Select(i => (byte)(i * 37)).ToArray();
        for (var length = 0; length <= data.Length; length++)
        {
            var expected = 0xFFFFFFFFu;
            foreach (var b in data.AsSpan(0, length))
            {
                expected ^= b;
                for (var k = 0; k < 8; k++)
                {
                    expected = (expected & 1) != 0 ? (expected >> 1) ^ 0x82F63B78u : expected >> 1; // reflected Castagnoli
                }
            }

            Assert.Equal(~expected, Crc(data.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Sealed_packet_stores_the_crc_as_rfc3720_lists_its_bytes_and_verifies()
    {
        var packet = new byte[32];
        SctpPacket.WriteChunk(packet, 12, SctpChunkType.CookieAck, 0, []);
        SctpPacket.Seal(packet.AsSpan(0, 16), 5000, 5000, 0x01020304);

        Assert.True(SctpPacket.TryReadHeader(packet.AsSpan(0, 16), out var source, out var destination, out var tag));
        Assert.Equal((5000, 5000, 0x01020304u), (source, destination, tag));
        // The checksum field is computed as zero; the CRC goes out least significant byte first (RFC 3720 lists
        // the all-zero vector's CRC as the bytes aa 36 91 8a).
        var crc = SctpPacket.Checksum(packet.AsSpan(0, 16));
        Assert.Equal(crc, BinaryPrimitives.ReadUInt32LittleEndian(packet.AsSpan(8)));
        var zeros = new byte[44];
        BinaryPrimitives.WriteUInt32LittleEndian(zeros.AsSpan(8), 0xFFFFFFFF); // ignored by the checksum
        Assert.Equal(Crc(new byte[44]), SctpPacket.Checksum(zeros));
    }

    [Fact]
    public void Any_flipped_bit_fails_the_check()
    {
        var packet = new byte[16];
        SctpPacket.WriteChunk(packet, 12, SctpChunkType.CookieAck, 0, []);
        SctpPacket.Seal(packet, 5000, 5000, 7);
        for (var bit = 0; bit < packet.Length * 8; bit++)
        {
            var copy = (byte[])packet.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(SctpPacket.TryReadHeader(copy, out _, out _, out _), $"bit {bit}");
        }
    }
}
