using P2PCall.WebRtc.Dtls;

namespace P2PCall.WebRtc;

/// <summary>Data channels: SCTP over the DTLS transport (RFC 8261), DCEP (RFC 8832).</summary>
public sealed partial class RTCPeerConnection
{
    /// <inheritdoc />
    public IDataChannel CreateDataChannel(string label, RTCDataChannelInit? options = null)
    {
        ArgumentNullException.ThrowIfNull(label);
        ThrowIfClosed();
        _ = DataChannel;
        throw new NotSupportedException("Data channels need the SCTP layer (issue 5), which is not in this build yet.");
    }

    private void OnDtlsApplicationData(ReadOnlySpan<byte> data)
    {
        // SCTP packets (RFC 8261) land here once the association exists.
        _ = data;
    }

    private void OnSecureTransportStateChanged(RTCDtlsTransportState state) => _ = state;

    private static Task CloseUpperTransportsAsync() => Task.CompletedTask;
}
