using P2PCall.WebRtc.Sdp;

namespace P2PCall.WebRtc.Jsep;

/// <summary>What our descriptions say about our transport: ICE credentials, certificate fingerprints, SCTP.</summary>
/// <param name="IceUfrag">Our ICE username fragment (RFC 8445 §5.3).</param>
/// <param name="IcePwd">Our ICE password.</param>
/// <param name="Fingerprints">Our certificate's fingerprints (RFC 8122).</param>
/// <param name="CName">Our RTCP CNAME (RFC 7022: random, per peer connection).</param>
/// <param name="SctpPort">Our SCTP port (RFC 8841 §5).</param>
/// <param name="MaxMessageSize">The largest data channel message we accept (RFC 8841 §6).</param>
internal sealed record LocalTransportInfo(
    string IceUfrag,
    string IcePwd,
    IReadOnlyList<SdpFingerprint> Fingerprints,
    string CName,
    ushort SctpPort = 5000,
    ulong MaxMessageSize = 262144);
