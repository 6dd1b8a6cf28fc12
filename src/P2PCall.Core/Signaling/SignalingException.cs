namespace P2PCall.Core.Signaling;

/// <summary>A signaling failure: a payload that cannot be read, or a message the relay could not deliver.</summary>
public class SignalingException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SignalingException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public SignalingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public SignalingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A received payload is not a valid message of the protocol (bad JSON, missing or mistyped field).</summary>
public sealed class SignalingFormatException : SignalingException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="eventName">The event the payload arrived under.</param>
    /// <param name="reason">What is wrong with it.</param>
    /// <param name="innerException">The JSON reader's error, if any.</param>
    public SignalingFormatException(string eventName, string reason, Exception? innerException = null)
        : base($"Malformed '{eventName}' signaling message: {reason}", innerException!)
    {
        EventName = eventName;
        Reason = reason;
    }

    /// <summary>The event the payload arrived under.</summary>
    public string EventName { get; }

    /// <summary>What is wrong with the payload.</summary>
    public string Reason { get; }
}

/// <summary>The relay could not deliver a message: the target user is not connected (the server's <c>relay-error</c>).</summary>
public sealed class SignalingRelayException : SignalingException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="targetUid">The user the message was for.</param>
    /// <param name="eventName">The event of the undelivered message.</param>
    /// <param name="reason">The relay's explanation.</param>
    public SignalingRelayException(string targetUid, string eventName, string reason)
        : base($"Signaling relay could not deliver '{eventName}' to '{targetUid}': {reason}")
    {
        TargetUid = targetUid;
        EventName = eventName;
        Reason = reason;
    }

    /// <summary>The user the message was for.</summary>
    public string TargetUid { get; }

    /// <summary>The event of the undelivered message.</summary>
    public string EventName { get; }

    /// <summary>The relay's explanation, for example <c>target offline</c>.</summary>
    public string Reason { get; }
}
