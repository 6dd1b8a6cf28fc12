namespace P2PCall.WebRtc;

/// <summary>Which way a transceiver sends media (W3C RTCRtpTransceiverDirection, RFC 3264 §5.1 / RFC 8866 §6.7).</summary>
public enum RTCRtpTransceiverDirection
{
    /// <summary>Sends and receives.</summary>
    SendRecv,

    /// <summary>Sends only.</summary>
    SendOnly,

    /// <summary>Receives only.</summary>
    RecvOnly,

    /// <summary>Neither sends nor receives.</summary>
    Inactive,

    /// <summary>Stopped; its m-line is rejected (port 0).</summary>
    Stopped,
}
