namespace P2PCall.WebRtc.Jsep;

/// <summary>
/// A description cannot be applied: it parses, but breaks a rule of JSEP (RFC 8829 §5.8/§5.10), BUNDLE
/// (RFC 8843) or DTLS-SRTP (RFC 8842): no ICE credentials, no fingerprint, no rtcp-mux, an answer that does
/// not match the offer. (W3C: an <c>OperationError</c> or <c>InvalidAccessError</c>.)
/// </summary>
public sealed class SdpNegotiationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SdpNegotiationException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">Which rule the description breaks.</param>
    public SdpNegotiationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">Which rule the description breaks.</param>
    /// <param name="innerException">The cause.</param>
    public SdpNegotiationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
