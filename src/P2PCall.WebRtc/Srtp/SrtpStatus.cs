namespace P2PCall.WebRtc.Srtp;

/// <summary>The outcome of protecting or unprotecting one packet.</summary>
internal enum SrtpStatus
{
    /// <summary>Done; the returned length is valid.</summary>
    Ok,

    /// <summary>The packet is too short or its RTP/RTCP header is not valid (version, CSRC count, extension length).</summary>
    Malformed,

    /// <summary>Protect only: the buffer has no room for the SRTCP index and/or the tag.</summary>
    BufferTooSmall,

    /// <summary>The authentication tag did not verify (RFC 3711 §3.3 step 5); the packet is dropped.</summary>
    AuthenticationFailed,

    /// <summary>The index was already received (RFC 3711 §3.3.2); the packet is dropped.</summary>
    Replayed,

    /// <summary>The index lies behind the replay window (RFC 3711 §3.3.2), or before the stream's first packet.</summary>
    TooOld,

    /// <summary>The 2^48 SRTP or 2^31 SRTCP packet limit of this key is reached (RFC 3711 §9.2): re-key.</summary>
    KeyExhausted,

    /// <summary>The context has been disposed.</summary>
    Disposed,
}

/// <summary>A snapshot of one <see cref="SrtpContext"/>'s counters.</summary>
/// <param name="RtpProtected">SRTP packets protected.</param>
/// <param name="RtpUnprotected">SRTP packets verified and decrypted.</param>
/// <param name="RtcpProtected">SRTCP packets protected.</param>
/// <param name="RtcpUnprotected">SRTCP packets verified and decrypted.</param>
/// <param name="AuthenticationFailures">Packets dropped because the tag did not verify.</param>
/// <param name="Replays">Packets dropped as replays.</param>
/// <param name="TooOld">Packets dropped as older than the replay window.</param>
/// <param name="Malformed">Packets dropped as too short or with a bad header.</param>
internal readonly record struct SrtpCounters(
    long RtpProtected,
    long RtpUnprotected,
    long RtcpProtected,
    long RtcpUnprotected,
    long AuthenticationFailures,
    long Replays,
    long TooOld,
    long Malformed);

/// <summary>Options of an <see cref="SrtpContext"/>.</summary>
internal sealed record SrtpContextOptions
{
    /// <summary>The defaults: a 128-packet replay window, SRTCP encrypted.</summary>
    public static SrtpContextOptions Default { get; } = new();

    /// <summary>
    /// Replay window size in packets for SRTP and SRTCP (RFC 3711 §3.3.2: at least 64). A multiple of 64.
    /// Larger windows tolerate more reordering (libwebrtc configures 1024 for video).
    /// </summary>
    public int ReplayWindowSize { get; init; } = 128;

    /// <summary>Whether protected SRTCP packets are encrypted (E flag, RFC 3711 §3.4). Receiving handles both.</summary>
    public bool EncryptRtcp { get; init; } = true;
}
