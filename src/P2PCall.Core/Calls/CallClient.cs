using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using P2PCall.Core.Internal;
using P2PCall.WebRtc.Internal;
using P2PCall.Core.Signaling;
using P2PCall.WebRtc;

namespace P2PCall.Core.Calls;

/// <summary>
/// Routes signaling to the one active call and creates sessions. Received messages are handled one at a time
/// on the client's own queue; messages from anyone but the current peer are ignored and logged, and a
/// <c>call</c> during another call is answered with <c>reject</c> reason <c>busy</c>.
/// </summary>
public sealed class CallClient : ICallClient
{
    private readonly ISignalingChannel _signaling;
    private readonly IPeerConnectionFactory _peerConnections;
    private readonly IMediaDevices _mediaDevices;
    private readonly IOptions<P2PCallOptions> _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SerialWorkQueue _inbox;
    private readonly Channel<CalleeSession> _incoming = Channel.CreateBounded<CalleeSession>(
        new BoundedChannelOptions(16) { FullMode = BoundedChannelFullMode.DropOldest });

    private readonly Lock _gate = new();
    private CallSession? _active;
    private int _started;
    private int _disposed;

    /// <summary>Creates the client; <see cref="StartAsync"/> connects it.</summary>
    /// <param name="signaling">The signaling channel (owned by the caller: the client does not dispose it).</param>
    /// <param name="peerConnections">Creates the peer connection of each call.</param>
    /// <param name="mediaDevices">Gives each call its local media.</param>
    /// <param name="options">Session options.</param>
    /// <param name="loggerFactory">Logging.</param>
    /// <param name="timeProvider">The clock of ring timeouts.</param>
    public CallClient(
        ISignalingChannel signaling,
        IPeerConnectionFactory peerConnections,
        IMediaDevices mediaDevices,
        IOptions<P2PCallOptions> options,
        ILoggerFactory loggerFactory,
        TimeProvider timeProvider)
    {
        _signaling = signaling ?? throw new ArgumentNullException(nameof(signaling));
        _peerConnections = peerConnections ?? throw new ArgumentNullException(nameof(peerConnections));
        _mediaDevices = mediaDevices ?? throw new ArgumentNullException(nameof(mediaDevices));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _loggerFactory = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = loggerFactory.CreateLogger<CallClient>();
        _inbox = new SerialWorkQueue(ex => Log.UnexpectedError(_logger, "-", ex));
    }

    /// <inheritdoc />
    public string UserId => _signaling.LocalUserId;

    /// <inheritdoc />
    public CallSession? ActiveCall
    {
        get
        {
            lock (_gate)
            {
                return _active;
            }
        }
    }

