using System.Net;
using P2PCall.WebRtc.Net;

namespace P2PCall.WebRtc.Ice;

/// <summary>The edge's output side: sending what the core queued, the timer, and ordered event dispatch.</summary>
public sealed partial class IceAgent
{
    /// <summary>Sends what the core queued, reschedules the timer and raises events, all outside the lock.</summary>
    private void Pump(bool afterDispose = false)
    {
        List<(IDatagramSocket Socket, IceTransmit Transmit)>? sends = null;
        bool dispatch = false;
        TimeSpan due = Timeout.InfiniteTimeSpan;
        lock (_gate)
        {
            // Run whatever is already due here rather than through a zero-delay timer.
            for (int i = 0; i < 8 && !afterDispose; i++)
            {
                DateTimeOffset now = _time.GetUtcNow();
                if (_core.NextTimeout is not DateTimeOffset next || next > now)
                {
                    break;
                }

                _core.OnTimeout(now);
            }

            while (_core.TryDequeueTransmit(out IceTransmit t))
            {
                if (_sockets.TryGetValue(t.BaseId, out IDatagramSocket? socket))
                {
                    (sends ??= []).Add((socket, t));
                }
            }

            while (_core.TryDequeueEvent(out IceEvent e))
            {
                _pendingEvents.Enqueue(e);
            }

            if (!afterDispose)
            {
                _sendPath = _core.TryGetSendPath(out int baseId, out IPEndPoint? remote) && _sockets.TryGetValue(baseId, out IDatagramSocket? s)
                    ? (_sendPath is { } old && old.Socket == s && old.Remote.Equals(remote) ? old : new SendPath(s, remote!))
                    : null;
                if (_held.Count > 0)
                {
                    if (_sendPath is { } path)
                    {
                        while (_held.TryDequeue(out byte[]? datagram))
                        {
                            (sends ??= []).Add((path.Socket, new IceTransmit(baseId, path.Remote, datagram)));
                        }
                    }
                    else if (_core.State is not (IceConnectionState.New or IceConnectionState.Checking))
                    {
                        _held.Clear(); // failed or closed before any pair was valid
                    }
                }
                if (_core.NextTimeout is DateTimeOffset next)
                {
                    due = next - _time.GetUtcNow();
                    if (due < TimeSpan.FromMilliseconds(1))
                    {
                        due = TimeSpan.FromMilliseconds(1);
                    }
                }

                if (Volatile.Read(ref _disposed) == 0)
                {
                    // Under the lock so concurrent pumps cannot leave a stale deadline; due >= 1 ms, so no
                    // TimeProvider runs the callback synchronously here.
                    _timer.Change(due, Timeout.InfiniteTimeSpan);
                }
            }

            if (!_dispatching && _pendingEvents.Count > 0)
            {
                _dispatching = true;
                dispatch = true;
            }
        }

        if (sends is not null)
        {
            foreach ((IDatagramSocket socket, IceTransmit t) in sends)
            {
                socket.Send(t.Datagram, t.Remote);
            }
        }

        if (dispatch)
        {
            DispatchEvents();
        }
    }

    /// <summary>Raises queued events one at a time; only one thread dispatches, so order is kept.</summary>
    private void DispatchEvents()
    {
        while (true)
        {
            IceEvent e;
            lock (_gate)
            {
                if (!_pendingEvents.TryDequeue(out e))
                {
                    _dispatching = false;
                    return;
                }
            }

            try
            {
                Raise(e);
            }
            catch
            {
                lock (_gate)
                {
                    _dispatching = false;
                }

                throw;
            }
        }
    }

    private void Raise(IceEvent e)
    {
        switch (e.Kind)
        {
            case IceEventKind.LocalCandidate:
                LocalCandidate?.Invoke(this, new IceCandidateEventArgs(e.Candidate));
                break;
            case IceEventKind.ConnectionState:
                ConnectionStateChanged?.Invoke(this, new IceConnectionStateEventArgs(e.State));
                break;
            case IceEventKind.SelectedPair:
                SelectedPairChanged?.Invoke(this, new IceSelectedPairEventArgs(e.Pair!));
                break;
            case IceEventKind.GatheringState:
                GatheringStateChanged?.Invoke(this, new IceGatheringStateEventArgs(e.Gathering));
                break;
            case IceEventKind.ValidPair:
                ValidPairFound?.Invoke(this, new IceSelectedPairEventArgs(e.Pair!));
                break;
        }
    }
}
