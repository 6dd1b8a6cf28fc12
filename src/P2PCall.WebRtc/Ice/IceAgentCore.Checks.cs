using System.Net;
using P2PCall.WebRtc.Stun;

namespace P2PCall.WebRtc.Ice;

/// <summary>Sending: paced checks, triggered checks, retransmissions, nomination and consent (timers as data).</summary>
internal sealed partial class IceAgentCore
{
    /// <summary>The earliest time <see cref="OnTimeout"/> has work to do, or null when nothing is scheduled.</summary>
    public DateTimeOffset? NextTimeout
    {
        get
        {
            if (State == IceConnectionState.Closed)
            {
                return null;
            }

            DateTimeOffset? next = null;
            foreach (IceTransaction t in _transactions.Values)
            {
                next = Min(next, t.Deadline);
            }

            if (HasTriggeredWork())
            {
                next = DateTimeOffset.MinValue; // triggered checks are not paced (see OnTimeout)
            }
            else if (HasCheckWork())
            {
                next = Min(next, _nextCheckAt);
            }

            if (AssumedEndOfCandidatesAt is DateTimeOffset assumed)
            {
                next = Min(next, assumed);
            }

            if (Role == IceRole.Controlling && Selected is null && _nominating is null && _firstValidAt is DateTimeOffset first && BestValidPair() is not null)
            {
                next = Min(next, first + _options.NominationTimeout);
            }

            if (Selected is not null && State is IceConnectionState.Connected or IceConnectionState.Completed or IceConnectionState.Disconnected)
            {
                next = Min(next, _nextConsentAt);
                next = Min(next, State == IceConnectionState.Disconnected
                    ? _lastConsentAt + _options.ConsentTimeout
                    : _lastConsentAt + _options.DisconnectedTimeout);
            }

            return next;
        }
    }

