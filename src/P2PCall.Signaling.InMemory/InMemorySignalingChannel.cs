using System.Threading.Channels;
using P2PCall.Core.Signaling;

namespace P2PCall.Signaling.InMemory;

/// <summary>
/// One user's connection to an <see cref="InMemorySignalingHub"/>. Received payloads are parsed with the seed's
/// wire format and raised one at a time, in order, on the channel's own delivery loop; payloads that cannot be
/// read are raised as <see cref="SignalingFormatException"/>s and counted, never thrown.
/// </summary>
public sealed class InMemorySignalingChannel : ISignalingChannel
{
    private readonly InMemorySignalingHub _hub;
    private readonly Channel<Inbound> _inbox = Channel.CreateUnbounded<Inbound>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Queue<Inbound> _delayed = new();
    private readonly HashSet<ITimer> _timers = [];
    private Task? _loop;
    private volatile bool _connected;
    private int _disposed;
    private long _malformed;

    internal InMemorySignalingChannel(InMemorySignalingHub hub, string userId)
    {
        _hub = hub;
        LocalUserId = userId;
    }

    /// <inheritdoc />
    public string LocalUserId { get; }

    /// <inheritdoc />
    public bool IsConnected => _connected;

    /// <summary>Payloads received that could not be read.</summary>
    public long MalformedCount => Interlocked.Read(ref _malformed);

    /// <inheritdoc />
    public event EventHandler<SignalingMessageEventArgs>? MessageReceived;

    /// <inheritdoc />
    public event EventHandler<SignalingErrorEventArgs>? ErrorReceived;

    /// <inheritdoc />
    public Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        _loop ??= Task.Run(DeliverLoopAsync, CancellationToken.None);
        _connected = true;
        _hub.Register(this);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task SendAsync(SignalingMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_connected)
        {
            throw new SignalingException($"The signaling channel of '{LocalUserId}' is not connected.");
        }

        if (message.UserId != LocalUserId)
        {
            // The relay binds identity to the connection: no sending as somebody else.
            throw new SignalingException($"A message from '{message.UserId}' cannot be sent on the channel of '{LocalUserId}'.");
        }

        _hub.Route(this, message);
        return Task.CompletedTask;
    }

    /// <summary>Unregisters from the hub and stops the delivery loop; nothing is raised afterwards.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _connected = false;
        _hub.Unregister(this);
        lock (_delayed)
        {
            foreach (var timer in _timers)
            {
                timer.Dispose();
            }

            _timers.Clear();
            _delayed.Clear();
        }

        _inbox.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop && !_onLoop.Value)
        {
            await loop.ConfigureAwait(false);
            _stop.Dispose(); // only once the loop, which reads its token, has finished
        }
    }

    internal void Replaced() => _connected = false;

    internal void Enqueue(string eventName, string json, TimeSpan delay)
    {
        var item = new Inbound(eventName, json, null, _hub.Time.GetTimestamp(), delay);
        if (delay <= TimeSpan.Zero)
        {
            _inbox.Writer.TryWrite(item);
            return;
        }

        // The delivery timer is armed at send time, so a clock advanced right after the send releases it.
        lock (_delayed)
        {
            if (_disposed != 0)
            {
                return;
            }

            _delayed.Enqueue(item);
            ITimer? timer = null;
            timer = _hub.Time.CreateTimer(_ => ReleaseDue(timer), null, delay, Timeout.InfiniteTimeSpan);
            _timers.Add(timer);
        }
    }

    private void ReleaseDue(ITimer? timer)
    {
        lock (_delayed)
        {
            if (timer is not null)
            {
                _timers.Remove(timer);
                timer.Dispose();
            }

            // Every message has the same delay, so the queue is in due order: release all that are due.
            while (_delayed.TryPeek(out var next) && _hub.Time.GetElapsedTime(next.Timestamp) >= next.Delay)
            {
                _inbox.Writer.TryWrite(_delayed.Dequeue());
            }
        }
    }

    internal void EnqueueError(SignalingException error) =>
        _inbox.Writer.TryWrite(new Inbound(null, null, error, _hub.Time.GetTimestamp(), TimeSpan.Zero));

    private readonly AsyncLocal<bool> _onLoop = new();

    private async Task DeliverLoopAsync()
    {
        _onLoop.Value = true;
        var stop = _stop.Token;
        try
        {
            await foreach (var item in _inbox.Reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                if (stop.IsCancellationRequested)
                {
                    return; // disposed, possibly from a handler of the previous item: raise nothing more
                }

                Raise(item);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private void Raise(Inbound item)
    {
        try
        {
            if (item.Error is { } error)
            {
                ErrorReceived?.Invoke(this, new SignalingErrorEventArgs(error));
                return;
            }

            if (SignalingJson.TryParse(item.EventName!, item.Json!, out var message, out var formatError))
            {
                MessageReceived?.Invoke(this, new SignalingMessageEventArgs(message));
            }
            else
            {
                Interlocked.Increment(ref _malformed);
                ErrorReceived?.Invoke(this, new SignalingErrorEventArgs(formatError));
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A throwing handler must not stop delivery of the next message; handlers should not throw.
            System.Diagnostics.Trace.TraceWarning($"In-memory signaling handler of '{LocalUserId}' threw: {ex}");
        }
    }

    private sealed record Inbound(string? EventName, string? Json, SignalingException? Error, long Timestamp, TimeSpan Delay);
}
