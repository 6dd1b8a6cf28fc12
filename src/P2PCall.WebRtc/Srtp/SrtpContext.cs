using System.Buffers.Binary;

namespace P2PCall.WebRtc.Srtp;

/// <summary>
/// An SRTP/SRTCP cryptographic context for one direction of one DTLS-SRTP session
/// (RFC 3711 §3.2): session keys derived from one master key, and per-SSRC state — the rollover
/// counter and highest sequence number (kept together as the highest 48-bit index), a replay window,
/// and the outgoing SRTCP index. Create one with the local master key and call the Protect methods
/// for what you send; create another with the remote master key and call the Unprotect methods for
/// what you receive (or use <see cref="SrtpSession"/>, which holds both).
/// </summary>
/// <remarks>
/// <para>All four operations work in place on the caller's buffer, never throw for packet content,
/// and do not allocate per packet (a new SSRC allocates its state once).</para>
/// <para>Thread-safety: an instance is not thread-safe. Use it from one thread at a time (for
/// example the transport's send path for the outbound context and its receive loop for the
/// inbound one); two different contexts may be used concurrently. <see cref="Counters"/> may be
/// read from any thread and then gives a possibly slightly stale snapshot. Do not dispose while
/// another thread is inside a call.</para>
/// <para>Only the DTLS-SRTP configuration is supported: key derivation rate 0, no MKI.</para>
/// </remarks>
internal sealed class SrtpContext : IDisposable
{
    /// <summary>RFC 3711 §3.3.1: the SRTP index is 48 bits.</summary>
    private const ulong MaxRtpIndex = (1UL << 48) - 1;

    /// <summary>RFC 3711 §3.4: the SRTCP index is 31 bits.</summary>
    private const uint MaxRtcpIndex = 0x7FFF_FFFF;

    private readonly SrtpCipher _rtp;
    private readonly SrtpCipher _rtcp;
    private readonly SrtpContextOptions _options;
    private readonly Dictionary<uint, ulong> _rtpSendHighest = [];
    private readonly Dictionary<uint, SrtpReplayWindow> _rtpReceive = [];
    private readonly Dictionary<uint, uint> _rtcpSendNext = [];
    private readonly Dictionary<uint, SrtpReplayWindow> _rtcpReceive = [];
    private int _disposed;

    private long _rtpProtected;
    private long _rtpUnprotected;
    private long _rtcpProtected;
    private long _rtcpUnprotected;
    private long _authenticationFailures;
    private long _replays;
    private long _tooOld;
    private long _malformed;

    /// <summary>Creates a context: derives the session keys (RFC 3711 §4.3) from a master key.</summary>
    /// <param name="parameters">The negotiated protection profile.</param>
    /// <param name="masterKey">The master key and salt; the caller still owns (and disposes) it.</param>
    /// <param name="options">Options, or null for <see cref="SrtpContextOptions.Default"/>.</param>
    public SrtpContext(SrtpProfileParameters parameters, SrtpMasterKey masterKey, SrtpContextOptions? options = null)
        : this(parameters, DeriveAndOwn(parameters, masterKey), options, ownsKeys: true)
    {
    }

    /// <summary>Creates a context from session keys given directly (test vectors, RFC 7714 §16–17).</summary>
    /// <param name="parameters">The protection profile.</param>
    /// <param name="sessionKeys">The session keys; the caller still owns (and disposes) them.</param>
    /// <param name="options">Options, or null for <see cref="SrtpContextOptions.Default"/>.</param>
    public SrtpContext(SrtpProfileParameters parameters, SrtpSessionKeys sessionKeys, SrtpContextOptions? options = null)
        : this(parameters, sessionKeys, options, ownsKeys: false)
    {
    }

