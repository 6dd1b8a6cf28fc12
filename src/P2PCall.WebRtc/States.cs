namespace P2PCall.WebRtc;

/// <summary>The aggregate state of a peer connection's transports (W3C RTCPeerConnectionState).</summary>
public enum RTCPeerConnectionState
{
    /// <summary>No transport has started.</summary>
    New,

    /// <summary>ICE or DTLS is being established.</summary>
    Connecting,

    /// <summary>Every transport is connected.</summary>
    Connected,

    /// <summary>A transport lost connectivity; it may come back.</summary>
    Disconnected,

    /// <summary>A transport failed for good.</summary>
    Failed,

    /// <summary>The peer connection was closed.</summary>
    Closed,
}

/// <summary>The ICE agent's connection state (W3C RTCIceConnectionState, RFC 8445 §6.1.3).</summary>
public enum RTCIceConnectionState
{
    /// <summary>Gathering or waiting for remote candidates.</summary>
    New,

    /// <summary>Connectivity checks are running.</summary>
    Checking,

    /// <summary>A usable pair was found.</summary>
    Connected,

    /// <summary>Checks are done and a pair is selected.</summary>
    Completed,

    /// <summary>Every pair failed.</summary>
    Failed,

    /// <summary>Consent was not refreshed for a while.</summary>
    Disconnected,

    /// <summary>The agent was shut down.</summary>
    Closed,
}

/// <summary>The ICE candidate gathering state (W3C RTCIceGatheringState).</summary>
public enum RTCIceGatheringState
{
    /// <summary>Gathering has not started.</summary>
    New,

    /// <summary>Candidates are being gathered.</summary>
    Gathering,

    /// <summary>Gathering finished; the last candidate event carried null.</summary>
    Complete,
}

/// <summary>The offer/answer state (W3C RTCSignalingState, JSEP RFC 8829 §3.2).</summary>
public enum RTCSignalingState
{
    /// <summary>No offer/answer exchange is under way.</summary>
    Stable,

    /// <summary>A local offer was applied.</summary>
    HaveLocalOffer,

    /// <summary>A remote offer was applied.</summary>
    HaveRemoteOffer,

    /// <summary>A remote offer and a local provisional answer were applied.</summary>
    HaveLocalPranswer,

    /// <summary>A local offer and a remote provisional answer were applied.</summary>
    HaveRemotePranswer,

    /// <summary>The peer connection was closed.</summary>
    Closed,
}

/// <summary>The state of a data channel (W3C RTCDataChannelState).</summary>
public enum RTCDataChannelState
{
    /// <summary>Being opened.</summary>
    Connecting,

    /// <summary>Messages can be sent and received.</summary>
    Open,

    /// <summary>Being closed.</summary>
    Closing,

    /// <summary>Closed.</summary>
    Closed,
}

/// <summary>The state of a media track (W3C MediaStreamTrackState).</summary>
public enum MediaStreamTrackState
{
    /// <summary>The source is producing media.</summary>
    Live,

    /// <summary>The track was stopped or its source ended.</summary>
    Ended,
}

/// <summary>The kind of media a track carries.</summary>
public enum MediaKind
{
    /// <summary>Audio.</summary>
    Audio,

    /// <summary>Video.</summary>
    Video,
}
