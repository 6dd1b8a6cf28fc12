using P2PCall.WebRtc.Srtp;
using static P2PCall.WebRtc.Tests.Srtp.SrtpTestData;

namespace P2PCall.WebRtc.Tests.Srtp;

/// <summary>Known-answer tests from RFC 3711 Appendix B, RFC 6188 §7, RFC 7714 §16–17 and libsrtp's reference packet.</summary>
public class SrtpVectorTests
{
    // RFC 7714 §16 / §17 session material ("Quid pro quo").
    private static readonly byte[] GcmKey128 = Hex("000102030405060708090a0b0c0d0e0f");
    private static readonly byte[] GcmKey256 = Hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static readonly byte[] GcmSalt = Hex("517569642070726f2071756f");

    // RFC 7714 §16: RTP header 8040f17b 8041f8d3 5501a0b2, payload "Gallia est omnis divisa in partes tres".
    private static readonly byte[] Rfc7714Rtp = Hex(
        "8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976 69736120 696e2070 61727465 73207472 6573");

    // RFC 7714 §17: an RTCP sender report from SSRC "Mars", SRTCP index 0x5d4.
    private static readonly byte[] Rfc7714Rtcp = Hex(
        "81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef");

    private const uint MarsSsrc = 0x4d617273;

    [Fact]
    public void Rfc3711_B2_aes_cm_keystream_matches()
    {
        using var cm = new AesCounterMode(Hex("2B7E151628AED2A6ABF7158809CF4F3C"));
        // Session salt F0F1...FCFD, SSRC 0, index 0: the IV is the salt shifted by 16 bits.
        byte[] iv = Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
        var keystream = new byte[0xFF02 * 16];
        cm.Keystream(iv, keystream);

        Assert.Equal(Hex("E03EAD0935C95E80E166B16DD92B4EB4"), keystream[..16]);
        Assert.Equal(Hex("D23513162B02D0F72A43A2FE4A5F97AB"), keystream[16..32]);
        Assert.Equal(Hex("41E95B3BB0A2E8DD477901E4FCA894C0"), keystream[32..48]);
        Assert.Equal(Hex("EC8CDF7398607CB0F2D21675EA9EA1E4"), keystream[(0xFEFF * 16)..(0xFF00 * 16)]);
        Assert.Equal(Hex("362B7C3C6773516318A077D7FC5073AE"), keystream[(0xFF00 * 16)..(0xFF01 * 16)]);
        Assert.Equal(Hex("6A2CC3787889374FBEB4C81B17BA6C44"), keystream[(0xFF01 * 16)..(0xFF02 * 16)]);
    }

    [Fact]
    public void Aes_cm_counter_carries_past_the_low_16_bits()
    {
        using var cm = new AesCounterMode(Hex("2B7E151628AED2A6ABF7158809CF4F3C"));
        byte[] iv = Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFDFFFF");
        var two = new byte[32];
        cm.Keystream(iv, two);
        var second = new byte[16];
        cm.Keystream(Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFE0000"), second);
        Assert.Equal(second, two[16..]);
    }

    [Fact]
    public void Rfc3711_B3_key_derivation_matches()
    {
        byte[] masterKey = Hex("E1F97A0D3E018BE0D64FA32C06DE4139");
        byte[] masterSalt = Hex("0EC675AD498AFEEBB6960B3AABE6");

        var encryption = new byte[16];
        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.LabelRtpEncryption, encryption);
        Assert.Equal(Hex("C61E7A93744F39EE10734AFE3FF7A087"), encryption);

        var salt = new byte[14];
        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.LabelRtpSalt, salt);
        Assert.Equal(Hex("30CBBC08863D8C85D49DB34A9AE1"), salt);

