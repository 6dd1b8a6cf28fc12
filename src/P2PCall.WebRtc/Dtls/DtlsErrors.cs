using Org.BouncyCastle.Tls;

namespace P2PCall.WebRtc.Dtls;

/// <summary>Turns what BouncyCastle throws into our typed <see cref="DtlsException"/>s.</summary>
internal static class DtlsErrors
{
    /// <summary>Classifies a failure of the handshake or of the receive loop.</summary>
    /// <param name="exception">What BouncyCastle threw.</param>
    /// <param name="handshake">Whether the handshake was still running.</param>
    /// <returns>The typed error.</returns>
    public static DtlsException Classify(Exception exception, bool handshake)
    {
        switch (exception)
        {
            case TlsFatalAlertReceived received:
                // The peer refused our certificate: bad_certificate(42) from BouncyCastle-like stacks,
                // certificate_unknown(46) from Chromium (measured).
                if (handshake && received.AlertDescription is AlertDescription.bad_certificate or AlertDescription.certificate_unknown)
                {
                    return new DtlsFingerprintMismatchException(
                        $"The peer refused our certificate ({AlertDescription.GetText(received.AlertDescription)}).",
                        received.AlertDescription, detectedByPeer: true, exception);
                }

                return new DtlsException(
                    $"The peer sent the fatal alert {AlertDescription.GetText(received.AlertDescription)}.",
                    received.AlertDescription, alertReceived: true, exception);
            case TlsFatalAlert raised:
                return new DtlsException(
                    $"DTLS failed with the fatal alert {AlertDescription.GetText(raised.AlertDescription)}.",
                    raised.AlertDescription, alertReceived: false, exception);
            case TlsTimeoutException:
                return new DtlsHandshakeTimeoutException("The DTLS handshake timed out.", exception);
            default:
                return new DtlsException("DTLS failed: " + exception.Message, exception);
        }
    }
}
