using P2PCall.WebRtc.Srtp;

namespace P2PCall.WebRtc.Tests.Srtp;

internal static class SrtpTestData
{
    public static byte[] Hex(string hex) =>
        Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c))));

    public static SrtpProfileParameters[] AllProfiles =>
    [
        SrtpProfileParameters.Aes128CmHmacSha1_80,
        SrtpProfileParameters.Aes128CmHmacSha1_32,
        SrtpProfileParameters.AeadAes128Gcm,
        SrtpProfileParameters.AeadAes256Gcm,
    ];

    /// <summary>Profile code points for theories (the enum is internal; xunit theories are public).</summary>
    public static TheoryData<ushort> Profiles => [0x0001, 0x0002, 0x0007, 0x0008];

    /// <summary>A deterministic master key for a profile (not a secret: tests only).</summary>
    public static SrtpMasterKey MasterKey(SrtpProfileParameters p, byte seed)
    {
        var key = new byte[p.MasterKeyLength];
        var salt = new byte[p.MasterSaltLength];
        for (int i = 0; i < key.Length; i++)
        {
            key[i] = (byte)(seed + (7 * i));
        }

        for (int i = 0; i < salt.Length; i++)
        {
            salt[i] = (byte)(seed ^ (13 * i));
        }

        return new SrtpMasterKey(key, salt);
    }

    /// <summary>A sender and a receiver context keyed alike.</summary>
    public static (SrtpContext Sender, SrtpContext Receiver) Pair(
        ushort profile, byte seed = 0x42, SrtpContextOptions? options = null)
    {
        SrtpProfileParameters p = SrtpProfileParameters.Get((SrtpProtectionProfile)profile);
        using SrtpMasterKey key = MasterKey(p, seed);
        return (new SrtpContext(p, key, options), new SrtpContext(p, key, options));
    }

    /// <summary>Writes an RTP packet (version 2, PT 96) into a fresh buffer with <paramref name="room"/> spare bytes.</summary>
    public static byte[] Rtp(uint ssrc, ushort seq, int payloadLength = 40, int room = 32, int csrcCount = 0, int extensionWords = -1)
    {
        int header = 12 + (4 * csrcCount) + (extensionWords >= 0 ? 4 + (4 * extensionWords) : 0);
        var buffer = new byte[header + payloadLength + room];
        buffer[0] = (byte)(0x80 | csrcCount | (extensionWords >= 0 ? 0x10 : 0));
        buffer[1] = 96;
        buffer[2] = (byte)(seq >> 8);
        buffer[3] = (byte)seq;
        buffer[4] = 0x12;
        buffer[5] = 0x34;
        buffer[6] = 0x56;
        buffer[7] = 0x78;
        buffer[8] = (byte)(ssrc >> 24);
        buffer[9] = (byte)(ssrc >> 16);
        buffer[10] = (byte)(ssrc >> 8);
        buffer[11] = (byte)ssrc;
        int offset = 12;
        for (int i = 0; i < csrcCount; i++, offset += 4)
        {
            buffer[offset + 3] = (byte)(i + 1);
        }

        if (extensionWords >= 0)
        {
            buffer[offset] = 0xBE;
            buffer[offset + 1] = 0xDE;
            buffer[offset + 3] = (byte)extensionWords;
            offset += 4;
            for (int i = 0; i < 4 * extensionWords; i++)
            {
                buffer[offset++] = (byte)(0xE0 + i);
            }
        }

        for (int i = 0; i < payloadLength; i++)
        {
            buffer[offset + i] = (byte)(seq + (3 * i));
        }

        return buffer;
    }

    public static int RtpLength(byte[] buffer, int room = 32) => buffer.Length - room;

    /// <summary>An RTCP receiver report (PT 201) with one report block, plus spare room.</summary>
    public static byte[] Rtcp(uint ssrc, byte fill = 0x5A, int room = 32)
    {
        var buffer = new byte[32 + room];
        buffer[0] = 0x81;
        buffer[1] = 201;
        buffer[3] = 7; // length in words minus one
        buffer[4] = (byte)(ssrc >> 24);
        buffer[5] = (byte)(ssrc >> 16);
        buffer[6] = (byte)(ssrc >> 8);
        buffer[7] = (byte)ssrc;
        for (int i = 8; i < 32; i++)
        {
            buffer[i] = (byte)(fill + i);
        }

        return buffer;
    }

    /// <summary>Protects one RTP packet and returns exactly the SRTP bytes.</summary>
    public static byte[] Protect(SrtpContext sender, uint ssrc, ushort seq, int payloadLength = 40)
    {
        byte[] buffer = SrtpTestData.Rtp(ssrc, seq, payloadLength);
        Assert.Equal(SrtpStatus.Ok, sender.ProtectRtp(buffer, RtpLength(buffer), out int n));
        return buffer.AsSpan(0, n).ToArray();
    }
}
