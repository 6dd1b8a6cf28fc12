using System.Buffers;
using System.Net;
using P2PCall.WebRtc.Dtls;
using P2PCall.WebRtc.Ice;
using IceGathering = P2PCall.WebRtc.Ice.IceGatheringState;
using IceState = P2PCall.WebRtc.Ice.IceConnectionState;
using P2PCall.WebRtc.Jsep;
using P2PCall.WebRtc.Rtcp;
using P2PCall.WebRtc.Srtp;

namespace P2PCall.WebRtc;

/// <summary>
/// The BUNDLE transport: ICE underneath, DTLS on the selected pair, SRTP keyed from DTLS, and one socket
/// carrying STUN, DTLS, SRTP and SRTCP told apart by their first byte (RFC 7983 §7).
/// </summary>
public sealed partial class RTCPeerConnection
{
    private const int MaxEarlyDtlsDatagrams = 32;
    private const int MaxEarlySrtpDatagrams = 128;
    private const int MaxEarlyDeliveryRounds = 8;
    private readonly Queue<byte[]> _earlySrtp = new();
    private readonly Queue<byte[]> _earlyDtls = new();
    private RemoteTransportInfo? _remoteTransport;
    private DtlsTransport? _dtls;
    private bool _dtlsClient;
    private bool _dtlsStarted;
    private RTCDtlsTransportState _dtlsState;
    private SrtpContext? _srtpSend;
    private SrtpContext? _srtpReceive;
    private readonly Lock _sendGate = new();
    private readonly Lock _receiveGate = new();
    private long _srtpDropped;
    private long _srtpDroppedShort;
    private long _srtpDroppedUnkeyed;
    private long _rtpDroppedUnparsable;

    /// <summary>SRTP/SRTCP packets dropped on receive (authentication failure, replay, malformed).</summary>
    public long SrtpPacketsDropped => Interlocked.Read(ref _srtpDropped);

    /// <summary>Tests only: runs on the DTLS thread after the handshake, before the early SRTP is delivered and the receive keys are published.</summary>
    internal Action? TestHookBeforeReceiveKeys { get; set; }

    /// <summary>Tests only: SRTP datagrams waiting for the receive keys.</summary>
    internal int EarlySrtpQueued
    {
        get
        {
            lock (_receiveGate)
            {
                return _earlySrtp.Count;
            }
        }
    }

    /// <summary>Why SRTP/SRTCP packets were dropped, for diagnostics: the receive context's counters and the drops before it.</summary>
    internal string SrtpDropSummary
    {
        get
        {
            var counters = _srtpReceive?.Counters;
            return $"dropped {SrtpPacketsDropped}: shorter than a header {Interlocked.Read(ref _srtpDroppedShort)}, " +
                $"before keys (no transport or early queue full) {Interlocked.Read(ref _srtpDroppedUnkeyed)}, unparsable RTP {Interlocked.Read(ref _rtpDroppedUnparsable)}, " +
                (counters is { } c
                    ? $"receive context: authentication {c.AuthenticationFailures}, replayed {c.Replays}, too old {c.TooOld}, malformed {c.Malformed}, RTP ok {c.RtpUnprotected}, RTCP ok {c.RtcpUnprotected}"
                    : "no receive context");
        }
    }

    /// <summary>The negotiated SRTP protection profile (RFC 5764 §4.1.2), 0 before DTLS completes.</summary>
    public ushort SrtpProfile => _dtls?.SrtpProfile ?? 0;

    /// <summary>Creates the DTLS transport once offer/answer has settled the roles (RFC 8842 §5).</summary>
    private void StartSecureTransport(bool client)
    {
        if (_dtls is not null || _remoteTransport is not { } remote)
        {
            return;
        }

        var fingerprints = remote.Fingerprints.Select(f => new RTCDtlsFingerprint(f.HashFunction, f.Value)).ToList();
        var dtls = new DtlsTransport(client ? DtlsRole.Client : DtlsRole.Server, Certificate, fingerprints, datagram => _ice?.Send(datagram),
            _configuration.SrtpProfiles is { } profiles ? new DtlsTransportOptions { SrtpProfiles = profiles } : null,
            _time);
        dtls.StateChanged += OnDtlsStateChanged;
        dtls.ApplicationDataReceived += OnDtlsApplicationData;
        byte[][] early;
        lock (_gate)
        {
            _dtls = dtls;
            _dtlsClient = client;
            early = [.. _earlyDtls];
            _earlyDtls.Clear();
        }

        // The server waits for the ClientHello; the client speaks once ICE has a valid pair, nominated or not
        // (RFC 8445 §12.1; Chromium starts DTLS on the first writable pair too).
        if (!client || _ice?.HasValidPair == true || _ice?.ConnectionState is IceState.Connected or IceState.Completed)
        {
            StartDtls();
        }

        foreach (var datagram in early)
        {
            dtls.OnDatagram(datagram);
        }
    }