    /// <summary>Runs what is due at <paramref name="now"/>: retransmissions, the pacer (Ta), nomination and consent.</summary>
    public void OnTimeout(DateTimeOffset now)
    {
        if (State == IceConnectionState.Closed)
        {
            return;
        }

        if (AssumedEndOfCandidatesAt <= now)
        {
            _remoteEndOfCandidates = true; // the peer's signaling never sends end-of-candidates (IceAgentOptions)
        }

        RunRetransmissions(now);
        SendTriggeredChecks(now);
        if (now >= _nextCheckAt && HasCheckWork())
        {
            // RFC 8445 §6.1.4.2: one ordinary check per Ta.
            if (SendNextCheck(now))
            {
                _nextCheckAt = now + _options.Ta;
            }
        }

        MaybeNominate(now);
        SendTriggeredChecks(now);
        RunConsent(now);
        UpdateState(now);
    }

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset b) => a is null || b < a ? b : a;

    private bool HasCheckWork()
    {
        if (_remoteKey is null || State is IceConnectionState.Failed or IceConnectionState.Closed)
        {
            return false;
        }

        // After nomination only triggered checks are sent (RFC 8445 §8.1.2: the checklist is done).
        return Selected is null && _pairs.Exists(p => p.State is IceCandidatePairState.Waiting or IceCandidatePairState.Frozen);
    }

    private bool HasTriggeredWork() =>
        _triggered.Count > 0 && _remoteKey is not null && State is not (IceConnectionState.Failed or IceConnectionState.Closed);

    /// <summary>
    /// Sends every queued triggered check now. RFC 8445 §6.1.4.2 paces them with the ordinary checks; we do not:
    /// each one answers an authenticated check the peer paced itself (§7.3.1.4), retries a role conflict
    /// (§7.2.5.1) or nominates a pair already valid (§8.1.1), so they cannot burst beyond the peer's own pacing,
    /// and waiting Ta for them only delays the pair both sides are about to use.
    /// </summary>
    private void SendTriggeredChecks(DateTimeOffset now)
    {
        if (!HasTriggeredWork())
        {
            return;
        }

        while (_triggered.First is { } node)
        {
            _triggered.RemoveFirst();
            IceCandidatePair pair = node.Value;
            if (pair.State != IceCandidatePairState.InProgress && (pair.State != IceCandidatePairState.Succeeded || pair.UseCandidatePending))
            {
                SendCheck(pair, now);
            }
        }
    }

    private bool SendNextCheck(DateTimeOffset now)
    {
        if (Selected is not null)
        {
            return false;
        }

        IceCandidatePair? next = _pairs.Find(p => p.State == IceCandidatePairState.Waiting);
        if (next is null)
        {
            // RFC 8445 §6.1.4.2: no Waiting pair, so unfreeze the best Frozen pair whose foundation has no
            // Waiting or In-Progress pair.
            next = _pairs.Find(p => p.State == IceCandidatePairState.Frozen
                && !_pairs.Exists(o => o.Foundation == p.Foundation && o.State is IceCandidatePairState.Waiting or IceCandidatePairState.InProgress));
            next ??= _pairs.Find(p => p.State == IceCandidatePairState.Frozen);
        }

        if (next is null)
        {
            return false;
        }

        SendCheck(next, now);
        return true;
    }

    private void SendCheck(IceCandidatePair pair, DateTimeOffset now)
    {
        bool useCandidate = pair.UseCandidatePending && Role == IceRole.Controlling;
        IceTransaction tx = BuildRequest(IceTransactionKind.Check, pair, useCandidate, _options.MaxTransmissions);
        pair.State = IceCandidatePairState.InProgress;
        pair.ActiveTransaction = tx.Id;
        _counts.ChecksSent++;
        StartTransaction(tx, now);
    }

    /// <summary>RFC 8445 §7.2.4 / §7.1: a Binding request with USERNAME, PRIORITY, the role attribute, MESSAGE-INTEGRITY and FINGERPRINT.</summary>
    private IceTransaction BuildRequest(IceTransactionKind kind, IceCandidatePair pair, bool useCandidate, int maxTransmissions)
    {
        var id = StunTransactionId.NewRandom();
        Span<byte> buffer = stackalloc byte[256 + 520];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingRequest, id);
        w.AddUsername(_outgoingUsername);

        // RFC 8445 §7.1.1: the priority a peer-reflexive candidate from this base would have.
        w.AddPriority(IcePriority.Candidate(IcePriority.PeerReflexiveTypePreference, pair.Local.LocalPreference, 1));
        bool controlling = Role == IceRole.Controlling;
        if (controlling)
        {
            w.AddIceControlling(TieBreaker);
        }
        else
        {
            w.AddIceControlled(TieBreaker);
        }

        if (useCandidate)
        {
            w.AddUseCandidate();
        }

        w.AddMessageIntegrity(_remoteKey);
        w.AddFingerprint();
        w.TryComplete(out int length);
        return new IceTransaction(kind, id, pair.Local, pair.Remote.EndPoint, buffer[..length].ToArray())
        {
            Pair = pair,
            UseCandidate = useCandidate,
            SentControlling = controlling,
            MaxTransmissions = maxTransmissions,
        };
    }

    private void StartTransaction(IceTransaction tx, DateTimeOffset now)
    {
        tx.Rto = _options.InitialRto;
        tx.Deadline = now + tx.Rto;
        _transactions[tx.Id] = tx;
        _transmits.Enqueue(new IceTransmit(tx.Base.Id, tx.Destination, tx.Request));
    }

    private void RunRetransmissions(DateTimeOffset now)
    {
        List<IceTransaction>? due = null;
        foreach (IceTransaction t in _transactions.Values)
        {
            if (t.Deadline <= now)
            {
                (due ??= []).Add(t);
            }
        }

        if (due is null)
        {
            return;
        }

        foreach (IceTransaction t in due)
        {
            if (!t.Cancelled && t.Transmissions < t.MaxTransmissions)
            {
                // RFC 8489 §6.2.1: retransmit with the RTO doubled (capped at MaxRto).
                t.Transmissions++;
                t.Rto = TimeSpan.FromTicks(Math.Min(t.Rto.Ticks * 2, _options.MaxRto.Ticks));
                t.Deadline = now + t.Rto;
                _counts.Retransmissions++;
                _transmits.Enqueue(new IceTransmit(t.Base.Id, t.Destination, t.Request));
                continue;
            }

            // The transaction timed out.
            Finish(t);
            if (t.Kind == IceTransactionKind.Check && t.Pair is { } pair && pair.ActiveTransaction == t.Id)
            {
                pair.ActiveTransaction = null;
                FailPair(pair, now); // RFC 8445 §7.2.5.2.2
            }
            else if (t.Kind == IceTransactionKind.ServerQuery)
            {
                CheckGatheringComplete();
            }
        }
    }

    /// <summary>Removes a transaction, remembering its id for a while so late duplicate answers are not counted as strays.</summary>
    private void Finish(IceTransaction tx)
    {
        _transactions.Remove(tx.Id);
        if (_finished.Add(tx.Id))
        {
            _finishedOrder.Enqueue(tx.Id);
            if (_finishedOrder.Count > 64)
            {
                _finished.Remove(_finishedOrder.Dequeue());
            }
        }
    }

    private void FailPair(IceCandidatePair pair, DateTimeOffset now)
    {
        pair.State = IceCandidatePairState.Failed;
        if (pair == _nominating)
        {
            _nominating = null;
            pair.UseCandidatePending = false;
        }

        UpdateState(now);
    }

    private void CancelActiveCheck(IceCandidatePair pair, DateTimeOffset now)
    {
        // RFC 8445 §7.3.1.4: stop retransmitting, but wait a transaction timeout for a response; the pair
        // goes back to Waiting.
        if (pair.ActiveTransaction is { } id && _transactions.TryGetValue(id, out IceTransaction? tx))
        {
            tx.Cancelled = true;
            tx.Deadline = now + _options.MaxRto;
        }

        pair.ActiveTransaction = null;
        pair.State = IceCandidatePairState.Waiting;
    }

    private void EnqueueTriggered(IceCandidatePair pair, bool front)
    {
        if (pair.State is IceCandidatePairState.Frozen or IceCandidatePairState.Failed)
        {
            pair.State = IceCandidatePairState.Waiting;
        }

        if (_triggered.Contains(pair))
        {
            if (!front)
            {
                return;
            }

            _triggered.Remove(pair);
        }

        if (front)
        {
            _triggered.AddFirst(pair);
        }
        else
        {
            _triggered.AddLast(pair);
        }
    }

    /// <summary>
    /// RFC 8445 §8.1.1 regular nomination: once the best valid pair cannot be beaten by a pair still being
    /// checked (or <see cref="IceAgentOptions.NominationTimeout"/> after the first valid pair), check it again
    /// with USE-CANDIDATE.
    /// </summary>
    private void MaybeNominate(DateTimeOffset now)
    {
        if (Role != IceRole.Controlling || Selected is not null || _nominating is not null || State is IceConnectionState.Failed or IceConnectionState.Closed)
        {
            return;
        }

        IceCandidatePair? best = BestValidPair();
        if (best is null)
        {
            return;
        }

        bool betterPending = _pairs.Exists(p => p.Priority > best.Priority
            && p.State is IceCandidatePairState.Frozen or IceCandidatePairState.Waiting or IceCandidatePairState.InProgress);
        if (betterPending && now < _firstValidAt + _options.NominationTimeout)
        {
            return;
        }

        _nominating = best;
        best.UseCandidatePending = true;
        EnqueueTriggered(best, front: true);
    }

    private void Nominate(IceCandidatePair pair, DateTimeOffset now)
    {
        pair.Nominated = true;
        pair.UseCandidatePending = false;
        if (pair == _nominating)
        {
            _nominating = null;
        }

        // RFC 8445 §8.1.1: the highest-priority nominated pair is selected.
        if (Selected is not null && Selected.Priority >= pair.Priority)
        {
            return;
        }

        bool first = Selected is null;
        Selected = pair;
        _events.Enqueue(new IceEvent(IceEventKind.SelectedPair, Pair: new IceSelectedPair(pair.Local.Host, pair.Remote.Candidate)));
        if (first)
        {
            _lastConsentAt = now;
            _nextConsentAt = now + NextConsentDelay();
        }

        if (State is IceConnectionState.New or IceConnectionState.Checking)
        {
            SetState(IceConnectionState.Connected);
        }

        UpdateState(now);
    }

    private TimeSpan NextConsentDelay() =>
        TimeSpan.FromTicks((long)(_options.ConsentInterval.Ticks * (0.8 + (0.4 * _random.NextDouble())))); // RFC 7675 §5.1: ±20 %

    private void RunConsent(DateTimeOffset now)
    {
        if (Selected is not { } pair || State is not (IceConnectionState.Connected or IceConnectionState.Completed or IceConnectionState.Disconnected))
        {
            return;
        }

        if (now - _lastConsentAt >= _options.ConsentTimeout)
        {
            // RFC 7675 §5.1: consent expired; stop sending and fail.
            SetState(IceConnectionState.Failed);
            foreach (IceTransaction t in _transactions.Values.Where(t => t.Kind != IceTransactionKind.ServerQuery).ToList())
            {
                _transactions.Remove(t.Id);
            }

            _triggered.Clear();
            return;
        }

        if (now - _lastConsentAt >= _options.DisconnectedTimeout && State != IceConnectionState.Disconnected)
        {
            SetState(IceConnectionState.Disconnected);
        }

        if (now >= _nextConsentAt)
        {
            // RFC 7675 §5.1: a Binding request on the selected pair; a single transmission, the 30 s window absorbs loss.
            IceTransaction tx = BuildRequest(IceTransactionKind.Consent, pair, useCandidate: false, maxTransmissions: 1);
            StartTransaction(tx, now);
            tx.Deadline = now + _options.ConsentInterval;
            _nextConsentAt = now + NextConsentDelay();
        }
    }

    internal IPEndPoint? SelectedRemoteEndPoint => Selected?.Remote.EndPoint;
}
