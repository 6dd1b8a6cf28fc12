using System.Buffers;
using System.Security.Cryptography;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using BcDtlsTransport = Org.BouncyCastle.Tls.DtlsTransport;

namespace P2PCall.WebRtc.Dtls;

/// <summary>Receives one decrypted application-data record (SCTP sits here, RFC 8261); valid only during the call.</summary>
/// <param name="data">The plaintext.</param>
internal delegate void DtlsApplicationDataHandler(ReadOnlySpan<byte> data);

/// <summary>
/// One DTLS 1.2 association over the ICE-selected path (RFC 6347, RFC 5764 DTLS-SRTP, RFC 8842 setup and
/// fingerprint, RFC 8261 for data channels). BouncyCastle's blocking handshake and receive loop run on one
/// dedicated thread; datagrams come in through <see cref="OnDatagram"/> and leave through a send delegate.
/// </summary>
/// <remarks>
/// Events are raised on the DTLS thread (state changes on failure or connect, application data), on the
/// handshake-timeout timer's thread, or on the thread that disposes; never under a lock. A handler may
/// dispose the transport. BouncyCastle times retransmissions on its own wall clock; the handshake timeout
/// uses the injected <see cref="TimeProvider"/>.
/// </remarks>
internal sealed partial class DtlsTransport : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly DtlsPeerContext _peer;
    private readonly DtlsDatagramChannel _channel;
    private readonly TimeProvider _timeProvider;
    private readonly DtlsSendHandler _send;
    private readonly DtlsPlaintextHandler _deliverPlaintext;
    private readonly DtlsChangeCipherSpecGate? _changeCipherSpecGate;
    private DtlsAeadRecordLayer? _records;
    private readonly TaskCompletionSource<bool> _handshakeDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RTCDtlsTransportState _state;
    private BcDtlsTransport? _dtls;
    private ITimer? _handshakeTimer;
    private Task? _worker;
    private int _workerThreadId;
    private bool _timedOut;
    private bool _closeRequested;
    private int _disposed;

    /// <summary>Creates a transport; call <see cref="Start"/> to begin the handshake.</summary>
    /// <param name="role">Client (<c>a=setup:active</c>) or server (<c>a=setup:passive</c>).</param>
    /// <param name="certificate">Our certificate, whose fingerprint is in our SDP.</param>
    /// <param name="remoteFingerprints">The <c>a=fingerprint</c> values of the remote SDP.</param>
    /// <param name="send">Sends one datagram over the selected pair; must not block.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="timeProvider">The clock for the handshake timeout; system clock when null.</param>
    public DtlsTransport(
        DtlsRole role,
        RTCCertificate certificate,
        IReadOnlyList<RTCDtlsFingerprint> remoteFingerprints,
        DtlsSendHandler send,
        DtlsTransportOptions? options = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(remoteFingerprints);
        ArgumentNullException.ThrowIfNull(send);
        options ??= new DtlsTransportOptions();
        options.Validate();
        if (remoteFingerprints.Count == 0)
        {
            throw new ArgumentException("At least one remote fingerprint is required (RFC 8842 §5).", nameof(remoteFingerprints));
        }

        _peer = new DtlsPeerContext(role, certificate, [.. remoteFingerprints], options);
        _channel = new DtlsDatagramChannel(send, options.MaxDatagramSize, options.MaxReceiveDatagramSize, options.ReceiveQueueCapacity);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _send = send;
        _deliverPlaintext = DeliverPlaintext;
        // Only a server receives epoch-0 handshake messages and a ChangeCipherSpec in one flight (RFC 6347 §4.2.4 flight 5).
        _changeCipherSpecGate = role == DtlsRole.Server ? new DtlsChangeCipherSpecGate() : null;
    }

    /// <summary>Raised after every state change, with the new state.</summary>
    public event EventHandler<RTCDtlsTransportState>? StateChanged;

    /// <summary>
    /// Raised for each application-data record received after the handshake: on the thread that called
    /// <see cref="OnDatagram"/> once .NET's AEAD protects the records (the usual case), otherwise on the DTLS thread.
    /// </summary>
    public event DtlsApplicationDataHandler? ApplicationDataReceived;

    /// <summary>Our role.</summary>
    public DtlsRole Role => _peer.Role;

    /// <summary>The current state.</summary>
    public RTCDtlsTransportState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Why the transport failed; null unless <see cref="State"/> is <see cref="RTCDtlsTransportState.Failed"/>.</summary>
    public DtlsException? Error { get; private set; }

    /// <summary>The SRTP keys, once connected with a negotiated use_srtp profile; otherwise null.</summary>
    public DtlsSrtpKeyingMaterial? SrtpKeyingMaterial => IsConnectedOrLater ? _peer.SrtpKeyingMaterial : null;

    /// <summary>The negotiated SRTP protection profile id, or 0 when none (or not yet connected).</summary>
    public ushort SrtpProfile => SrtpKeyingMaterial?.Profile ?? 0;

    /// <summary>The peer's verified certificate (DER), once connected.</summary>
    public ReadOnlyMemory<byte> RemoteCertificate => IsConnectedOrLater ? _peer.PeerCertificate : null;

    /// <summary>The SHA-256 fingerprint of the peer's verified certificate, once connected.</summary>
    public RTCDtlsFingerprint? RemoteFingerprint => IsConnectedOrLater && _peer.PeerCertificate is { } der
        ? RTCDtlsFingerprint.Compute(RTCDtlsFingerprint.Sha256, der)
        : null;

    /// <summary>The largest application-data message <see cref="Send"/> accepts (0 before connecting).</summary>
    public int MaxApplicationDataSize
    {
        get
        {
            BcDtlsTransport? dtls;
            lock (_gate)
            {
                dtls = _dtls;
            }

            return dtls is null ? 0 : SendLimit(dtls, Volatile.Read(ref _records));
        }
    }

    /// <summary>RFC 6347 §4.1: a record carries at most 2^14 bytes; BouncyCastle's own layer keeps to its datagram size.</summary>
    private static int SendLimit(BcDtlsTransport dtls, DtlsAeadRecordLayer? records) =>
        records is null ? dtls.GetSendLimit() : DtlsAeadRecordLayer.MaxPlaintext;

    /// <summary>The DTLS thread's task; complete once the transport has stopped (tests check nothing is left running).</summary>
    internal Task WorkerTask => _worker ?? Task.CompletedTask;

    /// <summary>Datagrams dropped at the receive queue (full or oversize).</summary>
    internal long DroppedDatagrams => _channel.DroppedCount;

    /// <summary>ChangeCipherSpec records kept from BouncyCastle because they came before the rest of their flight.</summary>
    internal long HeldChangeCipherSpecs => _changeCipherSpecGate?.HeldCount ?? 0;

    /// <summary>Application-data records discarded by .NET's record layer (replays, forgeries).</summary>
    internal long DroppedRecords => Volatile.Read(ref _records)?.DroppedRecords ?? 0;

    /// <summary>Whether application data goes through .NET's AEAD (<see cref="DtlsAeadRecordLayer"/>) rather than BouncyCastle.</summary>
    internal bool UsesAeadRecordLayer => Volatile.Read(ref _records) is not null;

    private bool IsConnectedOrLater => _peer.HandshakeComplete && Error is null;

    /// <summary>Starts the handshake on a dedicated thread and the handshake-timeout timer.</summary>
    /// <exception cref="InvalidStateException">Already started or closed.</exception>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        lock (_gate)
        {
            if (_state != RTCDtlsTransportState.New)
            {
                throw new InvalidStateException("The DTLS transport was already started.");
            }

            _state = RTCDtlsTransportState.Connecting;
        }

        // Raised before the thread exists, so "connecting" always precedes "connected".
        StateChanged?.Invoke(this, RTCDtlsTransportState.Connecting);
        lock (_gate)
        {
            if (_closeRequested)
            {
                return; // a handler disposed us
            }

            _handshakeTimer = _timeProvider.CreateTimer(
                static s => ((DtlsTransport)s!).OnHandshakeTimeout(), this, _peer.Options.HandshakeTimeout, System.Threading.Timeout.InfiniteTimeSpan);
            // BouncyCastle's API blocks: give it its own thread instead of holding a pool thread for the whole association.
            _worker = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    /// <summary>Completes when connected; throws the <see cref="DtlsException"/> when the transport failed.</summary>
    /// <param name="cancellationToken">Stops waiting (the handshake goes on).</param>
    /// <returns>A task that completes on connect.</returns>
    public async Task WaitConnectedAsync(CancellationToken cancellationToken = default)
    {
        bool connected = await _handshakeDone.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!connected)
        {
            throw Error ?? (Exception)new InvalidStateException("The DTLS transport was closed before it connected.");
        }
    }

    /// <summary>Sends one application-data record (RFC 8261: one SCTP packet per record).</summary>
    /// <param name="data">At most <see cref="MaxApplicationDataSize"/> bytes.</param>
    /// <exception cref="InvalidStateException">Not connected.</exception>
    public void Send(ReadOnlySpan<byte> data)
    {
        BcDtlsTransport? dtls;
        DtlsAeadRecordLayer? records;
        lock (_gate)
        {
            dtls = _state == RTCDtlsTransportState.Connected ? _dtls : null;
            records = _records;
        }

        if (dtls is null)
        {
            throw new InvalidStateException("The DTLS transport is not connected.");
        }

        int limit = SendLimit(dtls, records);
        if (data.Length > limit)
        {
            throw new ArgumentException($"Application data of {data.Length} bytes exceeds the record limit of {limit}.", nameof(data));
        }

        if (records is not null)
        {
            SendRecord(records, DtlsAeadRecordLayer.ApplicationData, data);
            return;
        }

        try
        {
            dtls.Send(data);
        }
        catch (IOException e)
        {
            throw new InvalidStateException("The DTLS transport closed while sending.", e);
        }
    }

    /// <summary>Sends close_notify when connected (RFC 5246 §7.2.1), stops the DTLS thread and releases everything.</summary>
    /// <returns>A task that completes when the DTLS thread has ended.</returns>
    public ValueTask CloseAsync() => DisposeAsync();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await WaitForWorkerAsync().ConfigureAwait(false);
            return;
        }

        BcDtlsTransport? dtls;
        DtlsAeadRecordLayer? records;
        bool connected;
        lock (_gate)
        {
            _closeRequested = true;
            dtls = _dtls;
            records = _records;
            connected = _state == RTCDtlsTransportState.Connected;
        }

        DisposeTimer();
        if (records is not null && connected)
        {
            // RFC 5246 §7.2.1 close_notify (warning, 0) in our record sequence, which the peer's window has seen;
            // BouncyCastle's own close_notify below carries a lower sequence number and may be discarded as old.
            try
            {
                SendRecord(records, DtlsAeadRecordLayer.Alert, [1, 0]);
            }
#pragma warning disable CA1031 // closing is best effort
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        if (dtls is not null)
        {
            try
            {
                dtls.Close(); // sends close_notify, then closes the channel, which wakes the DTLS thread
            }
#pragma warning disable CA1031 // closing is best effort
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        _channel.Close();
        await WaitForWorkerAsync().ConfigureAwait(false);
        Interlocked.Exchange(ref _records, null)?.Dispose();
        SetState(RTCDtlsTransportState.Closed);
        _handshakeDone.TrySetResult(false);
    }

    private void DisposeTimer()
    {
        ITimer? timer;
        lock (_gate)
        {
            timer = _handshakeTimer;
            _handshakeTimer = null;
        }

        timer?.Dispose();
    }

    private async Task WaitForWorkerAsync()
    {
        Task? worker;
        lock (_gate)
        {
            worker = _worker;
        }

        // A handler on the DTLS thread may dispose us: the thread ends right after the handler returns.
        if (worker is not null && Environment.CurrentManagedThreadId != Volatile.Read(ref _workerThreadId))
        {
            await worker.ConfigureAwait(false);
        }
    }

    private void OnHandshakeTimeout()
    {
        lock (_gate)
        {
            if (_dtls is not null || _closeRequested || _state != RTCDtlsTransportState.Connecting)
            {
                return;
            }

            _timedOut = true;
        }

        _channel.Close(); // wakes the DTLS thread, which reports the timeout
    }

    private void Run()
    {
        Volatile.Write(ref _workerThreadId, Environment.CurrentManagedThreadId);
        var crypto = new DotNetTlsCrypto(new SecureRandom());
        BcDtlsTransport dtls;
        try
        {
            dtls = _peer.Role == DtlsRole.Client
                ? new DtlsClientProtocol().Connect(new DtlsSrtpClient(crypto, _peer), _channel)
                : new DtlsServerProtocol().Accept(new DtlsSrtpServer(crypto, _peer), _channel);
        }
#pragma warning disable CA1031 // every failure becomes the transport's typed error; nothing escapes the thread
        catch (Exception e)
#pragma warning restore CA1031
        {
            Finish(e, handshake: true);
            return;
        }

        bool stop;
        var records = CreateRecordLayer();
        lock (_gate)
        {
            _dtls = dtls;
            stop = _closeRequested || _timedOut;
            if (!stop)
            {
                _state = RTCDtlsTransportState.Connected;
            }
        }

        DisposeTimer();
        if (stop)
        {
            CloseQuietly(dtls);
            Finish(null, handshake: true);
            return;
        }

        _handshakeDone.TrySetResult(true);
        StateChanged?.Invoke(this, RTCDtlsTransportState.Connected);

        // Published only after the Connected handlers ran (they start SCTP): until then data records wait in the
        // DTLS thread's queue, as before, so the peer's first SCTP packet never reaches an association not yet started.
        lock (_gate)
        {
            if (records is not null && !_closeRequested)
            {
                _records = records;
                records = null;
            }
        }

        records?.Dispose();
        ReceiveLoop(dtls);
    }

    /// <summary>The .NET AEAD layer for the negotiated suite; null (BouncyCastle keeps the records) when it cannot be made.</summary>
    private DtlsAeadRecordLayer? CreateRecordLayer()
    {
        try
        {
            return _peer.RecordKeys is { } keys ? DtlsAeadRecordLayer.TryCreate(keys) : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Ends the thread's work: closed when we or the peer closed cleanly, failed otherwise.</summary>
    private void Finish(Exception? exception, bool handshake)
    {
        DisposeTimer();
        // RFC 5246 §7.2.1: nothing received after the association ended (close_notify or a fatal alert) is delivered.
        Interlocked.Exchange(ref _records, null)?.Dispose();
        bool closeRequested;
        bool timedOut;
        lock (_gate)
        {
            closeRequested = _closeRequested;
            timedOut = _timedOut;
        }

        DtlsException? error = null;
        if (_peer.FingerprintFailure is not null)
        {
            error = _peer.FingerprintFailure;
        }
        else if (timedOut)
        {
            error = new DtlsHandshakeTimeoutException(
                $"The DTLS handshake did not complete within {_peer.Options.HandshakeTimeout.TotalSeconds:0.###} s.");
        }
        else if (closeRequested || (exception is not null && IsCleanClose()))
        {
            error = null;
        }
        else if (exception is not null)
        {
            error = DtlsErrors.Classify(exception, handshake);
        }

        _channel.Close();
        if (error is null)
        {
            SetState(RTCDtlsTransportState.Closed);
            _handshakeDone.TrySetResult(false);
            return;
        }

        Error = error;
        SetState(RTCDtlsTransportState.Failed);
        _handshakeDone.TrySetResult(false);
    }

    private void SendRecord(DtlsAeadRecordLayer records, byte contentType, ReadOnlySpan<byte> content)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(content.Length + records.Overhead);
        try
        {
            int length;
            try
            {
                length = records.Seal(contentType, content, buffer);
            }
            catch (ObjectDisposedException e)
            {
                throw new InvalidStateException("The DTLS transport closed while sending.", e);
            }

            _send(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private bool IsCleanClose() => _peer.LastAlertReceived == AlertDescription.close_notify;

    private void SetState(RTCDtlsTransportState state)
    {
        lock (_gate)
        {
            if (_state == state || _state is RTCDtlsTransportState.Closed or RTCDtlsTransportState.Failed)
            {
                return;
            }

            _state = state;
        }

        StateChanged?.Invoke(this, state);
    }

    private static void CloseQuietly(BcDtlsTransport dtls)
    {
        try
        {
            dtls.Close();
        }
#pragma warning disable CA1031 // closing is best effort
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