    /// <inheritdoc />
    public event EventHandler<IncomingCallEventArgs>? IncomingCall;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return;
        }

        try
        {
            _ = _options.Value; // validates the options now rather than at the first call
            _signaling.MessageReceived += OnMessageReceived;
            _signaling.ErrorReceived += OnErrorReceived;
            if (!_signaling.IsConnected)
            {
                await _signaling.ConnectAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            // A failed start leaves the client as it was, so StartAsync can be tried again.
            _signaling.MessageReceived -= OnMessageReceived;
            _signaling.ErrorReceived -= OnErrorReceived;
            Volatile.Write(ref _started, 0);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<CallerSession> CallAsync(string peerId, Action<CallerSession>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(peerId);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (_started == 0)
        {
            throw new InvalidStateException("Call StartAsync before placing a call.");
        }

        if (peerId == UserId)
        {
            throw new ArgumentException("A user cannot call itself.", nameof(peerId));
        }

        var session = new CallerSession(CreateContext(), peerId);
        lock (_gate)
        {
            if (_active is not null)
            {
                throw new InvalidStateException($"A call with '{_active.RemoteUserId}' is in progress.");
            }

            _active = session;
        }

        session.OnEndedCallback = OnSessionEnded;
        try
        {
            configure?.Invoke(session);
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        try
        {
            await session.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A cancelled call is withdrawn, not left ringing behind the app's back.
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return session;
    }

    /// <inheritdoc />
    public async Task<CalleeSession> WaitForIncomingCallAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var session = await _incoming.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (session.State == CallState.Ringing)
            {
                return session;
            }
        }
    }

    /// <summary>Hangs up the active call and stops routing messages. Does not dispose the signaling channel.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _signaling.MessageReceived -= OnMessageReceived;
        _signaling.ErrorReceived -= OnErrorReceived;
        await _inbox.DisposeAsync().ConfigureAwait(false);
        if (ActiveCall is { } call)
        {
            await call.DisposeAsync().ConfigureAwait(false);
        }

        _incoming.Writer.TryComplete();
    }

    private SessionContext CreateContext() => new(
        _signaling,
        _peerConnections,
        _mediaDevices,
        _options.Value,
        _loggerFactory.CreateLogger<CallSession>(),
        _time);

    private void OnMessageReceived(object? sender, SignalingMessageEventArgs e) => _inbox.Post(() => RouteAsync(e.Message));

    private void OnErrorReceived(object? sender, SignalingErrorEventArgs e) => _inbox.Post(() =>
    {
        switch (e.Error)
        {
            case SignalingRelayException relay:
                Log.RelayError(_logger, relay.Message);
                var active = ActiveCall;
                if (active is not null && active.RemoteUserId == relay.TargetUid)
                {
                    active.DeliverRelayError(relay);
                }

                break;
            default:
                Log.MalformedMessage(_logger, e.Error.Message);
                P2PCallMetrics.MalformedSignaling.Add(1);
                break;
        }
    });

    private async Task RouteAsync(SignalingMessage message)
    {
        if (message.TargetUid != UserId)
        {
            Log.IgnoredFromNonPeer(_logger, message.EventName, message.UserId, $"addressed to '{message.TargetUid}'");
            P2PCallMetrics.IgnoredSignaling.Add(1);
            return;
        }

        var active = ActiveCall;
        if (active is CallerSession { State: CallState.Calling } outgoing && message is CallMessage && outgoing.RemoteUserId == message.UserId)
        {
            // Glare: both users called each other. The smaller user id keeps its outgoing call; the other side
            // answers the incoming one instead, so both end up in one call rather than waiting for a timeout.
            if (string.CompareOrdinal(UserId, message.UserId) < 0)
            {
                Log.IgnoredFromNonPeer(_logger, message.EventName, message.UserId, "crossed calls: ours is kept");
                return;
            }

            await outgoing.YieldToCrossedCallAsync().ConfigureAwait(false);
            await AcceptIncomingAsync((CallMessage)message).ConfigureAwait(false);
            return;
        }

        if (active is not null && active.RemoteUserId == message.UserId)
        {
            active.Deliver(message);
            return;
        }

        if (message is CallMessage call)
        {
            if (active is not null)
            {
                Log.RejectedBusy(_logger, call.UserId);
                await SendQuietlyAsync(new RejectMessage(call.UserId, UserId, RejectReasons.Busy)).ConfigureAwait(false);
                return;
            }

            await AcceptIncomingAsync(call).ConfigureAwait(false);
            return;
        }

        Log.IgnoredFromNonPeer(_logger, message.EventName, message.UserId, "not the current peer");
        P2PCallMetrics.IgnoredSignaling.Add(1);
    }

    private async Task AcceptIncomingAsync(CallMessage call)
    {
        CalleeSession? session = null;
        lock (_gate)
        {
            if (_active is null)
            {
                session = new CalleeSession(CreateContext(), call.UserId);
                _active = session;
            }
        }

        if (session is null)
        {
            Log.RejectedBusy(_logger, call.UserId);
            await SendQuietlyAsync(new RejectMessage(call.UserId, UserId, RejectReasons.Busy)).ConfigureAwait(false);
            return;
        }

        session.OnEndedCallback = OnSessionEnded;
        // IncomingCall goes first on the session's own event queue: whatever the app subscribes there sees every
        // event of the call, even if the caller hangs up at once.
        await session.StartRingingAsync(() => IncomingCall?.Invoke(this, new IncomingCallEventArgs(session))).ConfigureAwait(false);
        _incoming.Writer.TryWrite(session);
    }

    private void OnSessionEnded(CallSession session)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_active, session))
            {
                _active = null;
            }
        }

        // An ended session still owns two queue loops: release them once its last events are out.
        _ = Task.Run(async () =>
        {
            try
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.UnexpectedError(_logger, session.RemoteUserId, ex);
            }
        });
    }

    private async Task SendQuietlyAsync(SignalingMessage message)
    {
        try
        {
            await _signaling.SendAsync(message).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SignalingException or ObjectDisposedException or InvalidOperationException)
        {
            Log.SendFailed(_logger, message.EventName, message.TargetUid, ex.Message);
        }
    }
}
