using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using P2PCall.WebRtc.Dtls;

namespace P2PCall.WebRtc.Tests.Dtls;

/// <summary>
/// Against an independent implementation: OpenSSL's <c>s_server</c> / <c>s_client -dtls1_2</c> on 127.0.0.1,
/// exporting EXTRACTOR-dtls_srtp (RFC 5764 §4.2). Needs <c>/usr/bin/openssl</c> (Debian's openssl package).
/// </summary>
[Trait("Category", "Interop")]
public sealed class DtlsOpenSslInteropTests : IDisposable
{
    private const string OpenSsl = "/usr/bin/openssl";
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("p2pcall-dtls-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Our_client_and_openssl_server_export_the_same_srtp_keys_and_exchange_data()
    {
        RTCDtlsFingerprint opensslFingerprint = WriteOpenSslCertificate();
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = FreeUdpPort();
        using Process server = StartOpenSsl(
            $"s_server -dtls1_2 -accept 127.0.0.1:{port} -cert cert.pem -key key.pem -verify 1 -naccept 1 "
            + "-use_srtp SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM -keymatexport EXTRACTOR-dtls_srtp -keymatexportlen 60");
        var remote = new IPEndPoint(IPAddress.Loopback, port);
        await using var client = new DtlsTransport(DtlsRole.Client, InMemoryDtlsPair.CertificateA, [opensslFingerprint], d => udp.Send(d, remote));
        using var stop = new CancellationTokenSource();
        Task pump = Pump(udp, client, stop.Token, _ => { });

        try
        {
            await WaitForLine(server, "ACCEPT");
            client.Start();
            await client.WaitConnectedAsync().WaitAsync(HangGuard);
            client.Send("hello from P2PCall\n"u8);

            string keys = await WaitForLine(server, "Keying material: ");
            Assert.Equal(Convert.ToHexString(client.SrtpKeyingMaterial!.Material), keys["Keying material: ".Length..].Trim());
            // OpenSSL as server picks by its own list, where CM_80 is first (as Chromium-as-server does): 2 × (16 + 14) bytes.
            Assert.Equal(DtlsSrtpProfile.Aes128CmHmacSha1_80, client.SrtpProfile);
            Assert.Equal("hello from P2PCall", await WaitForLine(server, "hello from"));
        }
        finally
        {
            await stop.CancelAsync();
            KillQuietly(server);
            await pump.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [Fact]
    public async Task Our_server_verifies_the_openssl_client_certificate_and_exports_the_same_keys()
    {
        RTCDtlsFingerprint opensslFingerprint = WriteOpenSslCertificate();
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        IPEndPoint? peer = null;
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new DtlsTransport(DtlsRole.Server, InMemoryDtlsPair.CertificateB, [opensslFingerprint], d =>
        {
            if (peer is { } p)
            {
                udp.Send(d, p);
            }
        });
        server.ApplicationDataReceived += d => received.TrySetResult(System.Text.Encoding.ASCII.GetString(d));
        server.Start();
        using var stop = new CancellationTokenSource();
        Task pump = Pump(udp, server, stop.Token, from => peer = from);
        int port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        using Process client = StartOpenSsl(
            $"s_client -dtls1_2 -connect 127.0.0.1:{port} -cert cert.pem -key key.pem "
            + "-use_srtp SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM -keymatexport EXTRACTOR-dtls_srtp -keymatexportlen 56");

        try
        {
            await server.WaitConnectedAsync().WaitAsync(HangGuard);
            string keys = await WaitForLine(client, "Keying material: ");
            Assert.Equal(Convert.ToHexString(server.SrtpKeyingMaterial!.Material), keys["Keying material: ".Length..].Trim());
            // Our server picks by OUR preference (GCM) although the client listed CM_80 first.
            Assert.Equal(DtlsSrtpProfile.AeadAes128Gcm, server.SrtpProfile);
            Assert.Equal(opensslFingerprint, server.RemoteFingerprint);
            await client.StandardInput.WriteAsync("hello from openssl\n");
            await client.StandardInput.FlushAsync();
            Assert.Equal("hello from openssl\n", await received.Task.WaitAsync(HangGuard));
        }
        finally
        {
            await stop.CancelAsync();
            KillQuietly(client);
            await pump.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static async Task Pump(UdpClient udp, DtlsTransport transport, CancellationToken cancellationToken, Action<IPEndPoint> onSender)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            UdpReceiveResult r = await udp.ReceiveAsync(cancellationToken);
            onSender(r.RemoteEndPoint);
            if (DtlsTransport.IsDtlsPacket(r.Buffer))
            {
                transport.OnDatagram(r.Buffer);
            }
        }
    }

    private static int FreeUdpPort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }

    private static async Task<string> WaitForLine(Process process, string prefix)
    {
        using var timeout = new CancellationTokenSource(HangGuard);
        while (true)
        {
            string? line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                throw new InvalidOperationException($"openssl ended before printing '{prefix}'.");
            }

            if (line.TrimStart().StartsWith(prefix, StringComparison.Ordinal))
            {
                return line.TrimStart();
            }
        }
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private RTCDtlsFingerprint WriteOpenSslCertificate()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=openssl-peer", key, HashAlgorithmName.SHA256);
        DateTimeOffset now = TimeProvider.System.GetUtcNow();
        using X509Certificate2 certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        File.WriteAllText(Path.Combine(_directory, "cert.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_directory, "key.pem"), key.ExportPkcs8PrivateKeyPem());
        return RTCDtlsFingerprint.Compute("sha-256", certificate.RawData);
    }

    private Process StartOpenSsl(string arguments)
    {
        var start = new ProcessStartInfo(OpenSsl, arguments)
        {
            WorkingDirectory = _directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start");
        _ = process.StandardError.ReadToEndAsync(); // keep stderr from filling its pipe
        return process;
    }
}
