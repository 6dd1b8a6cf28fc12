namespace P2PCall.WebRtc.Dtls;

/// <summary>A DTLS transport failed: a TLS alert was sent or received, or the handshake did not finish.</summary>
public class DtlsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DtlsException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public DtlsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public DtlsException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an alert.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="alertDescription">The TLS AlertDescription code (RFC 5246 §7.2), when an alert was involved.</param>
    /// <param name="alertReceived">True when the peer sent the alert, false when we sent it.</param>
    /// <param name="innerException">The cause.</param>
    public DtlsException(string message, int? alertDescription, bool alertReceived, Exception? innerException = null)
        : base(message, innerException)
    {
        AlertDescription = alertDescription;
        AlertReceived = alertReceived;
    }

    /// <summary>The TLS AlertDescription code (RFC 5246 §7.2, e.g. 42 bad_certificate), when an alert was involved.</summary>
    public int? AlertDescription { get; }

    /// <summary>True when the peer sent the alert; false when this endpoint raised it or no alert was involved.</summary>
    public bool AlertReceived { get; }
}

/// <summary>
/// The certificate in the DTLS handshake does not match the fingerprint from the SDP (RFC 8842 §5),
/// or no certificate was sent. Raised on the side that checked (<see cref="DetectedByPeer"/> false, which
/// sends <c>bad_certificate(42)</c>) and on the side whose certificate was refused (it receives
/// <c>bad_certificate(42)</c> or <c>certificate_unknown(46)</c>; <see cref="DetectedByPeer"/> true).
/// </summary>
public sealed class DtlsFingerprintMismatchException : DtlsException
{
    /// <summary>Creates the exception.</summary>
    public DtlsFingerprintMismatchException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What did not match.</param>
    public DtlsFingerprintMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What did not match.</param>
    /// <param name="innerException">The cause.</param>
    public DtlsFingerprintMismatchException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a check made here or by the peer.</summary>
    /// <param name="message">What did not match.</param>
    /// <param name="alertDescription">The alert sent or received.</param>
    /// <param name="detectedByPeer">True when the peer refused our certificate.</param>
    /// <param name="innerException">The cause.</param>
    public DtlsFingerprintMismatchException(string message, int alertDescription, bool detectedByPeer, Exception? innerException = null)
        : base(message, alertDescription, detectedByPeer, innerException)
    {
        DetectedByPeer = detectedByPeer;
    }

    /// <summary>True when the peer refused our certificate; false when we refused the peer's.</summary>
    public bool DetectedByPeer { get; }
}

/// <summary>The DTLS handshake did not complete within the configured time.</summary>
public sealed class DtlsHandshakeTimeoutException : DtlsException
{
    /// <summary>Creates the exception.</summary>
    public DtlsHandshakeTimeoutException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">How long it waited.</param>
    public DtlsHandshakeTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">How long it waited.</param>
    /// <param name="innerException">The cause.</param>
    public DtlsHandshakeTimeoutException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
