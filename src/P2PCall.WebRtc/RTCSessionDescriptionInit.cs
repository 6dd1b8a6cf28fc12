namespace P2PCall.WebRtc;

/// <summary>
/// A session description as exchanged over signaling (W3C RTCSessionDescriptionInit):
/// what a browser's <c>RTCSessionDescription</c> serialises to with <c>JSON.stringify</c>.
/// </summary>
/// <param name="Type">Offer, answer, provisional answer or rollback.</param>
/// <param name="Sdp">The SDP text (RFC 8866); empty for a rollback.</param>
public sealed record RTCSessionDescriptionInit(RTCSdpType Type, string Sdp);
