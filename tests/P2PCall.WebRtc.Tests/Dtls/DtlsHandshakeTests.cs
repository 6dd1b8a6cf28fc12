using P2PCall.WebRtc.Dtls;

namespace P2PCall.WebRtc.Tests.Dtls;

public class DtlsHandshakeTests
{
    [Theory]
    [InlineData(DtlsRole.Client)]
    [InlineData(DtlsRole.Server)]
    internal async Task Handshake_completes_whichever_side_is_client(DtlsRole roleOfA)
    {
        await using var pair = new InMemoryDtlsPair(roleOfA);

        await pair.ConnectAsync();

        Assert.Equal(RTCDtlsTransportState.Connected, pair.A.State);
        Assert.Equal(RTCDtlsTransportState.Connected, pair.B.State);
        Assert.Equal(roleOfA, pair.A.Role);
        Assert.Null(pair.A.Error);
        Assert.Null(pair.B.Error);
    }

    [Theory]
    [InlineData(DtlsRole.Client)]
    [InlineData(DtlsRole.Server)]
    internal async Task Both_sides_export_the_same_srtp_keys_mirrored_by_role(DtlsRole roleOfA)
    {
        await using var pair = new InMemoryDtlsPair(roleOfA);

        await pair.ConnectAsync();

        DtlsSrtpKeyingMaterial client = Assert.IsType<DtlsSrtpKeyingMaterial>(pair.Client.SrtpKeyingMaterial);
        DtlsSrtpKeyingMaterial server = Assert.IsType<DtlsSrtpKeyingMaterial>(pair.Server.SrtpKeyingMaterial);
        Assert.Equal(client.Material.ToArray(), server.Material.ToArray());
        Assert.Equal(2 * (16 + 12), client.Material.Length);
        Assert.Equal(client.ClientWriteKey.ToArray(), server.ClientWriteKey.ToArray());
        Assert.Equal(client.LocalWriteKey.ToArray(), server.RemoteWriteKey.ToArray());
        Assert.Equal(client.LocalWriteSalt.ToArray(), server.RemoteWriteSalt.ToArray());
        Assert.Equal(server.LocalWriteKey.ToArray(), client.RemoteWriteKey.ToArray());
        Assert.NotEqual(client.ClientWriteKey.ToArray(), client.ServerWriteKey.ToArray());
        Assert.Contains(client.Material.ToArray(), b => b != 0);
    }

    public static TheoryData<ushort[], ushort[], ushort> ProfileCases => new()
    {
        // client offer, server preference, expected
        { [DtlsSrtpProfile.AeadAes128Gcm, DtlsSrtpProfile.Aes128CmHmacSha1_80], [DtlsSrtpProfile.AeadAes128Gcm, DtlsSrtpProfile.Aes128CmHmacSha1_80], DtlsSrtpProfile.AeadAes128Gcm },
        { [DtlsSrtpProfile.AeadAes128Gcm, DtlsSrtpProfile.Aes128CmHmacSha1_80], [DtlsSrtpProfile.Aes128CmHmacSha1_80], DtlsSrtpProfile.Aes128CmHmacSha1_80 },
        { [DtlsSrtpProfile.Aes128CmHmacSha1_80], [DtlsSrtpProfile.AeadAes128Gcm, DtlsSrtpProfile.Aes128CmHmacSha1_80], DtlsSrtpProfile.Aes128CmHmacSha1_80 },
        // The server's preference wins, as Chromium-as-server answers CM_80 to a client listing GCM first.
        { [DtlsSrtpProfile.AeadAes128Gcm, DtlsSrtpProfile.Aes128CmHmacSha1_80], [DtlsSrtpProfile.Aes128CmHmacSha1_80, DtlsSrtpProfile.AeadAes128Gcm], DtlsSrtpProfile.Aes128CmHmacSha1_80 },
        { [DtlsSrtpProfile.AeadAes256Gcm], [DtlsSrtpProfile.AeadAes256Gcm], DtlsSrtpProfile.AeadAes256Gcm },
    };

