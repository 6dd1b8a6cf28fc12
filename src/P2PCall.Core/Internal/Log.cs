using Microsoft.Extensions.Logging;
using P2PCall.Core.Calls;

namespace P2PCall.Core.Internal;

/// <summary>Source-generated log messages of the call layer.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Call {LocalUserId} -> {RemoteUserId}: {Previous} -> {Current}")]
    public static partial void StateChanged(ILogger logger, string localUserId, string remoteUserId, CallState previous, CallState current);

    [LoggerMessage(2, LogLevel.Information, "Call {LocalUserId} <-> {RemoteUserId} ended: {Reason} {Detail}")]
    public static partial void Ended(ILogger logger, string localUserId, string remoteUserId, CallEndReason reason, string? detail);

    [LoggerMessage(3, LogLevel.Debug, "Renegotiation needed on the call with {RemoteUserId}")]
    public static partial void NegotiationNeeded(ILogger logger, string remoteUserId);

    [LoggerMessage(4, LogLevel.Debug, "Data channel '{Label}' created by {RemoteUserId}")]
    public static partial void DataChannelCreated(ILogger logger, string label, string remoteUserId);

    [LoggerMessage(5, LogLevel.Debug, "No more local candidates in this negotiation with {RemoteUserId}")]
    public static partial void EndOfCandidates(ILogger logger, string remoteUserId);

    [LoggerMessage(6, LogLevel.Debug, "Ignored '{EventName}' from {RemoteUserId} in state {State}: {Why}")]
    public static partial void IgnoredMessage(ILogger logger, string eventName, string remoteUserId, CallState state, string why);

    [LoggerMessage(7, LogLevel.Warning, "Remote candidate from {RemoteUserId} refused: {Error}")]
    public static partial void CandidateRefused(ILogger logger, string remoteUserId, string error);

    [LoggerMessage(8, LogLevel.Warning, "Dropped a remote candidate from {RemoteUserId}: {Max} candidates already wait for the remote description")]
    public static partial void CandidateQueueFull(ILogger logger, string remoteUserId, int max);

    [LoggerMessage(9, LogLevel.Error, "Unexpected error in the call with {RemoteUserId}")]
    public static partial void UnexpectedError(ILogger logger, string remoteUserId, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "An event handler of the call with {RemoteUserId} threw")]
    public static partial void HandlerFailed(ILogger logger, string remoteUserId, Exception exception);

    [LoggerMessage(11, LogLevel.Warning, "Could not send '{EventName}' to {RemoteUserId}: {Error}")]
    public static partial void SendFailed(ILogger logger, string eventName, string remoteUserId, string error);

    [LoggerMessage(20, LogLevel.Warning, "Malformed signaling message dropped: {Error}")]
    public static partial void MalformedMessage(ILogger logger, string error);

    [LoggerMessage(21, LogLevel.Information, "Ignored '{EventName}' from {UserId}: {Why}")]
    public static partial void IgnoredFromNonPeer(ILogger logger, string eventName, string userId, string why);

    [LoggerMessage(22, LogLevel.Information, "Incoming call from {CallerId} refused as busy")]
    public static partial void RejectedBusy(ILogger logger, string callerId);

    [LoggerMessage(23, LogLevel.Information, "Relay error: {Error}")]
    public static partial void RelayError(ILogger logger, string error);

    [LoggerMessage(24, LogLevel.Debug, "Warm-up call done in {Milliseconds:0} ms: the first real call will not pay the JIT")]
    public static partial void WarmUpDone(ILogger logger, double milliseconds);

    [LoggerMessage(25, LogLevel.Warning, "Warm-up call failed; the first call will be slower")]
    public static partial void WarmUpFailed(ILogger logger, Exception exception);
}
