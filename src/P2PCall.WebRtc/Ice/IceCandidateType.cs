namespace P2PCall.WebRtc.Ice;

/// <summary>The candidate type (RFC 8445 §5.1.1, RFC 8839 §5.1 cand-type).</summary>
public enum IceCandidateType
{
    /// <summary><c>host</c>: an address on a local interface.</summary>
    Host,

    /// <summary><c>srflx</c>: the address a STUN server saw.</summary>
    ServerReflexive,

    /// <summary><c>prflx</c>: learned from a connectivity check.</summary>
    PeerReflexive,

    /// <summary><c>relay</c>: allocated on a TURN server.</summary>
    Relayed,
}

/// <summary>Why a candidate line could not be parsed.</summary>
public enum IceCandidateParseError
{
    /// <summary>Parsed.</summary>
    None,

    /// <summary>The line is empty (in trickle ICE an empty candidate means end of candidates).</summary>
    Empty,

    /// <summary>Fewer than the eight mandatory fields.</summary>
    MissingFields,

    /// <summary>The foundation is not 1-32 ice-chars.</summary>
    InvalidFoundation,

    /// <summary>The component id is not 1-256.</summary>
    InvalidComponent,

    /// <summary>The transport is not a token.</summary>
    InvalidTransport,

    /// <summary>The priority is not 1-10 digits within 32 bits.</summary>
    InvalidPriority,

    /// <summary>The connection address is neither an IP literal nor a host name.</summary>
    InvalidAddress,

    /// <summary>The port is not 0-65535.</summary>
    InvalidPort,

    /// <summary>The <c>typ</c> keyword is missing.</summary>
    MissingType,

    /// <summary>The candidate type is not host, srflx, prflx or relay.</summary>
    InvalidType,

    /// <summary><c>raddr</c> or <c>rport</c> is malformed.</summary>
    InvalidRelatedAddress,

    /// <summary>An extension name has no value.</summary>
    InvalidExtension,
}

/// <summary>The ICE agent's connection state (RFC 8445 §6.1.3, as W3C RTCIceConnectionState reports it).</summary>
public enum IceConnectionState
{
    /// <summary>Not checking yet.</summary>
    New,

    /// <summary>Connectivity checks are running.</summary>
    Checking,

    /// <summary>A nominated pair is selected.</summary>
    Connected,

    /// <summary>Connected, remote end-of-candidates seen and no checks left.</summary>
    Completed,

    /// <summary>Every pair failed after end-of-candidates, or consent expired (RFC 7675 §5.1).</summary>
    Failed,

    /// <summary>Consent responses have stopped for a while; may recover.</summary>
    Disconnected,

    /// <summary>The agent was disposed.</summary>
    Closed,
}

/// <summary>The gathering state (W3C RTCIceGatheringState).</summary>
public enum IceGatheringState
{
    /// <summary>Not started.</summary>
    New,

    /// <summary>Gathering.</summary>
    Gathering,

    /// <summary>Every candidate was reported, then null.</summary>
    Complete,
}

/// <summary>The agent's role (RFC 8445 §6.1.1).</summary>
public enum IceRole
{
    /// <summary>Nominates the pair.</summary>
    Controlling,

    /// <summary>Follows the controlling agent's nomination.</summary>
    Controlled,
}
