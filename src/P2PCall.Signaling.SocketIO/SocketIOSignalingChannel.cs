using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2PCall.Core.Signaling;
using SocketIOClient;
using SocketIOClient.Transport;

namespace P2PCall.Signaling.SocketIO;

/// <summary>
/// An <see cref="ISignalingChannel"/> over a socket.io server (SocketIOClient, WebSocket transport, Engine.IO 4),
/// registered under <see cref="LocalUserId"/> through the handshake query. Payloads are the seed's JSON, byte-for-byte.
/// </summary>
/// <remarks>
/// <para><see cref="MessageReceived"/>, <see cref="ErrorReceived"/> and <see cref="ConnectionChanged"/> are raised one at
/// a time, in arrival order, on the channel's own receive loop (never on SocketIOClient's threads).</para>
/// <para>When the server drops the connection the channel reconnects with a doubling backoff. A message sent while it is
/// disconnected waits, in a queue of at most <see cref="SocketIOSignalingOptions.SendQueueLimit"/> messages, up to
/// <see cref="SocketIOSignalingOptions.SendTimeout"/> for the connection; otherwise its <see cref="SendAsync"/> fails with a
/// <see cref="SignalingException"/>. Messages are never dropped silently by the channel; like any socket.io emit without
/// acknowledgement, a message already handed to a connection that breaks at that moment may be lost.</para>
/// <para>When the server disconnects the channel on purpose (another connection registered the same user id) the channel
/// does not reconnect, so that the two do not take turns; its sends then fail.</para>
/// </remarks>
public sealed partial class SocketIOSignalingChannel : ISignalingChannel
{
    /// <summary>socket.io's reason when the server closed the connection on purpose.</summary>
    private const string ServerDisconnectReason = "io server disconnect";

    private readonly SocketIOSignalingOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<Inbound> _inbox = Channel.CreateUnbounded<Inbound>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<Outbound> _outbox;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly AsyncLocal<bool> _onReceiveLoop = new();
    private TaskCompletionSource<SocketIOClient.SocketIO> _connected = NewConnectedSignal();
    private SocketIOClient.SocketIO? _socket;
    private State _state;
    private Task? _receiveLoop;
    private Task? _sendLoop;
    private Task? _reconnectLoop;
    private int _disposed;
    private long _malformed;
    private long _reconnects;

    /// <summary>Creates a channel; it connects on <see cref="ConnectAsync"/>.</summary>
    /// <param name="options">The server, the user id and the timeouts; copied and validated.</param>
    /// <param name="logger">The logger; none when null.</param>
    /// <param name="timeProvider">The clock of timeouts and backoff; the system clock when null.</param>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public SocketIOSignalingChannel(SocketIOSignalingOptions options, ILogger<SocketIOSignalingChannel>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        if (_options.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _outbox = Channel.CreateBounded<Outbound>(new BoundedChannelOptions(_options.SendQueueLimit)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    private enum State
    {
        NotStarted,
        Connecting,
        Connected,
        Reconnecting,
        Closed,
    }

    /// <inheritdoc />
    public string LocalUserId => _options.UserId;

    /// <inheritdoc />
    public bool IsConnected
    {
        get
        {
            lock (_gate)
            {
                return _state == State.Connected;
            }
        }
    }

    /// <summary>Payloads received that could not be read (each was raised as a <see cref="SignalingFormatException"/>).</summary>
    public long MalformedCount => Interlocked.Read(ref _malformed);

    /// <summary>How many times the channel reconnected after the server dropped it.</summary>
    public long ReconnectCount => Interlocked.Read(ref _reconnects);

    /// <inheritdoc />
    public event EventHandler<SignalingMessageEventArgs>? MessageReceived;

    /// <inheritdoc />
    public event EventHandler<SignalingErrorEventArgs>? ErrorReceived;

    /// <summary>The connection was established, lost, or re-established; raised on the receive loop.</summary>
    public event EventHandler<SignalingConnectionChangedEventArgs>? ConnectionChanged;

