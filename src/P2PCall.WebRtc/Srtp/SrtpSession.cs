namespace P2PCall.WebRtc.Srtp;

/// <summary>
/// Both SRTP contexts of one DTLS-SRTP association (RFC 5764 §4.2): the outbound one keyed with
/// this endpoint's write key and the inbound one keyed with the peer's. The DTLS layer creates it
/// from the exported keying material; the RTP/RTCP layer protects and unprotects through it.
/// </summary>
/// <remarks>
/// Thread-safety: the Protect methods and the Unprotect methods touch different contexts, so one
/// thread may send while another receives; each side on its own must be used by one thread at a time.
/// Telling RTP from RTCP on a muxed transport (RFC 5761 §4: payload type 64–95 is RTCP) is the caller's job.
/// </remarks>
internal sealed class SrtpSession : IDisposable
{
    /// <summary>Creates a session from two contexts it then owns.</summary>
    /// <param name="outbound">The context for what this endpoint sends.</param>
    /// <param name="inbound">The context for what this endpoint receives.</param>
    public SrtpSession(SrtpContext outbound, SrtpContext inbound)
    {
        ArgumentNullException.ThrowIfNull(outbound);
        ArgumentNullException.ThrowIfNull(inbound);
        Outbound = outbound;
        Inbound = inbound;
    }

    /// <summary>The context that protects what this endpoint sends.</summary>
    public SrtpContext Outbound { get; }

    /// <summary>The context that unprotects what this endpoint receives.</summary>
    public SrtpContext Inbound { get; }

    /// <summary>The protection profile.</summary>
    public SrtpProfileParameters Parameters => Outbound.Parameters;

    /// <summary>
    /// Creates the session from the keying material exported by DTLS with label
    /// <see cref="SrtpKeyingMaterial.ExporterLabel"/> and length <see cref="SrtpProfileParameters.KeyingMaterialLength"/>.
    /// The master keys are cleared once the session keys are derived; the caller should clear its copy of the material.
    /// </summary>
    /// <param name="parameters">The profile DTLS negotiated (use_srtp).</param>
    /// <param name="keyingMaterial">The exported material.</param>
    /// <param name="isDtlsClient">True when this endpoint was the DTLS client.</param>
    /// <param name="options">Options for both contexts, or null for the defaults.</param>
    /// <returns>The session.</returns>
    /// <exception cref="ArgumentException">The material has the wrong length.</exception>
    public static SrtpSession FromDtlsKeyingMaterial(
        SrtpProfileParameters parameters,
        ReadOnlySpan<byte> keyingMaterial,
        bool isDtlsClient,
        SrtpContextOptions? options = null)
    {
        SrtpKeyingMaterial.Split(parameters, keyingMaterial, isDtlsClient, out SrtpMasterKey local, out SrtpMasterKey remote);
        using (local)
        using (remote)
        {
            var outbound = new SrtpContext(parameters, local, options);
            try
            {
                return new SrtpSession(outbound, new SrtpContext(parameters, remote, options));
            }
            catch
            {
                outbound.Dispose();
                throw;
            }
        }
    }

    /// <inheritdoc cref="SrtpContext.ProtectRtp"/>
    public SrtpStatus ProtectRtp(Span<byte> buffer, int length, out int protectedLength) =>
        Outbound.ProtectRtp(buffer, length, out protectedLength);

    /// <inheritdoc cref="SrtpContext.UnprotectRtp"/>
    public SrtpStatus UnprotectRtp(Span<byte> packet, out int length) => Inbound.UnprotectRtp(packet, out length);

    /// <inheritdoc cref="SrtpContext.ProtectRtcp"/>
    public SrtpStatus ProtectRtcp(Span<byte> buffer, int length, out int protectedLength) =>
        Outbound.ProtectRtcp(buffer, length, out protectedLength);

    /// <inheritdoc cref="SrtpContext.UnprotectRtcp"/>
    public SrtpStatus UnprotectRtcp(Span<byte> packet, out int length) => Inbound.UnprotectRtcp(packet, out length);

    /// <summary>Disposes both contexts (clearing their keys).</summary>
    public void Dispose()
    {
        Outbound.Dispose();
        Inbound.Dispose();
    }
}