    private void StartDtls()
    {
        DtlsTransport? dtls;
        lock (_gate)
        {
            if (_dtlsStarted || _dtls is null || IsClosed)
            {
                return;
            }

            _dtlsStarted = true;
            dtls = _dtls;
        }

        dtls.Start();
    }

    private void OnIceValidPairFound(object? sender, IceSelectedPairEventArgs e) => StartDtls();

    private void OnIceConnectionStateChanged(object? sender, IceConnectionStateEventArgs e)
    {
        if (e.State is IceState.Connected or IceState.Completed)
        {
            StartDtls();
        }

        lock (_gate)
        {
            if (IsClosed)
            {
                return;
            }

            IceConnectionState = e.State switch
            {
                IceState.New => RTCIceConnectionState.New,
                IceState.Checking => RTCIceConnectionState.Checking,
                IceState.Connected => RTCIceConnectionState.Connected,
                IceState.Completed => RTCIceConnectionState.Completed,
                IceState.Failed => RTCIceConnectionState.Failed,
                IceState.Disconnected => RTCIceConnectionState.Disconnected,
                _ => RTCIceConnectionState.Closed,
            };
        }

        Raise(IceConnectionStateChange);
        UpdateConnectionState();
    }

    private void OnDtlsStateChanged(object? sender, RTCDtlsTransportState state)
    {
        if (sender is not DtlsTransport dtls)
        {
            return;
        }

        if (state == RTCDtlsTransportState.Connected && dtls.SrtpKeyingMaterial is { } keys)
        {
            // RFC 5764 §4.2: our write keys protect what we send, the peer's unprotect what we receive.
            if (SrtpProfileParameters.TryGet(keys.Profile, out var profile))
            {
                using var sendKey = new SrtpMasterKey(keys.LocalWriteKey, keys.LocalWriteSalt);
                using var receiveKey = new SrtpMasterKey(keys.RemoteWriteKey, keys.RemoteWriteSalt);
                var send = new SrtpContext(profile, sendKey);
                var receive = new SrtpContext(profile, receiveKey);
                lock (_sendGate)
                {
                    _srtpSend = send;
                }

                StartRtcp();
                TestHookBeforeReceiveKeys?.Invoke();
                DeliverEarlySrtpThenPublish(receive);
            }
        }

        if (state == RTCDtlsTransportState.Failed)
        {
            FailureReason ??= dtls.Error;
        }

        lock (_gate)
        {
            _dtlsState = state;
        }

        OnSecureTransportStateChanged(state);
        UpdateConnectionState();
        if (state == RTCDtlsTransportState.Connected && _srtpSend is not null)
        {
            StartLocalMediaInBackground(); // after "connected" is on its way, off the DTLS thread
        }
    }

    /// <summary>W3C §4.4.3 "update the connection state": the aggregate of the ICE and DTLS transports.</summary>
    private void UpdateConnectionState()
    {
        bool changed;
        RTCPeerConnectionState next;
        lock (_gate)
        {
            if (IsClosed)
            {
                return;
            }

            var ice = IceConnectionState;
            next = (ice, _dtlsState) switch
            {
                (RTCIceConnectionState.Failed, _) or (_, RTCDtlsTransportState.Failed) => RTCPeerConnectionState.Failed,
                (RTCIceConnectionState.Disconnected, _) => RTCPeerConnectionState.Disconnected,
                (RTCIceConnectionState.New, RTCDtlsTransportState.New) => RTCPeerConnectionState.New,
                (RTCIceConnectionState.Connected or RTCIceConnectionState.Completed, RTCDtlsTransportState.Connected) => RTCPeerConnectionState.Connected,
                (_, RTCDtlsTransportState.Closed) => RTCPeerConnectionState.Closed,
                _ => RTCPeerConnectionState.Connecting,
            };
            changed = next != ConnectionState;
            ConnectionState = next;
        }

        if (changed)
        {
            var handler = ConnectionStateChange;
            if (handler is not null && !IsClosed)
            {
                var args = new RTCPeerConnectionStateChangedEventArgs(next);
                _events.Post(() => handler(this, args));
            }
        }
    }

