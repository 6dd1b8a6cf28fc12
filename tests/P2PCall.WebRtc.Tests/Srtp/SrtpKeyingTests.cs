using P2PCall.WebRtc.Srtp;
using static P2PCall.WebRtc.Tests.Srtp.SrtpTestData;

namespace P2PCall.WebRtc.Tests.Srtp;

/// <summary>Profiles and the DTLS keying material split (RFC 5764 §4.1.2, §4.2).</summary>
public class SrtpKeyingTests
{
    [Theory]
    [InlineData((ushort)0x0001, 60, 10, 10)]
    [InlineData((ushort)0x0002, 60, 4, 10)]
    [InlineData((ushort)0x0007, 56, 16, 16)]
    [InlineData((ushort)0x0008, 88, 16, 16)]
    public void Profiles_describe_their_key_and_tag_lengths(ushort id, int materialLength, int srtpTag, int srtcpTag)
    {
        Assert.True(SrtpProfileParameters.TryGet(id, out SrtpProfileParameters? p));
        Assert.Equal(id, (ushort)p.Profile);
        Assert.Equal(materialLength, p.KeyingMaterialLength);
        Assert.Equal(srtpTag, p.SrtpAuthTagLength);
        Assert.Equal(srtcpTag, p.SrtcpAuthTagLength);
        Assert.Equal(p.IsAead ? 0 : 20, p.SessionAuthKeyLength);
    }

    [Theory]
    [InlineData((ushort)0x0000)]
    [InlineData((ushort)0x0005)] // NULL cipher profiles are not offered
    [InlineData((ushort)0x0009)]
    public void Unsupported_profiles_are_not_found(ushort id)
    {
        Assert.False(SrtpProfileParameters.TryGet(id, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => SrtpProfileParameters.Get((SrtpProtectionProfile)id));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Split_follows_the_rfc5764_layout_for_each_role(bool isDtlsClient)
    {
        SrtpProfileParameters p = SrtpProfileParameters.Aes128CmHmacSha1_80;
        byte[] material = Enumerable.Range(0, 60).Select(i => (byte)i).ToArray();

        SrtpKeyingMaterial.Split(p, material, isDtlsClient, out SrtpMasterKey local, out SrtpMasterKey remote);
        using (local)
        using (remote)
        {
            // client_write_key | server_write_key | client_write_salt | server_write_salt
            byte[] clientKey = material[0..16], serverKey = material[16..32];
            byte[] clientSalt = material[32..46], serverSalt = material[46..60];
            Assert.Equal(isDtlsClient ? clientKey : serverKey, local.Key.ToArray());
            Assert.Equal(isDtlsClient ? clientSalt : serverSalt, local.Salt.ToArray());
            Assert.Equal(isDtlsClient ? serverKey : clientKey, remote.Key.ToArray());
            Assert.Equal(isDtlsClient ? serverSalt : clientSalt, remote.Salt.ToArray());
        }
    }

    [Fact]
    public void Split_of_gcm_material_uses_12_byte_salts()
    {
        SrtpProfileParameters p = SrtpProfileParameters.AeadAes128Gcm;
        byte[] material = Enumerable.Range(0, 56).Select(i => (byte)i).ToArray();
        SrtpKeyingMaterial.Split(p, material, true, out SrtpMasterKey local, out SrtpMasterKey remote);
        using (local)
        using (remote)
        {
            Assert.Equal(material[32..44], local.Salt.ToArray());
            Assert.Equal(material[44..56], remote.Salt.ToArray());
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(55)]
    [InlineData(59)]
    [InlineData(61)]
    public void Split_refuses_material_of_the_wrong_length(int length)
    {
        Assert.Throws<ArgumentException>(() =>
            SrtpKeyingMaterial.Split(SrtpProfileParameters.Aes128CmHmacSha1_80, new byte[length], true, out _, out _));
    }

    [Fact]
    public void Master_key_dispose_clears_the_bytes()
    {
        var key = new SrtpMasterKey(Enumerable.Repeat((byte)0xAA, 16).ToArray(), Enumerable.Repeat((byte)0xBB, 14).ToArray());
        key.Dispose();
        Assert.All(key.Key.ToArray(), b => Assert.Equal(0, b));
        Assert.All(key.Salt.ToArray(), b => Assert.Equal(0, b));
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Sessions_from_the_same_material_talk_to_each_other_in_both_directions(ushort profile)
    {
        SrtpProfileParameters p = SrtpProfileParameters.Get((SrtpProtectionProfile)profile);
        byte[] material = Enumerable.Range(0, p.KeyingMaterialLength).Select(i => (byte)(i * 7)).ToArray();
        using SrtpSession client = SrtpSession.FromDtlsKeyingMaterial(p, material, isDtlsClient: true);
        using SrtpSession server = SrtpSession.FromDtlsKeyingMaterial(p, material, isDtlsClient: false);
        Assert.Same(p, client.Parameters);

        byte[] buffer = SrtpTestData.Rtp(1, 1);
        Assert.Equal(SrtpStatus.Ok, client.ProtectRtp(buffer, RtpLength(buffer), out int n));
        byte[] toServer = buffer[..n];
        // The client's own inbound context has the server's key: it must not accept its own packet.
        Assert.Equal(SrtpStatus.AuthenticationFailed, client.UnprotectRtp(toServer.ToArray(), out _));
        Assert.Equal(SrtpStatus.Ok, server.UnprotectRtp(toServer, out _));

        byte[] rtcp = SrtpTestData.Rtcp(2);
        Assert.Equal(SrtpStatus.Ok, server.ProtectRtcp(rtcp, 32, out int m));
        Assert.Equal(SrtpStatus.Ok, client.UnprotectRtcp(rtcp.AsSpan(0, m), out int plain));
        Assert.Equal(SrtpTestData.Rtcp(2)[..32], rtcp[..plain]);
    }
}
