using P2PCall.Core.Signaling;
using SocketIOClient;
using SocketIOClient.Transport;

namespace P2PCall.Signaling.SocketIO;

/// <summary>The connection side: one SocketIOClient per connection attempt, reconnection with backoff.</summary>
public sealed partial class SocketIOSignalingChannel
{
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
        ObserveFault(opened.Task); // a disconnect after a timed-out attempt fails it with nobody waiting
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
            ObserveFault(connecting);
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
        if (!socket.Connected)
        {
            // Lost between OnConnected and now: its OnDisconnected found the socket not yet attached and was ignored.
            OnSocketDisconnected(socket, "transport close");
        }
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
}