    /// <summary>Everything the ICE agent passes up that is not STUN, from authenticated peers only.</summary>
    private void OnDatagram(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        if (datagram.IsEmpty)
        {
            return;
        }

        var first = datagram[0];
        if (first is >= 20 and <= 63)
        {
            // RFC 7983 §7: DTLS.
            var dtls = _dtls;
            if (dtls is not null)
            {
                dtls.OnDatagram(datagram);
                return;
            }

            lock (_gate)
            {
                // A ClientHello can beat our own answer processing: keep it for the transport (lessons: first flight).
                if (_dtls is null && _earlyDtls.Count < MaxEarlyDtlsDatagrams)
                {
                    _earlyDtls.Enqueue(datagram.ToArray());
                    return;
                }
            }

            _dtls?.OnDatagram(datagram);
        }
        else if (first is >= 128 and <= 191)
        {
            OnSrtpDatagram(datagram);
        }
    }

    private void OnSrtpDatagram(ReadOnlySpan<byte> datagram)
    {
        if (!TryEnterReceive(out var outer))
        {
            return;
        }

        try
        {
            UnprotectAndDeliver(datagram);
        }
        finally
        {
            ExitReceive(outer);
        }
    }

    /// <summary>
    /// Delivers the SRTP that arrived before our keys, then hands the receive keys to the socket thread. The peer may
    /// start sending the moment its side of the handshake ends, a little before ours does. Until the keys are published
    /// the socket thread keeps queueing, and this thread unprotects and delivers the queue batch by batch, so packets
    /// reach the tracks in arrival order and from one thread at a time; the held packets are unprotected before any
    /// newer one, so they cannot be pushed out of the replay window (RFC 3711 §3.3.2) while they wait. After
    /// <see cref="MaxEarlyDeliveryRounds"/> batches (a sender faster than the handlers) the keys are published with the
    /// last batch taken, which is then delivered alongside the socket thread.
    /// </summary>
    private void DeliverEarlySrtpThenPublish(SrtpContext receive)
    {
        var published = false;
        try
        {
            for (var round = 1; !published; round++)
            {
                var early = new List<(byte[] Packet, int Length, bool IsRtcp)>();
                lock (_receiveGate)
                {
                    foreach (var datagram in _earlySrtp)
                    {
                        var isRtcp = RtcpDemultiplexer.IsRtcp(datagram);
                        var status = isRtcp ? receive.UnprotectRtcp(datagram, out var length) : receive.UnprotectRtp(datagram, out length);
                        if (status == SrtpStatus.Ok)
                        {
                            early.Add((datagram, length, isRtcp));
                        }
                        else
                        {
                            Interlocked.Increment(ref _srtpDropped);
                        }
                    }

                    _earlySrtp.Clear();
                    if (early.Count == 0 || round >= MaxEarlyDeliveryRounds)
                    {
                        PublishReceiveKeysLocked(receive);
                        published = true;
                    }
                }

                if (!DeliverEarlySrtp(early))
                {
                    return; // closing
                }
            }
        }
        finally
        {
            if (!published)
            {
                lock (_receiveGate)
                {
                    PublishReceiveKeysLocked(receive);
                }
            }
        }
    }

    /// <summary>Hands the receive keys to the socket thread; disposes them instead once the connection is closing (the teardown has run or will find them).</summary>
    private void PublishReceiveKeysLocked(SrtpContext receive)
    {
        if (IsClosed)
        {
            receive.Dispose();
            return;
        }

        _srtpReceive = receive; // from here on the socket thread unprotects and delivers
    }