        // The RFC lists 94 bytes of authentication key, which spans six counter blocks.
        var auth = new byte[94];
        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.LabelRtpAuthentication, auth);
        Assert.Equal(
            Hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE"
                + "E049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC25"
                + "6D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2"),
            auth);
    }

    [Fact]
    public void Rfc3711_B3_session_keys_come_out_of_DeriveSessionKeys()
    {
        using var master = new SrtpMasterKey(Hex("E1F97A0D3E018BE0D64FA32C06DE4139"), Hex("0EC675AD498AFEEBB6960B3AABE6"));
        using SrtpSessionKeys keys = SrtpKeyDerivation.DeriveSessionKeys(SrtpProfileParameters.Aes128CmHmacSha1_80, master);

        Assert.Equal(Hex("C61E7A93744F39EE10734AFE3FF7A087"), keys.RtpKey);
        Assert.Equal(Hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"), keys.RtpAuthKey);
        Assert.Equal(Hex("30CBBC08863D8C85D49DB34A9AE1"), keys.RtpSalt);
        Assert.Equal(16, keys.RtcpKey.Length);
        Assert.Equal(20, keys.RtcpAuthKey.Length);
        Assert.Equal(14, keys.RtcpSalt.Length);
        Assert.NotEqual(keys.RtpKey, keys.RtcpKey);
    }

    [Fact]
    public void Rfc6188_aes256_key_derivation_matches()
    {
        byte[] masterKey = Hex("F0F04914B513F2763A1B1FA130F10E2998F6F6E43E4309D1E622A0E332B9F1B6");
        byte[] masterSalt = Hex("3B04803DE51EE7C96423AB5B78D2");

        var encryption = new byte[32];
        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.LabelRtpEncryption, encryption);
        Assert.Equal(Hex("5BA1064E30EC51613CAD926C5A28EF731EC7FB397F70A960653CAF06554CD8C4"), encryption);

        var salt = new byte[14];
        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.LabelRtpSalt, salt);
        Assert.Equal(Hex("FA31791685CA444A9E07C6C64E93"), salt);
    }

    [Fact]
    public void Gcm_master_salt_is_padded_to_112_bits_for_key_derivation()
    {
        // RFC 7714 §11 with erratum 4938: the 96-bit salt times 2^16. Expected values computed here with
        // `openssl enc -aes-128-ecb -nopad` on the block salt || 00 00 00 00 with the label at byte 7.
        using var master = new SrtpMasterKey(GcmKey128, Hex("a0a1a2a3a4a5a6a7a8a9aaab"));
        using SrtpSessionKeys keys = SrtpKeyDerivation.DeriveSessionKeys(SrtpProfileParameters.AeadAes128Gcm, master);

        Assert.Equal(Hex("077c6143cb221bc355ff23d5f984a16e"), keys.RtpKey);
        Assert.Equal(Hex("9af3e95364ebac9c99c5a7c4"), keys.RtpSalt);
        Assert.Equal(Hex("615dcd9042600666f6fd4d9e4fe4519f"), keys.RtcpKey);
        Assert.Equal(Hex("fcca937b9112a500dac72269"), keys.RtcpSalt);
        Assert.Empty(keys.RtpAuthKey);
        Assert.Empty(keys.RtcpAuthKey);
    }

    // libsrtp's srtp_validate reference packet: AES_CM_128_HMAC_SHA1_80 with the RFC 3711 B.3 master key.
    private static readonly byte[] LibSrtpPlainRtp = Hex("800f1234decafbadcafebabe abababababababababababababababab");
    private static readonly byte[] LibSrtpProtectedRtp = Hex(
        "800f1234decafbadcafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb");
    private static readonly byte[] LibSrtpPlainRtcp = Hex("81c8000bcafebabe abababababababababababababababab");
    private static readonly byte[] LibSrtpProtectedRtcp = Hex(
        "81c8000bcafebabe 7128035be487b9bdbef89041f977a5a8 80000001 993e08cd54d6c1230798");

    private static SrtpContext LibSrtpContext()
    {
        using var master = new SrtpMasterKey(Hex("E1F97A0D3E018BE0D64FA32C06DE4139"), Hex("0EC675AD498AFEEBB6960B3AABE6"));
        return new SrtpContext(SrtpProfileParameters.Aes128CmHmacSha1_80, master);
    }

    [Fact]
    public void Aes_cm_hmac_sha1_80_protects_the_libsrtp_reference_packet_exactly()
    {
        using SrtpContext sender = LibSrtpContext();
        var buffer = new byte[64];
        LibSrtpPlainRtp.CopyTo(buffer, 0);

        Assert.Equal(SrtpStatus.Ok, sender.ProtectRtp(buffer, LibSrtpPlainRtp.Length, out int n));
        Assert.Equal(LibSrtpProtectedRtp, buffer[..n]);

        using SrtpContext receiver = LibSrtpContext();
        byte[] wire = LibSrtpProtectedRtp.ToArray();
        Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(wire, out int plain));
        Assert.Equal(LibSrtpPlainRtp, wire[..plain]);
    }

    [Fact]
    public void Aes_cm_hmac_sha1_80_protects_the_libsrtp_reference_rtcp_packet_exactly()
    {
        using SrtpContext sender = LibSrtpContext();
        sender.SetNextSrtcpIndex(0xcafebabe, 1); // libsrtp numbers its first SRTCP packet 1
        var buffer = new byte[64];
        LibSrtpPlainRtcp.CopyTo(buffer, 0);

        Assert.Equal(SrtpStatus.Ok, sender.ProtectRtcp(buffer, LibSrtpPlainRtcp.Length, out int n));
        Assert.Equal(LibSrtpProtectedRtcp, buffer[..n]);

        using SrtpContext receiver = LibSrtpContext();
        byte[] wire = LibSrtpProtectedRtcp.ToArray();
        Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtcp(wire, out int plain));
        Assert.Equal(LibSrtpPlainRtcp, wire[..plain]);
    }

    private static SrtpContext GcmContext(SrtpProfileParameters p, byte[] key, SrtpContextOptions? options = null)
    {
        using var keys = new SrtpSessionKeys(key, [], GcmSalt, key, [], GcmSalt);
        return new SrtpContext(p, keys, options);
    }

    public static TheoryData<ushort, string> Rfc7714RtpVectors => new()
    {
        // RFC 7714 §16.1.1 (AEAD_AES_128_GCM)
        {
            (ushort)SrtpProtectionProfile.AeadAes128Gcm,
            "8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5 0d294e6f 42a5f47a 51c7d19b"
            + "36de3adf 8833899d 7f27beb1 6a9152cf 765ee439 0cce"
        },
        // RFC 7714 §16.2.1 (AEAD_AES_256_GCM)
        {
            (ushort)SrtpProtectionProfile.AeadAes256Gcm,
            "8040f17b 8041f8d3 5501a0b2 32b1de78 a822fe12 ef9f78fa 332e33aa b1801238 9a58e2f3 b50b2a02 76ffae0f"
            + "1ba63799 b87b7aa3 db36dfff d6b0f9bb 7878d7a7 6c13"
        },
    };

    [Theory]
    [MemberData(nameof(Rfc7714RtpVectors))]
    public void Rfc7714_16_rtp_encryption_matches(ushort profileId, string expectedHex)
    {
        var profile = (SrtpProtectionProfile)profileId;
        SrtpProfileParameters p = SrtpProfileParameters.Get(profile);
        byte[] key = profile == SrtpProtectionProfile.AeadAes128Gcm ? GcmKey128 : GcmKey256;
        byte[] expected = Hex(expectedHex);

        using SrtpContext sender = GcmContext(p, key);
        var buffer = new byte[128];
        Rfc7714Rtp.CopyTo(buffer, 0);
        Assert.Equal(SrtpStatus.Ok, sender.ProtectRtp(buffer, Rfc7714Rtp.Length, out int n));
        Assert.Equal(expected, buffer[..n]);

        // §16.x.2: verification and decryption.
        using SrtpContext receiver = GcmContext(p, key);
        byte[] wire = expected.ToArray();
        Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(wire, out int plain));
        Assert.Equal(Rfc7714Rtp, wire[..plain]);
    }

    public static TheoryData<ushort, bool, string> Rfc7714RtcpVectors => new()
    {
        // RFC 7714 §17.1: AEAD_AES_128_GCM, E = 1.
        {
            (ushort)SrtpProtectionProfile.AeadAes128Gcm, true,
            "81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d c676a5f1 730d6fda 4ce09b46"
            + "86303ded 0bb9275b c84aa458 96cf4d2f c5abf872 45d9eade 800005d4"
        },
        // RFC 7714 §17.2: AEAD_AES_256_GCM, E = 1.
        {
            (ushort)SrtpProtectionProfile.AeadAes256Gcm, true,
            "81c8000d 4d617273 d50ae4d1 f5ce5d30 4ba297e4 7d470c28 2c3ece5d bffe0a50 a2eaa5c1 110555be 8415f658"
            + "c61de047 6f1b6fad 1d1eb30c 4446839f 57ff6f6c b26ac3be 800005d4"
        },
        // RFC 7714 §17.3: AEAD_AES_128_GCM, E = 0 (authentication only).
        {
            (ushort)SrtpProtectionProfile.AeadAes128Gcm, false,
            "81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61 deadbeef deadbeef deadbeef"
            + "deadbeef deadbeef 841dd968 3dd78ec9 2ae58790 125f62b3 000005d4"
        },
        // RFC 7714 §17.4: AEAD_AES_256_GCM, E = 0.
        {
            (ushort)SrtpProtectionProfile.AeadAes256Gcm, false,
            "81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61 deadbeef deadbeef deadbeef"
            + "deadbeef deadbeef 91db4afb feee5a97 8fab4393 ed2615fe 000005d4"
        },
    };

    [Theory]
    [MemberData(nameof(Rfc7714RtcpVectors))]
    public void Rfc7714_17_rtcp_protection_matches(ushort profileId, bool encrypt, string expectedHex)
    {
        var profile = (SrtpProtectionProfile)profileId;
        SrtpProfileParameters p = SrtpProfileParameters.Get(profile);
        byte[] key = profile == SrtpProtectionProfile.AeadAes128Gcm ? GcmKey128 : GcmKey256;
        byte[] expected = Hex(expectedHex);
        var options = new SrtpContextOptions { EncryptRtcp = encrypt };

        using SrtpContext sender = GcmContext(p, key, options);
        sender.SetNextSrtcpIndex(MarsSsrc, 0x5d4);
        var buffer = new byte[128];
        Rfc7714Rtcp.CopyTo(buffer, 0);
        Assert.Equal(SrtpStatus.Ok, sender.ProtectRtcp(buffer, Rfc7714Rtcp.Length, out int n));
        Assert.Equal(expected, buffer[..n]);

        using SrtpContext receiver = GcmContext(p, key);
        byte[] wire = expected.ToArray();
        Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtcp(wire, out int plain));
        Assert.Equal(Rfc7714Rtcp, wire[..plain]);
    }
}
