namespace P2PCall.WebRtc.Srtp;

/// <summary>
/// One SRTP or SRTCP transform keyed with one set of session keys: encryption plus message
/// authentication (AES-CM + HMAC-SHA1, RFC 3711) or an AEAD (AES-GCM, RFC 7714). Works in place
/// on spans; indexes and replay state are the caller's (<see cref="SrtpContext"/>) business.
/// </summary>
/// <remarks>Not thread-safe: one caller at a time.</remarks>
internal abstract class SrtpCipher : IDisposable
{
    /// <summary>Length of the SRTCP E flag + index word (RFC 3711 §3.4).</summary>
    public const int SrtcpIndexLength = 4;

    /// <summary>Length of the fixed RTCP header that stays in clear text: V/P/RC, PT, length, SSRC.</summary>
    public const int RtcpHeaderLength = 8;

    /// <summary>The authentication tag this transform appends, in bytes.</summary>
    public abstract int TagLength { get; }

    /// <summary>
    /// Protects an RTP packet in place. <paramref name="packet"/> is the plain packet followed by
    /// <see cref="TagLength"/> bytes of room for the tag.
    /// </summary>
    /// <param name="packet">Header, payload, tag room.</param>
    /// <param name="headerLength">Length of the RTP header (fixed part, CSRCs, extension).</param>
    /// <param name="ssrc">The packet's SSRC.</param>
    /// <param name="index">The 48-bit packet index, ROC * 2^16 + SEQ (RFC 3711 §3.3.1).</param>
    public abstract void ProtectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index);

    /// <summary>
    /// Verifies and decrypts an SRTP packet in place (header, encrypted payload, tag). The payload is
    /// left in clear text on success; on failure the payload bytes are unspecified.
    /// </summary>
    /// <param name="packet">The whole SRTP packet.</param>
    /// <param name="headerLength">Length of the RTP header.</param>
    /// <param name="ssrc">The packet's SSRC.</param>
    /// <param name="index">The estimated 48-bit packet index.</param>
    /// <returns>False when the tag does not verify.</returns>
    public abstract bool UnprotectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index);

    /// <summary>
    /// Protects an RTCP packet in place and appends the E flag + SRTCP index and the tag.
    /// <paramref name="packet"/> is the plain compound packet followed by exactly
    /// <see cref="SrtcpIndexLength"/> + <see cref="TagLength"/> bytes of room.
    /// </summary>
    /// <param name="packet">The packet plus trailer room.</param>
    /// <param name="ssrc">The SSRC of the first RTCP packet (bytes 4–7).</param>
    /// <param name="srtcpIndex">The 31-bit SRTCP index.</param>
    /// <param name="encrypt">RFC 3711 §3.4 E flag: encrypt the part after the first 8 bytes.</param>
    public abstract void ProtectRtcp(Span<byte> packet, uint ssrc, uint srtcpIndex, bool encrypt);

    /// <summary>Offset of the E flag + SRTCP index word in an SRTCP packet of the given length.</summary>
    /// <param name="packetLength">The SRTCP packet length (at least header + index + tag).</param>
    /// <returns>The offset.</returns>
    public abstract int SrtcpIndexOffset(int packetLength);

    /// <summary>
    /// Verifies and (when the E flag is set) decrypts an SRTCP packet in place. On success the
    /// first <c>packet.Length - SrtcpIndexLength - TagLength</c> bytes are the plain RTCP packet;
    /// on failure the buffer content is unspecified.
    /// </summary>
    /// <param name="packet">The whole SRTCP packet.</param>
    /// <param name="ssrc">The SSRC of the first RTCP packet.</param>
    /// <param name="srtcpIndex">The 31-bit SRTCP index read from the packet.</param>
    /// <param name="encrypted">The E flag read from the packet.</param>
    /// <returns>False when the tag does not verify.</returns>
    public abstract bool UnprotectRtcp(Span<byte> packet, uint ssrc, uint srtcpIndex, bool encrypted);

    /// <summary>Clears key material and disposes the crypto objects.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Clears key material and disposes the crypto objects.</summary>
    /// <param name="disposing">True from <see cref="Dispose()"/>.</param>
    protected abstract void Dispose(bool disposing);
}
