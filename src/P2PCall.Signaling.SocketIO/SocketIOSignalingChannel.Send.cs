using P2PCall.Core.Signaling;

namespace P2PCall.Signaling.SocketIO;

/// <summary>The send side: one loop emits queued messages in order, whenever a connection is up.</summary>
public sealed partial class SocketIOSignalingChannel
{
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