    private SrtpContext(SrtpProfileParameters parameters, SrtpSessionKeys keys, SrtpContextOptions? options, bool ownsKeys)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(keys);
        Parameters = parameters;
        _options = options ?? SrtpContextOptions.Default;
        SrtpCipher? rtp = null;
        try
        {
            _ = new SrtpReplayWindow(_options.ReplayWindowSize); // validates the size up front
            rtp = parameters.IsAead
                ? new AesGcmCipher(keys.RtpKey, keys.RtpSalt)
                : new AesCmHmacSha1Cipher(keys.RtpKey, keys.RtpAuthKey, keys.RtpSalt, parameters.SrtpAuthTagLength);
            _rtcp = parameters.IsAead
                ? new AesGcmCipher(keys.RtcpKey, keys.RtcpSalt)
                : new AesCmHmacSha1Cipher(keys.RtcpKey, keys.RtcpAuthKey, keys.RtcpSalt, parameters.SrtcpAuthTagLength);
            _rtp = rtp;
        }
        catch
        {
            rtp?.Dispose();
            throw;
        }
        finally
        {
            if (ownsKeys)
            {
                keys.Dispose();
            }
        }
    }

    /// <summary>The protection profile.</summary>
    public SrtpProfileParameters Parameters { get; }

    /// <summary>Bytes <see cref="ProtectRtp"/> appends to an RTP packet (the tag).</summary>
    public int RtpOverhead => _rtp.TagLength;

    /// <summary>Bytes <see cref="ProtectRtcp"/> appends to an RTCP packet (SRTCP index and tag).</summary>
    public int RtcpOverhead => SrtpCipher.SrtcpIndexLength + _rtcp.TagLength;

    /// <summary>A snapshot of the packet counters.</summary>
    public SrtpCounters Counters => new(
        Volatile.Read(ref _rtpProtected),
        Volatile.Read(ref _rtpUnprotected),
        Volatile.Read(ref _rtcpProtected),
        Volatile.Read(ref _rtcpUnprotected),
        Volatile.Read(ref _authenticationFailures),
        Volatile.Read(ref _replays),
        Volatile.Read(ref _tooOld),
        Volatile.Read(ref _malformed));

    /// <summary>
    /// Protects an RTP packet in place (RFC 3711 §3.3; RFC 7714 §8): encrypts the payload and appends
    /// the tag. The packet index comes from the sequence number and this SSRC's rollover counter,
    /// which advances when the sequence number wraps.
    /// </summary>
    /// <param name="buffer">Holds the RTP packet in its first <paramref name="length"/> bytes, with at least <see cref="RtpOverhead"/> bytes of room after it.</param>
    /// <param name="length">Length of the plain RTP packet.</param>
    /// <param name="protectedLength">Length of the SRTP packet on success.</param>
    /// <returns><see cref="SrtpStatus.Ok"/>, or why not (the buffer is then unchanged).</returns>
    public SrtpStatus ProtectRtp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        if (Volatile.Read(ref _disposed) != 0)
        {
            return SrtpStatus.Disposed;
        }

        if ((uint)length > (uint)buffer.Length
            || !SrtpPacketReader.TryReadRtpHeader(buffer.Slice(0, length), out int headerLength, out uint ssrc, out ushort seq))
        {
            return SrtpStatus.Malformed;
        }

        int total = length + _rtp.TagLength;
        if (total > buffer.Length)
        {
            return SrtpStatus.BufferTooSmall;
        }

        // RFC 3711 §3.3.1: the sender keeps ROC per SSRC and increments it when SEQ wraps; the same
        // estimate as the receiver's tolerates the application reordering its own sends slightly.
        bool started = _rtpSendHighest.TryGetValue(ssrc, out ulong highest);
        ulong index = seq;
        if (started && !TryEstimateIndex(highest, seq, out index))
        {
            return SrtpStatus.TooOld;
        }

        if (index > MaxRtpIndex)
        {
            return SrtpStatus.KeyExhausted;
        }

        _rtp.ProtectRtp(buffer.Slice(0, total), headerLength, ssrc, index);
        if (!started || index > highest)
        {
            _rtpSendHighest[ssrc] = index;
        }

        _rtpProtected++;
        protectedLength = total;
        return SrtpStatus.Ok;
    }

    /// <summary>
    /// Unprotects an SRTP packet in place (RFC 3711 §3.3; RFC 7714 §8): estimates the index
    /// (Appendix A), checks the replay window, verifies the tag, decrypts. ROC, highest sequence
    /// number and replay window change only when the tag verifies.
    /// </summary>
    /// <param name="packet">Exactly the received SRTP packet.</param>
    /// <param name="length">Length of the plain RTP packet (at the start of <paramref name="packet"/>) on success.</param>
    /// <returns><see cref="SrtpStatus.Ok"/>, or why the packet is dropped (the payload bytes are then unspecified).</returns>
    public SrtpStatus UnprotectRtp(Span<byte> packet, out int length)
    {
        length = 0;
        if (Volatile.Read(ref _disposed) != 0)
        {
            return SrtpStatus.Disposed;
        }

        int tagLength = _rtp.TagLength;
        if (packet.Length < SrtpPacketReader.RtpFixedHeaderLength + tagLength
            || !SrtpPacketReader.TryReadRtpHeader(packet.Slice(0, packet.Length - tagLength), out int headerLength, out uint ssrc, out ushort seq))
        {
            _malformed++;
            return SrtpStatus.Malformed;
        }

        _rtpReceive.TryGetValue(ssrc, out SrtpReplayWindow? window);
        ulong index = seq; // RFC 3711 §3.3.1: the first packet of a stream has ROC 0.
        if (window is not null && !window.IsEmpty)
        {
            if (!TryEstimateIndex(window.Highest, seq, out index))
            {
                _tooOld++;
                return SrtpStatus.TooOld;
            }

            if (index > MaxRtpIndex)
            {
                return SrtpStatus.KeyExhausted;
            }

            SrtpStatus replay = CheckReplay(window, index);
            if (replay != SrtpStatus.Ok)
            {
                return replay;
            }
        }

        if (!_rtp.UnprotectRtp(packet, headerLength, ssrc, index))
        {
            _authenticationFailures++;
            return SrtpStatus.AuthenticationFailed;
        }

        // RFC 3711 §3.3.1, §3.3.2: update ROC / s_l and the window only after authentication.
        if (window is null)
        {
            window = new SrtpReplayWindow(_options.ReplayWindowSize);
            _rtpReceive.Add(ssrc, window);
        }

        window.Accept(index);
        _rtpUnprotected++;
        length = packet.Length - tagLength;
        return SrtpStatus.Ok;
    }

    /// <summary>
    /// Protects an RTCP (compound) packet in place (RFC 3711 §3.4; RFC 7714 §9): encrypts everything
    /// after the first 8 bytes (unless <see cref="SrtpContextOptions.EncryptRtcp"/> is off), appends
    /// the E flag with this SSRC's next SRTCP index, and the tag.
    /// </summary>
    /// <param name="buffer">Holds the RTCP packet in its first <paramref name="length"/> bytes, with at least <see cref="RtcpOverhead"/> bytes of room after it.</param>
    /// <param name="length">Length of the plain RTCP packet.</param>
    /// <param name="protectedLength">Length of the SRTCP packet on success.</param>
    /// <returns><see cref="SrtpStatus.Ok"/>, or why not (the buffer is then unchanged).</returns>
    public SrtpStatus ProtectRtcp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        if (Volatile.Read(ref _disposed) != 0)
        {
            return SrtpStatus.Disposed;
        }

        if ((uint)length > (uint)buffer.Length || !SrtpPacketReader.TryReadRtcpHeader(buffer.Slice(0, length), out uint ssrc))
        {
            return SrtpStatus.Malformed;
        }

        int total = length + RtcpOverhead;
        if (total > buffer.Length)
        {
            return SrtpStatus.BufferTooSmall;
        }

        // RFC 3711 §3.4: the SRTCP index starts at 0 and counts packets per SSRC; 2^31 is the key's limit.
        _rtcpSendNext.TryGetValue(ssrc, out uint index);
        if (index > MaxRtcpIndex)
        {
            return SrtpStatus.KeyExhausted;
        }

        _rtcp.ProtectRtcp(buffer.Slice(0, total), ssrc, index, _options.EncryptRtcp);
        _rtcpSendNext[ssrc] = index + 1;
        _rtcpProtected++;
        protectedLength = total;
        return SrtpStatus.Ok;
    }

    /// <summary>
    /// Unprotects an SRTCP packet in place (RFC 3711 §3.4; RFC 7714 §9): reads the E flag and index,
    /// checks the replay window, verifies the tag, decrypts when E is set.
    /// </summary>
    /// <param name="packet">Exactly the received SRTCP packet.</param>
    /// <param name="length">Length of the plain RTCP packet (at the start of <paramref name="packet"/>) on success.</param>
    /// <returns><see cref="SrtpStatus.Ok"/>, or why the packet is dropped.</returns>
    public SrtpStatus UnprotectRtcp(Span<byte> packet, out int length)
    {
        length = 0;
        if (Volatile.Read(ref _disposed) != 0)
        {
            return SrtpStatus.Disposed;
        }

        if (packet.Length < SrtpCipher.RtcpHeaderLength + RtcpOverhead
            || !SrtpPacketReader.TryReadRtcpHeader(packet, out uint ssrc))
        {
            _malformed++;
            return SrtpStatus.Malformed;
        }

        uint word = BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(_rtcp.SrtcpIndexOffset(packet.Length)));
        bool encrypted = (word & 0x8000_0000u) != 0;
        uint index = word & MaxRtcpIndex;
        _rtcpReceive.TryGetValue(ssrc, out SrtpReplayWindow? window);
        if (window is not null)
        {
            SrtpStatus replay = CheckReplay(window, index);
            if (replay != SrtpStatus.Ok)
            {
                return replay;
            }
        }

        if (!_rtcp.UnprotectRtcp(packet, ssrc, index, encrypted))
        {
            _authenticationFailures++;
            return SrtpStatus.AuthenticationFailed;
        }

        if (window is null)
        {
            window = new SrtpReplayWindow(_options.ReplayWindowSize);
            _rtcpReceive.Add(ssrc, window);
        }

        window.Accept(index);
        _rtcpUnprotected++;
        length = packet.Length - RtcpOverhead;
        return SrtpStatus.Ok;
    }

    /// <summary>Clears key material and disposes the crypto objects. Later calls return <see cref="SrtpStatus.Disposed"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _rtp.Dispose();
        _rtcp.Dispose();
        _rtpSendHighest.Clear();
        _rtpReceive.Clear();
        _rtcpSendNext.Clear();
        _rtcpReceive.Clear();
    }

    /// <summary>
    /// RFC 3711 §3.3.1 and Appendix A: guesses the index of a received sequence number from the
    /// highest index seen so far (ROC and s_l): ROC - 1, ROC or ROC + 1, whichever puts SEQ nearest s_l.
    /// </summary>
    /// <param name="highest">The highest index accepted so far (ROC * 2^16 + s_l).</param>
    /// <param name="sequenceNumber">The received sequence number.</param>
    /// <param name="index">The estimated 48-bit index (may exceed 2^48 - 1 once ROC would overflow).</param>
    /// <returns>False when the guess is ROC - 1 with ROC = 0: a packet from before the stream began.</returns>
    internal static bool TryEstimateIndex(ulong highest, ushort sequenceNumber, out ulong index)
    {
        long roc = (long)(highest >> 16);
        int sl = (int)(highest & 0xFFFF);
        long v;
        if (sl < 32768)
        {
            v = sequenceNumber - sl > 32768 ? roc - 1 : roc;
        }
        else
        {
            v = sl - 32768 > sequenceNumber ? roc + 1 : roc;
        }

        if (v < 0)
        {
            index = 0;
            return false;
        }

        index = ((ulong)v << 16) | sequenceNumber;
        return true;
    }

    /// <summary>Test and diagnostics hook: the receive-side rollover counter of an SSRC.</summary>
    /// <param name="ssrc">The SSRC.</param>
    /// <param name="rolloverCounter">The ROC, when the SSRC has been received.</param>
    /// <returns>False for an SSRC not received yet.</returns>
    internal bool TryGetReceiveRolloverCounter(uint ssrc, out uint rolloverCounter)
    {
        rolloverCounter = 0;
        if (!_rtpReceive.TryGetValue(ssrc, out SrtpReplayWindow? window) || window.IsEmpty)
        {
            return false;
        }

        rolloverCounter = (uint)(window.Highest >> 16);
        return true;
    }

    /// <summary>Test and diagnostics hook: the send-side rollover counter of an SSRC.</summary>
    /// <param name="ssrc">The SSRC.</param>
    /// <param name="rolloverCounter">The ROC, when the SSRC has been sent.</param>
    /// <returns>False for an SSRC not sent yet.</returns>
    internal bool TryGetSendRolloverCounter(uint ssrc, out uint rolloverCounter)
    {
        bool found = _rtpSendHighest.TryGetValue(ssrc, out ulong highest);
        rolloverCounter = (uint)(highest >> 16);
        return found;
    }

    /// <summary>Test hook: sets the next SRTCP index to send for an SSRC (the RFC 7714 vectors start mid-session).</summary>
    /// <param name="ssrc">The SSRC.</param>
    /// <param name="index">The next 31-bit index.</param>
    internal void SetNextSrtcpIndex(uint ssrc, uint index) => _rtcpSendNext[ssrc] = index;

    private static SrtpSessionKeys DeriveAndOwn(SrtpProfileParameters parameters, SrtpMasterKey masterKey)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return SrtpKeyDerivation.DeriveSessionKeys(parameters, masterKey);
    }

    private SrtpStatus CheckReplay(SrtpReplayWindow window, ulong index)
    {
        switch (window.Check(index))
        {
            case ReplayCheck.Replayed:
                _replays++;
                return SrtpStatus.Replayed;
            case ReplayCheck.TooOld:
                _tooOld++;
                return SrtpStatus.TooOld;
            default:
                return SrtpStatus.Ok;
        }
    }
}
