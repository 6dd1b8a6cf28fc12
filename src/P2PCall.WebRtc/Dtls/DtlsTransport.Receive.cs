using System.Buffers;
using BcDtlsTransport = Org.BouncyCastle.Tls.DtlsTransport;

namespace P2PCall.WebRtc.Dtls;

/// <summary>The receive side: datagrams in from the layer below, records out to the application.</summary>
internal sealed partial class DtlsTransport
{
    /// <summary>RFC 7983 §7: a datagram whose first byte is 20..63 is DTLS.</summary>
    /// <param name="datagram">A received datagram.</param>
    /// <returns>Whether to hand it to <see cref="OnDatagram"/>.</returns>
    public static bool IsDtlsPacket(ReadOnlySpan<byte> datagram) => !datagram.IsEmpty && datagram[0] is >= 20 and <= 63;

    /// <summary>
    /// Feeds a datagram from the layer below (the caller checked <see cref="IsDtlsPacket"/> and that it came
    /// from the selected remote address). Never blocks and never throws; excess datagrams are dropped.
    /// Datagrams that arrive before <see cref="Start"/> are kept, so a ClientHello that beats our own
    /// ICE state is not lost.
    /// </summary>
    /// <param name="datagram">The datagram; copied.</param>
    public void OnDatagram(ReadOnlySpan<byte> datagram)
    {
        if (Volatile.Read(ref _records) is { } records && datagram.Length <= _peer.Options.MaxReceiveDatagramSize)
        {
            // Application data is opened here, on the caller's thread: no copy into the DTLS thread's queue. Other
            // records of the datagram (rare after the handshake) go on to BouncyCastle.
            byte[] scratch = ArrayPool<byte>.Shared.Rent(datagram.Length);
            byte[] rest = ArrayPool<byte>.Shared.Rent(datagram.Length);
            try
            {
                int kept = records.Open(datagram, scratch, rest, _deliverPlaintext);
                if (kept > 0 && DtlsRecordFilter.IsAcceptable(rest.AsSpan(0, kept), _peer.MinimumCiphertext))
                {
                    _channel.Enqueue(rest.AsSpan(0, kept));
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(scratch);
                ArrayPool<byte>.Shared.Return(rest);
            }

            return;
        }

        if (_changeCipherSpecGate is { } gate && !_peer.HandshakeComplete)
        {
            byte[] kept = ArrayPool<byte>.Shared.Rent(datagram.Length);
            try
            {
                // Inspected and queued in one step: two receiving threads (two ICE pairs) cannot queue a CCS the gate
                // let through ahead of the CertificateVerify it was waiting for.
                lock (gate)
                {
                    ReadOnlySpan<byte> pass = gate.Inspect(datagram, kept, out int keptLength) ? datagram : kept.AsSpan(0, keptLength);
                    if (!pass.IsEmpty && DtlsRecordFilter.IsAcceptable(pass, _peer.MinimumCiphertext))
                    {
                        _channel.Enqueue(pass);
                    }
                }

                return;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(kept);
            }
        }

        if (DtlsRecordFilter.IsAcceptable(datagram, _peer.MinimumCiphertext))
        {
            _channel.Enqueue(datagram);
        }
    }

    private void ReceiveLoop(BcDtlsTransport dtls)
    {
        byte[] buffer = new byte[dtls.GetReceiveLimit()];
        while (true)
        {
            int received;
            try
            {
                received = dtls.Receive(buffer, 0, buffer.Length, 0); // 0: wait until data or close
            }
#pragma warning disable CA1031 // sorted into closed / failed below
            catch (Exception e)
#pragma warning restore CA1031
            {
                Finish(e, handshake: false);
                return;
            }

            if (received <= 0)
            {
                if (_channel.IsClosed)
                {
                    Finish(null, handshake: false);
                    return;
                }

                continue;
            }

            try
            {
                ApplicationDataReceived?.Invoke(buffer.AsSpan(0, received));
            }
#pragma warning disable CA1031 // a faulty consumer must not take the transport down
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private void DeliverPlaintext(ReadOnlySpan<byte> plaintext)
    {
        try
        {
            ApplicationDataReceived?.Invoke(plaintext);
        }
#pragma warning disable CA1031 // a faulty consumer must not take the transport down
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
