using Org.BouncyCastle.Tls;
using P2PCall.WebRtc.Dtls;

namespace P2PCall.WebRtc.Tests.Dtls;

public class DtlsErrorsTests
{
    [Theory]
    [InlineData(AlertDescription.bad_certificate)]
    [InlineData(AlertDescription.certificate_unknown)] // what Chromium sends for a wrong fingerprint (measured)
    public void Certificate_alert_received_during_the_handshake_means_the_peer_refused_our_certificate(short alert)
    {
        DtlsException error = DtlsErrors.Classify(new TlsFatalAlertReceived(alert), handshake: true);

        var mismatch = Assert.IsType<DtlsFingerprintMismatchException>(error);
        Assert.True(mismatch.DetectedByPeer);
        Assert.True(mismatch.AlertReceived);
        Assert.Equal(alert, mismatch.AlertDescription);
    }

    [Fact]
    public void Handshake_failure_received_stays_a_plain_alert_error()
    {
        // Chromium answers a CertificateRequest without ecdsa_sign with handshake_failure(40).
        DtlsException error = DtlsErrors.Classify(new TlsFatalAlertReceived(AlertDescription.handshake_failure), handshake: true);

        Assert.IsNotType<DtlsFingerprintMismatchException>(error);
        Assert.Equal(40, error.AlertDescription);
        Assert.True(error.AlertReceived);
    }

    [Fact]
    public void Alert_raised_here_is_reported_as_sent()
    {
        DtlsException error = DtlsErrors.Classify(new TlsFatalAlert(AlertDescription.decode_error), handshake: false);

        Assert.Equal(50, error.AlertDescription);
        Assert.False(error.AlertReceived);
    }

    [Fact]
    public void Bouncy_castle_timeout_becomes_the_typed_timeout_and_anything_else_a_dtls_exception()
    {
        Assert.IsType<DtlsHandshakeTimeoutException>(DtlsErrors.Classify(new TlsTimeoutException("late"), handshake: true));
        DtlsException other = DtlsErrors.Classify(new IOException("socket gone"), handshake: false);
        Assert.Null(other.AlertDescription);
        Assert.IsType<IOException>(other.InnerException);
    }
}
