using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2PCall.Core.Signaling;

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
    private int _unsent;
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

    /// <summary>The channel's background loops, for tests that check nothing outlives <see cref="DisposeAsync"/>.</summary>
    internal IEnumerable<Task> BackgroundTasks =>
        new[] { _receiveLoop, _sendLoop, _reconnectLoop }.Where(t => t is not null).Select(t => t!);

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
        // Counted from the send until it completes, so the message the send loop holds while it waits for the
        // connection counts too (the bounded queue alone would let one more in).
        if (Interlocked.Increment(ref _unsent) > _options.SendQueueLimit || !_outbox.Writer.TryWrite(item))
        {
            Interlocked.Decrement(ref _unsent);
            throw new SignalingException($"The signaling channel of '{LocalUserId}' is disconnected and {_options.SendQueueLimit} messages already wait: '{message.EventName}' not sent.");
        }

        try
        {
            await WaitSentAsync(item, message, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _unsent);
        }
    }

    private async Task WaitSentAsync(Outbound item, SignalingMessage message, CancellationToken cancellationToken)
    {
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

    private static TaskCompletionSource<SocketIOClient.SocketIO> NewConnectedSignal()
    {
        var signal = new TaskCompletionSource<SocketIOClient.SocketIO>(TaskCreationOptions.RunContinuationsAsynchronously);
        ObserveFault(signal.Task); // it may fail (closed, disposed) when nobody waits for it
        return signal;
    }

    /// <summary>Marks a task's failure as observed, so that one nobody awaits does not raise UnobservedTaskException.</summary>
    private static void ObserveFault(Task task) =>
        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
