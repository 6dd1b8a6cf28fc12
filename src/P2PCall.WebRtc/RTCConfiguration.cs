using P2PCall.WebRtc.Dtls;

namespace P2PCall.WebRtc;

/// <summary>A STUN or TURN server the ICE agent may use (W3C RTCIceServer).</summary>
public sealed class RTCIceServer
{
    /// <summary>The server's URLs, for example <c>stun:stun.example.org:3478</c> (RFC 7064).</summary>
    public IList<string> Urls { get; init; } = new List<string>();

    /// <summary>The TURN user name, if any.</summary>
    public string? Username { get; init; }

    /// <summary>The TURN credential, if any.</summary>
    public string? Credential { get; init; }
}

/// <summary>How media is bundled onto transports (W3C RTCBundlePolicy, RFC 8843).</summary>
public enum RTCBundlePolicy
{
    /// <summary>Gather for each media type, bundle if the remote side supports it.</summary>
    Balanced,

    /// <summary>Gather for each m-line.</summary>
    MaxCompat,

    /// <summary>Gather for one transport only; everything is bundled.</summary>
    MaxBundle,
}

/// <summary>The configuration of a peer connection (W3C RTCConfiguration, plus P2PCall's own options).</summary>
public sealed class RTCConfiguration
{
    /// <summary>STUN and TURN servers.</summary>
    public IList<RTCIceServer> IceServers { get; init; } = new List<RTCIceServer>();

    /// <summary>The certificates to authenticate DTLS with; one is generated when empty (W3C RTCConfiguration.certificates).</summary>
    public IList<RTCCertificate> Certificates { get; init; } = new List<RTCCertificate>();

    /// <summary>The bundle policy; P2PCall always bundles on one transport.</summary>
    public RTCBundlePolicy BundlePolicy { get; init; } = RTCBundlePolicy.MaxBundle;

    /// <summary>The SRTP protection profiles offered in DTLS, most preferred first (RFC 5764 §4.1.2); the stack's default when null.</summary>
    internal IReadOnlyList<ushort>? SrtpProfiles { get; init; }

    /// <summary>
    /// Gather host candidates on loopback interfaces only (127.0.0.0/8, ::1). Tests use this so that
    /// no packet ever leaves the machine.
    /// </summary>
    public bool LoopbackOnly { get; init; }

    /// <summary>
    /// Let the data channels' SCTP probe for a path MTU above 1,200 bytes (RFC 8899 §6.2) and bundle its DATA into
    /// packets of up to 16 KiB when the path carries them: on loopback this multiplies bulk throughput. Default false:
    /// Chromium 156 does not drop an oversize probe silently as RFC 8899 assumes; probes of 4 KiB and more end its
    /// association (data-channel interop tests fail even when the probes are only sent and never used), so turn it
    /// on only when both ends run P2PCall. (Not a W3C member.)
    /// </summary>
    public bool SctpPathMtuDiscovery { get; init; }

    /// <summary>
    /// When not empty, gather host candidates only on the network interfaces with these names
    /// (as <see cref="System.Net.NetworkInformation.NetworkInterface.Name"/> reports them).
    /// </summary>
    public IList<string> NetworkInterfaces { get; init; } = new List<string>();
}
