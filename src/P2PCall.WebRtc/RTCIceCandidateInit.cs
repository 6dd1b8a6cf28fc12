namespace P2PCall.WebRtc;

/// <summary>
/// An ICE candidate as exchanged over signaling (W3C RTCIceCandidateInit): what a browser's
/// <c>RTCIceCandidate</c> serialises to with <c>JSON.stringify</c>.
/// </summary>
/// <param name="Candidate">The candidate attribute value, <c>candidate:…</c> (RFC 8839 §5.1); empty means end of candidates.</param>
/// <param name="SdpMid">The media stream identification of the m-line the candidate belongs to.</param>
/// <param name="SdpMLineIndex">The zero-based index of that m-line.</param>
/// <param name="UsernameFragment">The ICE ufrag the candidate was gathered under.</param>
public sealed record RTCIceCandidateInit(
    string Candidate,
    string? SdpMid = null,
    ushort? SdpMLineIndex = null,
    string? UsernameFragment = null);
