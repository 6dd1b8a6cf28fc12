using System.Buffers.Binary;

namespace P2PCall.WebRtc.Sctp;

/// <summary>
/// Stream reset (RFC 6525), which is how a data channel closes without ending the association (RFC 8831 §6.7):
/// an Outgoing SSN Reset Request for our streams once everything queued on them has a TSN (§5.1.2), and the
/// peer's requests performed once all data before its last assigned TSN has arrived (§5.2.2).
/// </summary>
internal sealed partial class SctpAssociation
{
    private const ushort OutgoingResetRequestParameter = 13;
    private const ushort ResponseParameter = 16;
    private const uint ResultNothingToDo = 0;
    private const uint ResultPerformed = 1;
    private const uint ResultDenied = 2;
    private const uint ResultBadSequenceNumber = 5;
    private const uint ResultInProgress = 6;

    private readonly List<ushort> _resetsWanted = [];
    private uint _nextReconfigRequest;
    private uint _expectedReconfigRequest;
    private uint _lastReconfigResult = ResultPerformed;
    private ReconfigRequest? _reconfigInFlight;
    private ReconfigRequest? _deferredIncoming;
    private ReconfigRequest? _lastPerformed;

    /// <summary>Our outgoing streams were reset (true) or the peer refused (false). Raised outside the lock.</summary>
    public event Action<ushort[], bool>? OutgoingStreamsReset;

    /// <summary>The peer reset its outgoing streams, our incoming ones: every message sent before arrived first.</summary>
    public event Action<ushort[]>? IncomingStreamsReset;

    /// <summary>
    /// Asks to reset our outgoing <paramref name="stream"/>: queued messages are sent first, then the request
    /// (RFC 6525 §5.1.2). Returns false when the peer did not announce RE-CONFIG or the association is not up.
    /// </summary>
    public bool ResetStream(ushort stream)
    {
        lock (_gate)
        {
            if (!PeerSupportsReconfig || _state != State.Established)
            {
                return false;
            }

            if (!_resetsWanted.Contains(stream))
            {
                _resetsWanted.Add(stream);
            }

            TrySendReconfig();
        }

        Deliver();
        return true;
    }

    /// <summary>Sends the next request when none is in flight, for the streams whose queued data all has TSNs.</summary>
    private void TrySendReconfig()
    {
        if (_reconfigInFlight is not null || _resetsWanted.Count == 0 || _state != State.Established)
        {
            return;
        }

        List<ushort>? ready = null;
        foreach (var stream in _resetsWanted)
        {
            if (!HasQueued(stream))
            {
                (ready ??= []).Add(stream);
            }
        }

        if (ready is null)
        {
            return;
        }

        _resetsWanted.RemoveAll(ready.Contains);
        _reconfigInFlight = new ReconfigRequest(_nextReconfigRequest++, _nextTsn - 1, [.. ready]);
        SendResetRequest(_reconfigInFlight);
    }

