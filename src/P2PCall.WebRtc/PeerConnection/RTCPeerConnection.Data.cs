using P2PCall.WebRtc.DataChannels;
using P2PCall.WebRtc.Dtls;
using P2PCall.WebRtc.Sctp;

namespace P2PCall.WebRtc;

/// <summary>Data channels: SCTP over the DTLS transport (RFC 8261), DCEP (RFC 8832), on the BUNDLE transport.</summary>
public sealed partial class RTCPeerConnection
{
    private SctpAssociation? _sctp;
    private DataChannelManager? _channels;

    /// <inheritdoc />
    public IDataChannel CreateDataChannel(string label, RTCDataChannelInit? options = null)
    {
        ArgumentNullException.ThrowIfNull(label);
        ThrowIfClosed();
        bool first;
        lock (_gate)
        {
            first = !_jsep.DataChannelRequested;
            _jsep.DataChannelRequested = true; // the next offer carries an application m-line (JSEP §5.2.1)
        }

        var channel = EnsureDataChannels().Create(label, options ?? new RTCDataChannelInit());
        if (first && _jsep.DataMid is null && _jsep.SignalingState == RTCSignalingState.Stable)
        {
            Raise(NegotiationNeeded);
        }

        return channel;
    }

    private DataChannelManager EnsureDataChannels()
    {
        lock (_gate)
        {
            if (_channels is null)
            {
                _sctp = new SctpAssociation(packet => _dtls?.Send(packet), _jsep.Local.SctpPort, (int)_jsep.Local.MaxMessageSize, _time,
                    new SctpAssociationOptions { PathMtuDiscovery = _configuration.SctpPathMtuDiscovery });
                _channels = new DataChannelManager(_sctp, action => _events.Post(action));
                _channels.RemoteChannelOpened += channel => DataChannel?.Invoke(this, new RTCDataChannelEventArgs(channel));
            }

            return _channels;
        }
    }

    private void OnDtlsApplicationData(ReadOnlySpan<byte> data) => _sctp?.OnPacket(data);

    /// <summary>DTLS is up: SCTP starts if the data channel m-line was negotiated.</summary>
    private void OnSecureTransportStateChanged(RTCDtlsTransportState state)
    {
        if (state != RTCDtlsTransportState.Connected || _jsep.DataMid is null || _remoteTransport is not { } remote)
        {
            return;
        }

        var channels = EnsureDataChannels();
        // RFC 8841 §6: absent means 64 KiB, 0 means no limit.
        channels.RemoteMaxMessageSize = remote.MaxMessageSize is { } max ? (max == 0 ? int.MaxValue : (int)Math.Min(max, int.MaxValue)) : 65536;
        channels.SetRole(_dtlsClient);
        _sctp!.Start(_dtlsClient, remote.SctpPort ?? 5000);
    }

    private Task CloseUpperTransportsAsync()
    {
        _sctp?.Dispose();
        return Task.CompletedTask;
    }
}