    /// <summary>Delivers unprotected early packets; false (the rest counted as dropped) when the connection is closing.</summary>
    private bool DeliverEarlySrtp(List<(byte[] Packet, int Length, bool IsRtcp)> early)
    {
        if (early.Count == 0)
        {
            return true;
        }

        if (!TryEnterReceive(out var outer))
        {
            Interlocked.Add(ref _srtpDropped, early.Count);
            return false;
        }

        try
        {
            foreach (var (packet, length, isRtcp) in early)
            {
                try
                {
                    if (isRtcp)
                    {
                        OnRtcp(packet.AsSpan(0, length));
                    }
                    else
                    {
                        OnRtp(packet.AsSpan(0, length));
                    }
                }
#pragma warning disable CA1031 // a throwing track handler must not stop the rest, nor the keys' hand-over (the socket thread catches too)
                catch (Exception e)
#pragma warning restore CA1031
                {
                    OnBackgroundError(e);
                }
            }
        }
        finally
        {
            ExitReceive(outer);
        }

        return true;
    }

    private void UnprotectAndDeliver(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < 12)
        {
            Interlocked.Increment(ref _srtpDroppedShort);
            Interlocked.Increment(ref _srtpDropped);
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(datagram.Length);
        try
        {
            datagram.CopyTo(buffer);
            var packet = buffer.AsSpan(0, datagram.Length);
            var isRtcp = RtcpDemultiplexer.IsRtcp(datagram); // RFC 5761 §4
            int length;
            lock (_receiveGate)
            {
                if (_srtpReceive is not { } context)
                {
                    // Keys not installed yet: keep a few packets (the first video keyframe among them) for when they are.
                    if (_dtls is { State: RTCDtlsTransportState.Connecting or RTCDtlsTransportState.Connected } && _earlySrtp.Count < MaxEarlySrtpDatagrams)
                    {
                        _earlySrtp.Enqueue(datagram.ToArray());
                    }
                    else
                    {
                        Interlocked.Increment(ref _srtpDroppedUnkeyed);
                        Interlocked.Increment(ref _srtpDropped);
                    }

                    return;
                }

                var status = isRtcp ? context.UnprotectRtcp(packet, out length) : context.UnprotectRtp(packet, out length);
                if (status != SrtpStatus.Ok)
                {
                    Interlocked.Increment(ref _srtpDropped);
                    return;
                }
            }

            if (isRtcp)
            {
                OnRtcp(packet[..length]);
            }
            else
            {
                OnRtp(packet[..length]);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Protects and sends one RTP or RTCP packet written in <paramref name="buffer"/>; false when not connected.</summary>
    private bool SendSrtp(byte[] buffer, int length, bool rtcp)
    {
        int protectedLength;
        lock (_sendGate)
        {
            if (_srtpSend is not { } context)
            {
                return false;
            }

            var status = rtcp ? context.ProtectRtcp(buffer, length, out protectedLength) : context.ProtectRtp(buffer, length, out protectedLength);
            if (status != SrtpStatus.Ok)
            {
                return false;
            }
        }

        return _ice?.Send(buffer.AsSpan(0, protectedLength)) ?? false;
    }

    private async Task CloseTransportsAsync()
    {
        DtlsTransport? dtls;
        IceAgent? ice;
        lock (_gate)
        {
            dtls = _dtls;
            ice = _ice;
        }

        EndRemoteTracks();
        StopRtcp();
        await StopLocalMediaAsync().ConfigureAwait(false);
        await CloseUpperTransportsAsync().ConfigureAwait(false);
        if (dtls is not null)
        {
            dtls.StateChanged -= OnDtlsStateChanged;
            await dtls.DisposeAsync().ConfigureAwait(false);
        }

        if (ice is not null)
        {
            ice.ConnectionStateChanged -= OnIceConnectionStateChanged;
            ice.ValidPairFound -= OnIceValidPairFound;
            ice.LocalCandidate -= OnLocalCandidate;
            await ice.DisposeAsync().ConfigureAwait(false);
        }

        // No datagram arrives any more; wait for the ones being delivered (lessons: no media after close).
        await ReceivesDrainedAsync().ConfigureAwait(false);

        lock (_sendGate)
        {
            _srtpSend?.Dispose();
            _srtpSend = null;
        }

        lock (_receiveGate)
        {
            _srtpReceive?.Dispose();
            _srtpReceive = null;
        }
    }
}
