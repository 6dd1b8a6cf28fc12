using System.Buffers.Binary;
using System.Security.Cryptography;

namespace P2PCall.WebRtc.Sctp;

/// <summary>Heartbeats (RFC 9260 §8.3) and graceful SHUTDOWN (§9.2).</summary>
internal sealed partial class SctpAssociation
{
    private const ushort HeartbeatInfoParameter = 1;
    private long _lastHeard;
    private long _heartbeatDeadline = long.MaxValue;
    private ulong _heartbeatNonce;
    private bool _heartbeatOutstanding;
    private long _shutdownDeadline = long.MaxValue;

    /// <summary>
    /// Starts a graceful SHUTDOWN (RFC 9260 §9.2): no new messages are accepted, what is queued and outstanding is
    /// delivered first, then SHUTDOWN / SHUTDOWN-ACK / SHUTDOWN-COMPLETE; <see cref="ShutDown"/> is raised at the end.
    /// </summary>
    public void Shutdown()
    {
        lock (_gate)
        {
            if (_state != State.Established)
            {
                return;
            }

            _state = State.ShutdownPending;
            TrySendShutdown();
        }

        Deliver();
    }

    /// <summary>Sends SHUTDOWN (or SHUTDOWN-ACK) once nothing is queued or unacknowledged (§9.2).</summary>
    private void TrySendShutdown()
    {
        if (_state is not (State.ShutdownPending or State.ShutdownReceived) || _queue.Count > 0 || _outstanding.Count > 0)
        {
            return;
        }

        if (_state == State.ShutdownPending)
        {
            _state = State.ShutdownSent;
            SendShutdown();
        }
        else
        {
            _state = State.ShutdownAckSent;
            SendShutdownAck();
        }
    }

    private void SendShutdown()
    {
        Span<byte> value = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(value, _received.Cumulative); // §3.3.8: our cumulative TSN ack
        Reply(SctpChunkType.Shutdown, value);
        _shutdownDeadline = Deadline(_rto);
    }

    private void SendShutdownAck()
    {
        Reply(SctpChunkType.ShutdownAck, []);
        _shutdownDeadline = Deadline(_rto);
    }

    private void OnShutdown(ReadOnlySpan<byte> value)
    {
        if (value.Length < 4)
        {
            Counters.PacketsDropped++;
            return;
        }

        // §9.2: the cumulative TSN ack in SHUTDOWN acknowledges like a SACK without gap blocks.
        Span<byte> sack = stackalloc byte[12];
        sack.Clear();
        value[..4].CopyTo(sack);
        BinaryPrimitives.WriteUInt32BigEndian(sack[4..], (uint)Math.Min(uint.MaxValue, (long)_peerWindow + _flight));
        OnSack(sack);
        switch (_state)
        {
            case State.Established or State.ShutdownPending:
                _state = State.ShutdownReceived;
                TrySendShutdown();
                break;
            case State.ShutdownSent:
                // §9.2: both sides shut down at once: answer with SHUTDOWN-ACK straight away.
                _state = State.ShutdownAckSent;
                SendShutdownAck();
                break;
        }
    }

    private void OnShutdownAck()
    {
        if (_state is State.ShutdownSent or State.ShutdownAckSent)
        {
            Reply(SctpChunkType.ShutdownComplete, []);
            Finish();
        }
    }

    private void OnShutdownComplete()
    {
        if (_state == State.ShutdownAckSent)
        {
            Finish();
        }
    }

    private void Finish()
    {
        _state = State.ShutDown;
        _shutdownDeadline = long.MaxValue;
        _deliveries.Add(() => ShutDown?.Invoke());
    }

    /// <summary>§9.2 T2-shutdown: resend SHUTDOWN or SHUTDOWN-ACK on the RTO, counting errors.</summary>
    private void OnShutdownTimer(long now)
    {
        if (now < _shutdownDeadline || _state is not (State.ShutdownSent or State.ShutdownAckSent))
        {
            return;
        }

        CountError();
        _rto = Min(_rto * 2, _options.RtoMax);
        if (_state == State.ShutdownSent)
        {
            SendShutdown();
        }
        else if (_state == State.ShutdownAckSent)
        {
            SendShutdownAck();
        }
    }

    /// <summary>§8.3: a HEARTBEAT every HB.interval; one unanswered within the RTO counts as an error.</summary>
    private void OnHeartbeatTimer(long now)
    {
        if (_heartbeatDeadline == long.MaxValue)
        {
            _heartbeatDeadline = Deadline(_options.HeartbeatInterval);
            return;
        }

        if (now < _heartbeatDeadline)
        {
            return;
        }

        if (_heartbeatOutstanding)
        {
            // §8.3: an unanswered HEARTBEAT counts one error and backs the RTO off; the next goes an interval later.
            CountError();
            _rto = Min(_rto * 2, _options.RtoMax);
            if (!IsUp)
            {
                return;
            }
        }

        // Heartbeat Info (§3.3.5): our send time and a nonce, echoed back unchanged.
        _heartbeatNonce = BinaryPrimitives.ReadUInt64LittleEndian(RandomNumberGenerator.GetBytes(8));
        Span<byte> value = stackalloc byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(value, HeartbeatInfoParameter);
        BinaryPrimitives.WriteUInt16BigEndian(value[2..], 20);
        BinaryPrimitives.WriteInt64BigEndian(value[4..], now);
        BinaryPrimitives.WriteUInt64BigEndian(value[12..], _heartbeatNonce);
        Reply(SctpChunkType.Heartbeat, value);
        Counters.HeartbeatsSent++;
        _heartbeatOutstanding = true;
        _heartbeatDeadline = Deadline(_options.HeartbeatInterval + _rto);
    }

    private void OnHeartbeatAck(ReadOnlySpan<byte> value)
    {
        if (OnProbeAck(value))
        {
            return;
        }

        if (value.Length < 20 || BinaryPrimitives.ReadUInt16BigEndian(value) != HeartbeatInfoParameter ||
            BinaryPrimitives.ReadUInt64BigEndian(value[12..]) != _heartbeatNonce || !_heartbeatOutstanding)
        {
            Counters.PacketsDropped++;
            return;
        }

        Counters.HeartbeatAcksReceived++;
        _heartbeatOutstanding = false;
        _errorCount = 0; // §8.3: an answered heartbeat clears the error count
        UpdateRto(_time.GetElapsedTime(BinaryPrimitives.ReadInt64BigEndian(value[4..])));
        _heartbeatDeadline = Deadline(_options.HeartbeatInterval);
        if (_t3Deadline != long.MaxValue && _t3Deadline > Deadline(_rto))
        {
            RestartT3(); // the path answers again: a backed-off T3 need not wait out its old RTO
        }
    }
}
