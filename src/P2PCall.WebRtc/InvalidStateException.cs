namespace P2PCall.WebRtc;

/// <summary>
/// A method was called in a state that does not allow it (the W3C <c>InvalidStateError</c>),
/// for example an answer applied in the stable signaling state, or a send on a closed channel.
/// </summary>
public class InvalidStateException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public InvalidStateException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was called in which state.</param>
    public InvalidStateException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What was called in which state.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
