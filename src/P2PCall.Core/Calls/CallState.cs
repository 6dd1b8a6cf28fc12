namespace P2PCall.Core.Calls;

/// <summary>Where a call is in its life.</summary>
public enum CallState
{
    /// <summary>Created, nothing sent yet.</summary>
    Idle,

    /// <summary>Caller: <c>call</c> sent, waiting for <c>accept</c> or <c>reject</c>.</summary>
    Calling,

    /// <summary>Callee: a <c>call</c> arrived, waiting for the app to accept or reject it.</summary>
    Ringing,

    /// <summary>Accepted: peer connection created, offer/answer and ICE under way.</summary>
    Connecting,

    /// <summary>The peer connection is connected: media and chat flow.</summary>
    Connected,

    /// <summary>Over; see <see cref="CallSession.EndInfo"/>.</summary>
    Ended,
}

/// <summary>Why a call ended.</summary>
public enum CallEndReason
{
    /// <summary>This side hung up (or cancelled a call that was still ringing).</summary>
    LocalHangup,

    /// <summary>The other side hung up.</summary>
    RemoteHangup,

    /// <summary>The callee declined (or this side declined an incoming call).</summary>
    Rejected,

    /// <summary>The callee is in another call.</summary>
    Busy,

    /// <summary>Nobody answered before the ring timeout.</summary>
    NoAnswer,

    /// <summary>The relay reported the other user as not connected.</summary>
    PeerUnavailable,

    /// <summary>The peer connection failed (ICE or DTLS).</summary>
    ConnectionFailed,

    /// <summary>Offer/answer failed: a description was refused, or local media could not be had.</summary>
    NegotiationFailed,

    /// <summary>A signaling message could not be sent.</summary>
    SignalingFailed,

    /// <summary>The session was disposed, or its start was cancelled.</summary>
    Disposed,

    /// <summary>Both users called each other at once; this outgoing call gave way to the incoming one.</summary>
    Replaced,
}

/// <summary>Which side of the call this session is.</summary>
public enum CallDirection
{
    /// <summary>This side placed the call (the seed's caller A).</summary>
    Outgoing,

    /// <summary>This side received the call (the seed's callee B).</summary>
    Incoming,
}
