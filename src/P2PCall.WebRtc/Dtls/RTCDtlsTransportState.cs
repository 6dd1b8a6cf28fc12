namespace P2PCall.WebRtc.Dtls;

/// <summary>The state of a DTLS transport (W3C <c>RTCDtlsTransportState</c>).</summary>
public enum RTCDtlsTransportState
{
    /// <summary>The handshake has not started.</summary>
    New,

    /// <summary>The handshake is running.</summary>
    Connecting,

    /// <summary>The handshake completed and the peer's certificate matched its fingerprint.</summary>
    Connected,

    /// <summary>Closed by us or by the peer's close_notify; no error.</summary>
    Closed,

    /// <summary>Failed: an alert, a fingerprint mismatch or a handshake timeout.</summary>
    Failed,
}

/// <summary>Which DTLS role this endpoint plays; decided from SDP <c>a=setup</c> (RFC 8842 §5.3, RFC 4145 §4).</summary>
internal enum DtlsRole
{
    /// <summary><c>a=setup:active</c>: sends the ClientHello.</summary>
    Client,

    /// <summary><c>a=setup:passive</c>: waits for the ClientHello.</summary>
    Server,
}