    [Theory]
    [MemberData(nameof(ProfileCases))]
    internal async Task Server_picks_the_first_srtp_profile_of_its_preference_that_the_client_offered(ushort[] clientOffer, ushort[] serverPreference, ushort expected)
    {
        await using var pair = new InMemoryDtlsPair(
            DtlsRole.Client,
            optionsA: new DtlsTransportOptions { SrtpProfiles = clientOffer },
            optionsB: new DtlsTransportOptions { SrtpProfiles = serverPreference });

        await pair.ConnectAsync();

        Assert.Equal(expected, pair.A.SrtpProfile);
        Assert.Equal(expected, pair.B.SrtpProfile);
        Assert.True(DtlsSrtpProfile.TryGetLengths(expected, out int key, out int salt));
        Assert.Equal(2 * (key + salt), pair.A.SrtpKeyingMaterial!.Material.Length);
        Assert.Equal(pair.A.SrtpKeyingMaterial.Material.ToArray(), pair.B.SrtpKeyingMaterial!.Material.ToArray());
    }

    [Fact]
    internal async Task No_common_srtp_profile_connects_without_srtp_keys()
    {
        await using var pair = new InMemoryDtlsPair(
            DtlsRole.Client,
            optionsA: new DtlsTransportOptions { SrtpProfiles = [DtlsSrtpProfile.AeadAes128Gcm] },
            optionsB: new DtlsTransportOptions { SrtpProfiles = [DtlsSrtpProfile.Aes128CmHmacSha1_80] });

        await pair.ConnectAsync();

        Assert.Null(pair.A.SrtpKeyingMaterial);
        Assert.Null(pair.B.SrtpKeyingMaterial);
        Assert.Equal(0, pair.A.SrtpProfile);
    }

    [Fact]
    internal async Task Server_hello_selects_ecdhe_ecdsa_aes128_gcm_with_extended_master_secret()
    {
        await using var pair = new InMemoryDtlsPair(DtlsRole.Client);

        await pair.ConnectAsync();

        DtlsWire.Handshake hello = DtlsWire.Handshakes(pair.SentBy(PairSide.B)).First(h => h.Type == 2);
        Assert.Equal([0xFE, 0xFD], hello.Body[..2]);
        int at = 35 + hello.Body[34];
        Assert.Equal([0xC0, 0x2B], hello.Body[at..(at + 2)]); // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
        var extensionTypes = new List<int>();
        for (int e = at + 5; e + 4 <= hello.Body.Length; e += 4 + ((hello.Body[e + 2] << 8) | hello.Body[e + 3]))
        {
            extensionTypes.Add((hello.Body[e] << 8) | hello.Body[e + 1]);
        }

        Assert.Contains(0x0017, extensionTypes); // extended_master_secret (RFC 7627)
        Assert.Contains(0x000E, extensionTypes); // use_srtp (RFC 5764)
    }

    [Fact]
    internal async Task Each_side_reports_the_verified_fingerprint_of_the_other()
    {
        await using var pair = new InMemoryDtlsPair();

        await pair.ConnectAsync();

        Assert.Equal(InMemoryDtlsPair.CertificateB.GetFingerprints()[0], pair.A.RemoteFingerprint);
        Assert.Equal(InMemoryDtlsPair.CertificateA.GetFingerprints()[0], pair.B.RemoteFingerprint);
        Assert.Equal(InMemoryDtlsPair.CertificateB.DerEncoding.ToArray(), pair.A.RemoteCertificate.ToArray());
    }

    [Fact]
    internal async Task One_certificate_serves_several_transports_at_once()
    {
        await using var first = new InMemoryDtlsPair();
        await using var second = new InMemoryDtlsPair(DtlsRole.Server);

        await Task.WhenAll(first.ConnectAsync(), second.ConnectAsync());

        Assert.Equal(RTCDtlsTransportState.Connected, first.A.State);
        Assert.Equal(RTCDtlsTransportState.Connected, second.A.State);
    }

    [Fact]
    internal async Task State_goes_new_connecting_connected_closed_and_events_say_so()
    {
        await using var pair = new InMemoryDtlsPair();
        var states = new List<RTCDtlsTransportState>();
        pair.A.StateChanged += (_, s) =>
        {
            lock (states)
            {
                states.Add(s);
            }
        };
        Assert.Equal(RTCDtlsTransportState.New, pair.A.State);

        await pair.ConnectAsync();
        await pair.A.CloseAsync();

        Assert.Equal(
            [RTCDtlsTransportState.Connecting, RTCDtlsTransportState.Connected, RTCDtlsTransportState.Closed],
            states);
        Assert.True(pair.A.WorkerTask.IsCompleted);
    }

    [Fact]
    internal async Task Start_twice_is_an_invalid_state()
    {
        await using var pair = new InMemoryDtlsPair();
        pair.A.Start();

        Assert.Throws<InvalidStateException>(pair.A.Start);
    }
}
