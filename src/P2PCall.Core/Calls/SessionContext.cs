using Microsoft.Extensions.Logging;
using P2PCall.Core.Signaling;
using P2PCall.WebRtc;

namespace P2PCall.Core.Calls;

/// <summary>What a session needs from its surroundings.</summary>
internal sealed record SessionContext(
    ISignalingChannel Signaling,
    IPeerConnectionFactory PeerConnections,
    IMediaDevices MediaDevices,
    P2PCallOptions Options,
    ILogger Logger,
    TimeProvider Time);
