using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using P2PCall.WebRtc.Dtls;
using DtlsTransport = P2PCall.WebRtc.Dtls.DtlsTransport;

namespace P2PCall.WebRtc.Tests.Dtls;

/// <summary>RFC 5764 §4.1.1: the client refuses a use_srtp answer that is not one of its offers.</summary>
public class DtlsSrtpNegotiationTests
{
    [Theory]
    [InlineData(new[] { (int)DtlsSrtpProfile.AeadAes256Gcm }, 0)] // a profile we did not offer
    [InlineData(new[] { (int)DtlsSrtpProfile.AeadAes128Gcm, (int)DtlsSrtpProfile.Aes128CmHmacSha1_80 }, 0)] // more than one
    [InlineData(new[] { (int)DtlsSrtpProfile.AeadAes128Gcm }, 4)] // an MKI we never sent
    public async Task Client_fails_with_illegal_parameter_when_the_server_answers_use_srtp_wrongly(int[] answer, int mkiLength)
    {
        DtlsTransport? client = null;
        var channel = new DtlsDatagramChannel(d => client!.OnDatagram(d), 1280, 4096, 256);
        client = new DtlsTransport(
            DtlsRole.Client, InMemoryDtlsPair.CertificateA, InMemoryDtlsPair.CertificateB.GetFingerprints(), d => channel.Enqueue(d));
        await using (client)
        {
            var crypto = new BcTlsCrypto(new SecureRandom());
            var rogue = new RogueServer(crypto, answer, new byte[mkiLength]);
            Task server = Task.Factory.StartNew(
                () => Record.Exception(() => new DtlsServerProtocol().Accept(rogue, channel)),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
            client.Start();

            DtlsException error = await Assert.ThrowsAsync<DtlsException>(() => client.WaitConnectedAsync().WaitAsync(TimeSpan.FromSeconds(30)));

            Assert.Equal(AlertDescription.illegal_parameter, error.AlertDescription);
            Assert.False(error.AlertReceived);
            Assert.Null(client.SrtpKeyingMaterial);
            channel.Close();
            await server.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private sealed class RogueServer(BcTlsCrypto crypto, int[] answer, byte[] mki) : DefaultTlsServer(crypto)
    {
        private readonly DtlsPeerContext _identity = new(
            DtlsRole.Server, InMemoryDtlsPair.CertificateB, InMemoryDtlsPair.CertificateA.GetFingerprints(), new DtlsTransportOptions());

        public override IDictionary<int, byte[]> GetServerExtensions()
        {
            IDictionary<int, byte[]> extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());
            TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(answer, mki));
            return extensions;
        }

        protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

        protected override int[] GetSupportedCipherSuites() => [CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256];

        protected override TlsCredentialedSigner GetECDsaSignerCredentials() => _identity.CreateSigner(m_context, crypto);
    }
}
