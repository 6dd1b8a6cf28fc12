namespace P2PCall.WebRtc.Stun;

/// <summary>
/// CRC-32 as used by STUN FINGERPRINT (RFC 8489 §14.7: the ITU V.42 / ISO 3309 CRC, reflected polynomial
/// 0xEDB88320), table driven. Our own small implementation: System.IO.Hashing is not available here.
/// </summary>
internal static class StunCrc32
{
    /// <summary>RFC 8489 §14.7: the CRC is XORed with this value ("STUN").</summary>
    public const uint FingerprintXor = 0x5354554E;

    private static readonly uint[] Table = BuildTable();

    /// <summary>Computes the CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint[] table = Table;
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