    /// <summary>
    /// Connects and registers <see cref="LocalUserId"/>; completes once the server has accepted the connection.
    /// </summary>
    /// <param name="cancellationToken">Cancels the attempt; its <see cref="OperationCanceledException"/> passes through.</param>
    /// <exception cref="SignalingException">The server could not be reached, or refused, within <see cref="SocketIOSignalingOptions.ConnectTimeout"/>.</exception>
    /// <exception cref="InvalidOperationException">The channel is already connecting or connected.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_state != State.NotStarted)
            {
                throw new InvalidOperationException($"The signaling channel of '{LocalUserId}' is already {_state}.");
            }

            _state = State.Connecting;
            _receiveLoop ??= Task.Run(ReceiveLoopAsync, CancellationToken.None);
        }

        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
            var socket = await ConnectOnceAsync(linked.Token).ConfigureAwait(false);
            Attach(socket, reconnected: false);
        }
        catch
        {
            lock (_gate)
            {
                if (_state == State.Connecting)
                {
                    _state = State.NotStarted; // a failed first connect may be retried
                }
            }

            throw;
        }
    }

    /// <summary>
    /// Sends a message. While the channel reconnects the message waits (bounded by
    /// <see cref="SocketIOSignalingOptions.SendQueueLimit"/> and <see cref="SocketIOSignalingOptions.SendTimeout"/>);
    /// messages are emitted in the order of their sends.
    /// </summary>
    /// <param name="message">The message; its <see cref="SignalingMessage.UserId"/> must be <see cref="LocalUserId"/>.</param>
    /// <param name="cancellationToken">Cancels the wait; its <see cref="OperationCanceledException"/> passes through.</param>
    /// <exception cref="SignalingException">
    /// The channel was never connected or was replaced, the queue is full, the connection did not come back in time,
    /// the message is not from <see cref="LocalUserId"/>, or the transport failed.
    /// </exception>
    public async Task SendAsync(SignalingMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (!string.Equals(message.UserId, LocalUserId, StringComparison.Ordinal))
        {
            // The relay binds identity to the connection: no sending as somebody else.
            throw new SignalingException($"A message from '{message.UserId}' cannot be sent on the channel of '{LocalUserId}'.");
        }

        lock (_gate)
        {
            switch (_state)
            {
                case State.NotStarted:
                case State.Connecting:
                    throw new SignalingException($"The signaling channel of '{LocalUserId}' is not connected: await ConnectAsync first.");
                case State.Closed:
                    throw new SignalingException($"The signaling channel of '{LocalUserId}' was closed by the server (the user id connected elsewhere).");
            }
        }

        var item = new Outbound(message.EventName, SignalingJson.Serialize(message));
        if (!_outbox.Writer.TryWrite(item))
        {
            throw new SignalingException($"The signaling channel of '{LocalUserId}' is disconnected and {_options.SendQueueLimit} messages already wait: '{message.EventName}' not sent.");
        }

        using var timeout = new CancellationTokenSource(_options.SendTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await item.Completion.Task.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested && item.TryAbandon())
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new SignalingException($"The signaling channel of '{LocalUserId}' did not reconnect within {_options.SendTimeout}: '{message.EventName}' not sent.");
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            // The send loop holds the message: its emit ends promptly; if the connection is lost under it, the loop
            // sees that the sender gave up and fails the message instead of keeping it for the next connection.
            item.GiveUp();
            if (item.TryAbandon())
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new SignalingException($"The signaling channel of '{LocalUserId}' did not reconnect within {_options.SendTimeout}: '{message.EventName}' not sent.");
            }

            await item.Completion.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Disconnects, stops the loops and fails queued sends; nothing is raised afterwards.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        SocketIOClient.SocketIO? socket;
        lock (_gate)
        {
            _state = State.Closed;
            socket = _socket;
            _socket = null;
            _connected.TrySetException(new ObjectDisposedException(nameof(SocketIOSignalingChannel)));
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _outbox.Writer.TryComplete();
        _inbox.Writer.TryComplete();
        if (socket is not null)
        {
            await CloseSocketAsync(socket).ConfigureAwait(false);
        }

        foreach (var loop in new[] { _sendLoop, _reconnectLoop })
        {
            if (loop is not null)
            {
                await loop.ConfigureAwait(false);
            }
        }

        while (_outbox.Reader.TryRead(out var pending))
        {
            pending.Completion.TrySetException(new ObjectDisposedException(nameof(SocketIOSignalingChannel)));
        }

        if (_receiveLoop is { } receive && !_onReceiveLoop.Value)
        {
            await receive.ConfigureAwait(false);
        }

        Log.Stopped(_logger, LocalUserId);
    }

    private static TaskCompletionSource<SocketIOClient.SocketIO> NewConnectedSignal() =>
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task<SocketIOClient.SocketIO> ConnectOnceAsync(CancellationToken cancellationToken)
    {
        var socket = new SocketIOClient.SocketIO(_options.ServerUri!, new SocketIOOptions
        {
            Transport = TransportProtocol.WebSocket,
            EIO = 4,
            AutoUpgrade = false,
            Reconnection = false, // the channel reconnects itself, with a fresh client each time
            ConnectionTimeout = _options.ConnectTimeout,
            Query = [new KeyValuePair<string, string>(_options.UserIdQueryName, _options.UserId)],
        });
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.OnConnected += (_, _) => opened.TrySetResult();
        socket.OnError += (_, error) => opened.TrySetException(new SignalingException($"The signaling server refused '{LocalUserId}': {error}"));
        socket.OnDisconnected += (_, reason) =>
        {
            opened.TrySetException(new SignalingException($"The signaling server closed the connection of '{LocalUserId}': {reason}"));
            OnSocketDisconnected(socket, reason);
        };
        foreach (var eventName in SignalingEvents.All)
        {
            socket.On(eventName, response => OnSocketEvent(eventName, response));
        }

        socket.On(SignalingEvents.RelayError, response => OnSocketEvent(SignalingEvents.RelayError, response));

        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            // SocketIOClient's ConnectAsync may return before the namespace is connected: wait for OnConnected.
            var connecting = socket.ConnectAsync();
            var first = await Task.WhenAny(opened.Task, connecting).WaitAsync(linked.Token).ConfigureAwait(false);
            if (first == connecting && connecting.IsFaulted)
            {
                throw new SignalingException($"The signaling server {_options.ServerUri} could not be reached: {connecting.Exception!.GetBaseException().Message}", connecting.Exception.GetBaseException());
            }

            await opened.Task.WaitAsync(linked.Token).ConfigureAwait(false);
            return socket;
        }
        catch (Exception ex)
        {
            await CloseSocketAsync(socket).ConfigureAwait(false);
            if (ex is OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new SignalingException($"The signaling server {_options.ServerUri} did not accept '{LocalUserId}' within {_options.ConnectTimeout}.", ex);
            }

            if (ex is OperationCanceledException or SignalingException)
            {
                throw;
            }

            throw new SignalingException($"The signaling server {_options.ServerUri} could not be reached: {ex.Message}", ex);
        }
    }

    private void Attach(SocketIOClient.SocketIO socket, bool reconnected)
    {
        lock (_gate)
        {
            if (_state == State.Closed)
            {
                _ = CloseSocketAsync(socket);
                return;
            }

            _socket = socket;
            _state = State.Connected;
            _connected.TrySetResult(socket);
            _sendLoop ??= Task.Run(SendLoopAsync, CancellationToken.None);
        }

        if (reconnected)
        {
            Interlocked.Increment(ref _reconnects);
        }

        Log.Connected(_logger, LocalUserId, _options.ServerUri!);
        _inbox.Writer.TryWrite(new Inbound(null, null, new SignalingConnectionChangedEventArgs(true, null, false)));
    }

    private void OnSocketDisconnected(SocketIOClient.SocketIO socket, string reason)
    {
        bool willReconnect;
        lock (_gate)
        {
            if (!ReferenceEquals(socket, _socket))
            {
                return; // a socket that never got attached, or one we closed ourselves
            }

            _socket = null;
            willReconnect = reason != ServerDisconnectReason;
            if (willReconnect)
            {
                _state = State.Reconnecting;
                _connected = NewConnectedSignal();
                _reconnectLoop = Task.Run(() => ReconnectLoopAsync(socket), CancellationToken.None);
            }
            else
            {
                _state = State.Closed;
                _connected.TrySetException(new SignalingException($"The signaling server disconnected '{LocalUserId}': {reason} (the user id connected elsewhere)."));
            }
        }

        Log.Disconnected(_logger, LocalUserId, reason, willReconnect);
        _inbox.Writer.TryWrite(new Inbound(null, null, new SignalingConnectionChangedEventArgs(false, reason, willReconnect)));
        if (!willReconnect)
        {
            _ = CloseSocketAsync(socket);
        }
    }

    private async Task ReconnectLoopAsync(SocketIOClient.SocketIO dropped)
    {
        await CloseSocketAsync(dropped).ConfigureAwait(false);
        var delay = _options.ReconnectDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Task.Delay(delay, _time, _stop.Token).ConfigureAwait(false);
                var socket = await ConnectOnceAsync(_stop.Token).ConfigureAwait(false);
                Attach(socket, reconnected: true);
                return;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SignalingException ex)
            {
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectDelayMax.Ticks));
                Log.ReconnectFailed(_logger, LocalUserId, attempt, delay, ex);
            }
        }
    }

    private async Task SendLoopAsync()
    {
        try
        {
            await foreach (var item in _outbox.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                await SendOneAsync(item).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed: DisposeAsync fails whatever is still queued.
        }
    }

    /// <summary>Emits one message once a connection is up; a connection lost under it means waiting for the next one.</summary>
    private async Task SendOneAsync(Outbound item)
    {
        while (true)
        {
            Task<SocketIOClient.SocketIO> connected;
            lock (_gate)
            {
                connected = _connected.Task;
            }

            await Task.WhenAny(connected, item.Abandoned).WaitAsync(_stop.Token).ConfigureAwait(false);
            if (!connected.IsCompletedSuccessfully)
            {
                if (connected.IsFaulted)
                {
                    item.Completion.TrySetException(connected.Exception!.InnerException!);
                }

                return; // abandoned by its sender (timed out or cancelled), or the channel closed
            }

            var socket = connected.Result;
            if (!socket.Connected && IsStale(socket))
            {
                continue; // dropped just now: the next connection signal is pending already
            }

            if (!item.TryTake())
            {
                return;
            }

            try
            {
                await socket.EmitAsync(item.EventName, _stop.Token, new RawJson(item.Json)).ConfigureAwait(false);
                item.Completion.TrySetResult();
                return;
            }
            catch (Exception ex) when (!_stop.IsCancellationRequested)
            {
                if (IsStale(socket))
                {
                    // The connection went away under the emit: wait for the next one, unless the sender gave up.
                    item.Release();
                    if (item.GaveUp && item.TryTake())
                    {
                        item.Completion.TrySetException(new SignalingException($"The signaling connection was lost while sending '{item.EventName}', and it did not come back within {_options.SendTimeout}.", ex));
                        return;
                    }

                    continue;
                }

                Log.EmitFailed(_logger, LocalUserId, item.EventName, ex);
                item.Completion.TrySetException(new SignalingException($"The signaling transport failed to send '{item.EventName}': {ex.Message}", ex));
                return;
            }
        }
    }

    private bool IsStale(SocketIOClient.SocketIO socket)
    {
        lock (_gate)
        {
            return !ReferenceEquals(socket, _socket);
        }
    }

    private static async Task CloseSocketAsync(SocketIOClient.SocketIO socket)
    {
        try
        {
            if (socket.Connected)
            {
                await socket.DisconnectAsync().ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // Closing a broken connection: nothing more to release than what Dispose releases.
        }
        finally
        {
            socket.Dispose();
        }
    }

    /// <summary>A message waiting to be emitted; either the send loop takes it or its sender abandons it, never both.</summary>
    private sealed class Outbound(string eventName, string json)
    {
        private readonly TaskCompletionSource _abandoned = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _owner; // 0 waiting, 1 taken by the send loop, 2 abandoned by the sender

        public string EventName { get; } = eventName;

        public string Json { get; } = json;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Abandoned => _abandoned.Task;

        public bool TryTake() => Interlocked.CompareExchange(ref _owner, 1, 0) == 0;

        private volatile bool _gaveUp;

        /// <summary>Whether the sender stopped waiting while the send loop held the message.</summary>
        public bool GaveUp => _gaveUp;

        public void GiveUp() => _gaveUp = true;

        /// <summary>Hands a taken message back: its sender may abandon it again.</summary>
        public void Release() => Interlocked.CompareExchange(ref _owner, 0, 1);

        public bool TryAbandon()
        {
            if (Interlocked.CompareExchange(ref _owner, 2, 0) != 0)
            {
                return false;
            }

            _abandoned.TrySetResult();
            return true;
        }
    }
}
