namespace P2PCall.WebRtc.Dtls;

/// <summary>
/// Runs one DTLS-SRTP handshake between two in-memory endpoints so the JIT compiles BouncyCastle's handshake
/// code before the first call: measured here, the first handshake in a process takes ~100–230 ms, later ones
/// 5–13 ms. Call it once in the background when the host starts.
/// </summary>
internal static class DtlsWarmUp
{
    /// <summary>Performs the warm-up handshake, application-data exchange and close.</summary>
    /// <param name="cancellationToken">Stops waiting; the transports are disposed either way.</param>
    /// <returns>A task that completes when the handshake is done.</returns>
    public static async Task RunAsync(CancellationToken cancellationToken = default)
    {
        RTCCertificate clientCertificate = RTCCertificate.Generate();
        RTCCertificate serverCertificate = RTCCertificate.Generate();
        DtlsTransport? server = null;
        DtlsTransport? client = null;
        // Each side's send hands the datagram straight to the other side's queue.
        client = new DtlsTransport(DtlsRole.Client, clientCertificate, serverCertificate.GetFingerprints(), d => server?.OnDatagram(d));
        server = new DtlsTransport(DtlsRole.Server, serverCertificate, clientCertificate.GetFingerprints(), d => client.OnDatagram(d));
        await using (client.ConfigureAwait(false))
        await using (server.ConfigureAwait(false))
        {
            var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            server.ApplicationDataReceived += _ => received.TrySetResult();
            server.Start();
            client.Start();
            await Task.WhenAll(client.WaitConnectedAsync(cancellationToken), server.WaitConnectedAsync(cancellationToken)).ConfigureAwait(false);
            client.Send([0]);
            await received.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
