namespace P2PCall.WebRtc.Rtcp;

/// <summary>Tells RTCP from RTP on a muxed transport (<c>a=rtcp-mux</c>; RFC 5761 §4).</summary>
internal static class RtcpDemultiplexer
{
    /// <summary>
    /// Whether a (decrypted or SRTP/SRTCP-protected, the header is in clear either way) datagram that is
    /// RTP or RTCP (RFC 7983 first byte 128–191) is RTCP: its second byte, read as an RTCP packet type,
    /// is in 192–223 (RFC 5761 §4). Payload types 64–95 must not be negotiated so that this works.
    /// </summary>
    /// <param name="datagram">The datagram.</param>
    /// <returns><see langword="true"/> for RTCP, <see langword="false"/> for RTP or anything too short.</returns>
    public static bool IsRtcp(ReadOnlySpan<byte> datagram) => datagram.Length >= 2 && datagram[1] is >= 192 and <= 223;
}
