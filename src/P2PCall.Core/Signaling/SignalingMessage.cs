using P2PCall.WebRtc;

namespace P2PCall.Core.Signaling;

/// <summary>
/// A message of the seed's signaling protocol. Every message names its addressee
/// (<see cref="TargetUid"/>) and its sender (<see cref="UserId"/>); a relay server forwards it to the
/// connection registered under <see cref="TargetUid"/>.
/// </summary>
/// <param name="TargetUid">The user the message is for.</param>
/// <param name="UserId">The user who sends it.</param>
public abstract record SignalingMessage(string TargetUid, string UserId)
{
    /// <summary>The socket.io event name the message travels under (<c>call</c>, <c>offer</c>, …).</summary>
    public abstract string EventName { get; }
}

/// <summary>The caller asks the callee to talk (event <c>call</c>).</summary>
/// <param name="TargetUid">The callee.</param>
/// <param name="UserId">The caller.</param>
public sealed record CallMessage(string TargetUid, string UserId) : SignalingMessage(TargetUid, UserId)
{
    /// <inheritdoc />
    public override string EventName => SignalingEvents.Call;
}

/// <summary>The callee agrees to talk (event <c>accept</c>); the caller then sends its offer.</summary>
/// <param name="TargetUid">The caller.</param>
/// <param name="UserId">The callee.</param>
public sealed record AcceptMessage(string TargetUid, string UserId) : SignalingMessage(TargetUid, UserId)
{
    /// <inheritdoc />
    public override string EventName => SignalingEvents.Accept;
}

/// <summary>The callee declines (event <c>reject</c>), for example with reason <c>busy</c>.</summary>
/// <param name="TargetUid">The caller.</param>
/// <param name="UserId">The callee.</param>
/// <param name="Reason">Why, if given: <see cref="RejectReasons"/> lists the ones P2PCall sends.</param>
public sealed record RejectMessage(string TargetUid, string UserId, string? Reason = null) : SignalingMessage(TargetUid, UserId)
{
    /// <inheritdoc />
    public override string EventName => SignalingEvents.Reject;
}

/// <summary>Either side ends the call, or the caller cancels it while it rings (event <c>hangup</c>).</summary>
/// <param name="TargetUid">The other side.</param>
/// <param name="UserId">The side that hangs up.</param>
public sealed record HangupMessage(string TargetUid, string UserId) : SignalingMessage(TargetUid, UserId)
{
    /// <inheritdoc />
    public override string EventName => SignalingEvents.Hangup;
}

/// <summary>The caller's SDP offer (event <c>offer</c>).</summary>
/// <param name="TargetUid">The callee.</param>
/// <param name="UserId">The caller.</param>
/// <param name="Offer">The offer, as <c>RTCSessionDescription</c> serialises.</param>
public sealed record OfferMessage(string TargetUid, string UserId, RTCSessionDescriptionInit Offer) : SignalingMessage(TargetUid, UserId)
{
    /// <inheritdoc />
    public override string EventName => SignalingEvents.Offer;
}

/// <summary>The callee's SDP answer (event <c>answer</c>).</summary>
/// <param name="TargetUid">The caller.</param>
/// <param name="UserId">The callee.</param>
/// <param name="Answer">The answer, as <c>RTCSessionDescription</c> serialises.</param>
public sealed record AnswerMessage(string TargetUid, string UserId, RTCSessionDescriptionInit Answer) : SignalingMessage(TargetUid, UserId)
{
    /// <inheritdoc />
    public override string EventName => SignalingEvents.Answer;
}

/// <summary>One trickled ICE candidate (event <c>candidate</c>).</summary>
/// <param name="TargetUid">The other side.</param>
/// <param name="UserId">The side that gathered it.</param>
/// <param name="Candidate">The candidate, as <c>RTCIceCandidate</c> serialises.</param>
public sealed record CandidateMessage(string TargetUid, string UserId, RTCIceCandidateInit Candidate) : SignalingMessage(TargetUid, UserId)
{
    /// <inheritdoc />
    public override string EventName => SignalingEvents.Candidate;
}

/// <summary>The socket.io event names of the protocol.</summary>
public static class SignalingEvents
{
    /// <summary><see cref="CallMessage"/>.</summary>
    public const string Call = "call";

    /// <summary><see cref="AcceptMessage"/>.</summary>
    public const string Accept = "accept";

    /// <summary><see cref="RejectMessage"/>.</summary>
    public const string Reject = "reject";

    /// <summary><see cref="HangupMessage"/>.</summary>
    public const string Hangup = "hangup";

    /// <summary><see cref="OfferMessage"/>.</summary>
    public const string Offer = "offer";

    /// <summary><see cref="AnswerMessage"/>.</summary>
    public const string Answer = "answer";

    /// <summary><see cref="CandidateMessage"/>.</summary>
    public const string Candidate = "candidate";

    /// <summary>The relay server's answer when the target is not connected.</summary>
    public const string RelayError = "relay-error";

    /// <summary>The seven events a session sends and receives.</summary>
    public static IReadOnlyList<string> All { get; } = [Call, Accept, Reject, Hangup, Offer, Answer, Candidate];
}

/// <summary>The reasons P2PCall puts in a <see cref="RejectMessage"/>.</summary>
public static class RejectReasons
{
    /// <summary>The user declined.</summary>
    public const string Rejected = "rejected";

    /// <summary>The callee is in another call.</summary>
    public const string Busy = "busy";

    /// <summary>Nobody answered before the ring timeout.</summary>
    public const string NoAnswer = "no-answer";
}