    private bool HasQueued(ushort stream)
    {
        foreach (var message in _queue)
        {
            if (message.Stream == stream)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>RFC 6525 §4.1: request and response sequence numbers, our last assigned TSN, the streams.</summary>
    private void SendResetRequest(ReconfigRequest request)
    {
        var length = 16 + (2 * request.Streams.Length);
        Span<byte> value = stackalloc byte[(length + 3) & ~3];
        value.Clear();
        BinaryPrimitives.WriteUInt16BigEndian(value, OutgoingResetRequestParameter);
        BinaryPrimitives.WriteUInt16BigEndian(value[2..], (ushort)length);
        BinaryPrimitives.WriteUInt32BigEndian(value[4..], request.Sequence);
        BinaryPrimitives.WriteUInt32BigEndian(value[8..], _expectedReconfigRequest - 1);
        BinaryPrimitives.WriteUInt32BigEndian(value[12..], request.LastTsn);
        for (var i = 0; i < request.Streams.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(value[(16 + (2 * i))..], request.Streams[i]);
        }

        request.Deadline = Deadline(_rto);
        Counters.StreamResetsSent++;
        Reply(SctpChunkType.ReConfig, value);
    }

    /// <summary>
    /// §5.1.1: an unanswered request is retransmitted on the RTO and counts as an association error. One the peer
    /// answered "in progress" is asked again as a new request with the next sequence number, as dcsctp expects.
    /// </summary>
    private void OnReconfigTimer(long now)
    {
        if (_reconfigInFlight is not { } request || now < request.Deadline)
        {
            return;
        }

        if (request.InProgress)
        {
            _reconfigInFlight = request = new ReconfigRequest(_nextReconfigRequest++, request.LastTsn, request.Streams) { FirstSequence = request.FirstSequence };
        }
        else
        {
            CountError();
        }

        if (IsUp)
        {
            SendResetRequest(request);
        }
    }

    private void OnReConfig(ReadOnlySpan<byte> parameters)
    {
        // §3.1: one or two parameters, each TLV padded to 4 bytes.
        while (parameters.Length >= 4)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(parameters);
            var length = BinaryPrimitives.ReadUInt16BigEndian(parameters[2..]);
            if (length < 8 || length > parameters.Length)
            {
                Counters.PacketsDropped++;
                return;
            }

            var value = parameters[4..length];
            switch (type)
            {
                case OutgoingResetRequestParameter when value.Length >= 12 && value.Length % 2 == 0:
                    OnResetRequest(value);
                    break;
                case ResponseParameter when value.Length >= 8:
                    OnResetResponse(BinaryPrimitives.ReadUInt32BigEndian(value), BinaryPrimitives.ReadUInt32BigEndian(value[4..]));
                    break;
                case OutgoingResetRequestParameter or ResponseParameter:
                    Counters.PacketsDropped++;
                    break;
                default:
                    // Incoming, SSN/TSN reset and add-streams requests (§4.2-4.6) are not offered by WebRTC: refused.
                    SendResetResponse(BinaryPrimitives.ReadUInt32BigEndian(value), ResultDenied);
                    break;
            }

            parameters = parameters[Math.Min(parameters.Length, (length + 3) & ~3)..];
        }
    }

    /// <summary>§5.2.2: perform now if all data up to the sender's last TSN arrived, else defer and say "in progress".</summary>
    private void OnResetRequest(ReadOnlySpan<byte> value)
    {
        var sequence = BinaryPrimitives.ReadUInt32BigEndian(value);
        var lastTsn = BinaryPrimitives.ReadUInt32BigEndian(value[8..]);
        if (sequence == _expectedReconfigRequest - 1)
        {
            SendResetResponse(sequence, _lastReconfigResult); // a retransmission of the request we answered (§5.2.1)
            return;
        }

        if (sequence != _expectedReconfigRequest)
        {
            SendResetResponse(sequence, ResultBadSequenceNumber);
            return;
        }

        var streams = new ushort[(value.Length - 12) / 2];
        for (var i = 0; i < streams.Length; i++)
        {
            streams[i] = BinaryPrimitives.ReadUInt16BigEndian(value[(12 + (2 * i))..]);
        }

        // The request is taken (the next one has the next number); a newer one replaces one still deferred.
        _expectedReconfigRequest = sequence + 1;
        if (_lastPerformed is { } done && done.LastTsn == lastTsn && streams.All(done.Streams.Contains))
        {
            // A new attempt of a reset already performed (its sender saw "in progress"): nothing new to reset.
            _lastReconfigResult = ResultPerformed;
            SendResetResponse(sequence, ResultPerformed);
            return;
        }

        Counters.StreamResetsReceived++;
        _deferredIncoming = new ReconfigRequest(sequence, lastTsn, streams);
        if (!PerformDeferredReset())
        {
            _lastReconfigResult = ResultInProgress;
            SendResetResponse(sequence, ResultInProgress);
        }
    }

    /// <summary>Performs the deferred incoming reset once the cumulative TSN reaches its last TSN; answers it.</summary>
    private bool PerformDeferredReset()
    {
        if (_deferredIncoming is not { } request || After(request.LastTsn, _received.Cumulative))
        {
            return false;
        }

        _deferredIncoming = null;
        _lastPerformed = request;
        foreach (var stream in request.Streams)
        {
            _expectedSsn.Remove(stream); // §5.2.2: the next expected SSN of each stream is 0 again
            DropWaiting(stream);
        }

        _lastReconfigResult = ResultPerformed;
        SendResetResponse(request.Sequence, ResultPerformed);
        var streams = request.Streams;
        _deliveries.Add(() => IncomingStreamsReset?.Invoke(streams));
        return true;
    }

    private void OnResetResponse(uint sequence, uint result)
    {
        // A late answer to an earlier attempt of the same request (one answered "in progress") counts too.
        if (_reconfigInFlight is not { } request || After(request.FirstSequence, sequence) || After(sequence, request.Sequence))
        {
            return;
        }

        _errorCount = 0; // answered: the peer is alive
        if (result == ResultInProgress)
        {
            request.InProgress = true;
            request.Deadline = Deadline(_rto); // asked again, as a new request, on the timer
            return;
        }

        _reconfigInFlight = null;
        var performed = result is ResultPerformed or ResultNothingToDo;
        if (performed)
        {
            foreach (var stream in request.Streams)
            {
                _nextSsn.Remove(stream); // §5.1.2: our SSNs of the stream start at 0 again
            }
        }

        var streams = request.Streams;
        _deliveries.Add(() => OutgoingStreamsReset?.Invoke(streams, performed));
        TrySendReconfig();
    }

    private void SendResetResponse(uint sequence, uint result)
    {
        Span<byte> value = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(value, ResponseParameter);
        BinaryPrimitives.WriteUInt16BigEndian(value[2..], 12);
        BinaryPrimitives.WriteUInt32BigEndian(value[4..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(value[8..], result);
        Reply(SctpChunkType.ReConfig, value);
    }

    private sealed class ReconfigRequest(uint sequence, uint lastTsn, ushort[] streams)
    {
        public uint Sequence { get; } = sequence;

        /// <summary>The sequence number of the first attempt of this reset.</summary>
        public uint FirstSequence { get; init; } = sequence;

        public uint LastTsn { get; } = lastTsn;

        public ushort[] Streams { get; } = streams;

        public long Deadline { get; set; }

        /// <summary>The peer answered "in progress": the next attempt is a new request.</summary>
        public bool InProgress { get; set; }
    }

    /// <summary>Ordered messages of a reset stream still held (only possible after a skipped SSN) are discarded.</summary>
    private void DropWaiting(ushort stream)
    {
        List<(ushort, ushort)>? stale = null;
        foreach (var key in _waiting.Keys)
        {
            if (key.Stream == stream)
            {
                (stale ??= []).Add(key);
            }
        }

        foreach (var key in stale ?? [])
        {
            if (_waiting.Remove(key, out var message))
            {
                _bufferedBytes -= message.Data.Length;
            }
        }
    }
}
