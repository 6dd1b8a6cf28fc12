namespace P2PCall.WebRtc;

/// <summary>The type of a session description (W3C webrtc-pc §4.7.1, RTCSdpType).</summary>
public enum RTCSdpType
{
    /// <summary>An offer (JSEP, RFC 8829 §5.2).</summary>
    Offer,

    /// <summary>A provisional answer.</summary>
    Pranswer,

    /// <summary>A final answer (JSEP, RFC 8829 §5.3).</summary>
    Answer,

    /// <summary>Cancels the current negotiation.</summary>
    Rollback,
}
