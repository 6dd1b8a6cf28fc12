using System.Net;
using P2PCall.WebRtc.Stun;

namespace P2PCall.WebRtc.Ice;

/// <summary>Receiving: STUN requests (RFC 8445 §7.3) and responses (§7.2.5); everything else is demultiplexed.</summary>
internal sealed partial class IceAgentCore
{
    /// <summary>
    /// Handles a datagram that arrived on base <paramref name="baseId"/>. STUN (RFC 7983: first byte 0-3 and the
    /// magic cookie) is consumed here; anything else from an authenticated peer is for the upper layer.
    /// </summary>
    public IceReceiveResult Receive(int baseId, ReadOnlySpan<byte> datagram, IPEndPoint from, DateTimeOffset now)
    {
        from = Normalize(from);
        if (!StunMessage.LooksLikeStun(datagram))
        {
            if (_authenticatedPeers.Contains(from))
            {
                return IceReceiveResult.Application;
            }

            _counts.UnauthenticatedDataDropped++;
            return IceReceiveResult.Dropped;
        }

        IceLocalBase? b = _bases.Find(x => x.Id == baseId);
        if (State == IceConnectionState.Closed || b is null)
        {
            return IceReceiveResult.Stun;
        }

        if (StunMessage.TryParse(datagram, out StunMessage message) != StunParseResult.Ok)
        {
            _counts.MalformedStun++;
            return IceReceiveResult.Stun;
        }

        if (message.Type.Method != StunMethod.Binding)
        {
            _counts.MalformedStun++;
            return IceReceiveResult.Stun;
        }

        switch (message.Type.Class)
        {
            case StunClass.Request:
                HandleRequest(b, message, from, now);
                break;
            case StunClass.SuccessResponse:
            case StunClass.ErrorResponse:
                HandleResponse(b, message, from, now);
                break;
            default:
                break; // RFC 8445 §11: Binding indications are keepalives; nothing to do.
        }

        return IceReceiveResult.Stun;
    }

    private void HandleRequest(IceLocalBase b, in StunMessage request, IPEndPoint from, DateTimeOffset now)
    {
        // RFC 8445 §7.3 / RFC 8489 §9.1.3: USERNAME must be "localUfrag:remoteUfrag" (only the local part is
        // known before the remote credentials) and MESSAGE-INTEGRITY must verify with the local password.
        bool usernameOk = _remoteKey is null
            ? request.Username.StartsWith(_expectedUsername)
            : request.UsernameEquals(_expectedUsername);
        if (!request.HasUsername || !usernameOk)
        {
            _counts.UsernameMismatches++;
            return;
        }

        if (!request.HasMessageIntegrity || !request.VerifyMessageIntegrity(_localKey))
        {
            _counts.IntegrityFailures++;
            return;
        }

        _counts.RequestsAccepted++;
        if (request.UnknownComprehensionRequiredCount > 0)
        {
            // RFC 8489 §6.3.1.1: 420 listing the comprehension-required attributes we do not understand.
            Span<ushort> unknown = stackalloc ushort[16];
            int n = request.CopyUnknownComprehensionRequired(unknown);
            SendErrorResponse(b, request, from, StunErrorCode.UnknownAttribute, "Unknown Attribute", unknown[..n]);
            return;
        }

        // RFC 8445 §7.3.1.1: role conflicts.
        if (Role == IceRole.Controlling && request.TryGetIceControlling(out ulong theirs))
        {
            if (TieBreaker >= theirs)
            {
                SendErrorResponse(b, request, from, StunErrorCode.RoleConflict, "Role Conflict", default);
                return;
            }

            SwitchRole(IceRole.Controlled);
        }
        else if (Role == IceRole.Controlled && request.TryGetIceControlled(out theirs))
        {
            if (TieBreaker >= theirs)
            {
                SwitchRole(IceRole.Controlling);
            }
            else
            {
                SendErrorResponse(b, request, from, StunErrorCode.RoleConflict, "Role Conflict", default);
                return;
            }
        }

        _authenticatedPeers.Add(from);
        SendSuccessResponse(b, request, from);

        request.TryGetPriority(out uint priority);
        if (_remoteKey is null)
        {
            // RFC 8445 §7.3.1.4 / RFC 8838 §11: answer now, act once the remote credentials arrive.
            if (_pendingRequests.Count < MaxPairs)
            {
                _pendingRequests.Add(new PendingRequest(b, from, priority, request.UseCandidate, request.Username.ToArray()));
            }

            return;
        }

        ProcessRequest(b, from, priority, request.UseCandidate, now);
    }

    private void ProcessRequest(IceLocalBase b, IPEndPoint from, uint priority, bool useCandidate, DateTimeOffset now)
    {
        if (State is IceConnectionState.Failed or IceConnectionState.Closed)
        {
            return;
        }

        // RFC 8445 §7.3.1.3: a source that is no known remote candidate is a peer-reflexive candidate.
        IceRemoteCandidate? remote = FindRemote(from);
        if (remote is null)
        {
            var prflx = new IceCandidate
            {
                Foundation = "prflx" + (++_prflxCount).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Priority = priority,
                Address = from.Address.ToString(),
                Port = from.Port,
                Type = IceCandidateType.PeerReflexive,
            };
            remote = new IceRemoteCandidate(prflx, from);
            _remotes.Add(remote);
        }

        IceCandidatePair? pair = FindPair(b, from) ?? AddPair(b, remote);
        if (pair is null)
        {
            return;
        }

        // RFC 8445 §7.3.1.4: triggered checks.
        switch (pair.State)
        {
            case IceCandidatePairState.Succeeded:
                break;
            case IceCandidatePairState.InProgress:
                CancelActiveCheck(pair, now);
                EnqueueTriggered(pair, front: false);
                break;
            default:
                EnqueueTriggered(pair, front: false);
                break;
        }

        // RFC 8445 §7.3.1.5: USE-CANDIDATE nominates the pair once (or as soon as) it is valid.
        if (useCandidate && Role == IceRole.Controlled)
        {
            if (pair.State == IceCandidatePairState.Succeeded)
            {
                Nominate(pair, now);
            }
            else
            {
                pair.NominateOnSuccess = true;
            }
        }

        MaybeStartChecks(now);
    }

    private void HandleResponse(IceLocalBase b, in StunMessage response, IPEndPoint from, DateTimeOffset now)
    {
        if (!_transactions.TryGetValue(response.TransactionId, out IceTransaction? tx))
        {
            if (_finished.Contains(response.TransactionId))
            {
                return; // a late answer to a retransmission of a finished transaction: harmless
            }

            _counts.UnmatchedResponses++;
            return;
        }

        if (tx.Kind == IceTransactionKind.ServerQuery)
        {
            HandleServerResponse(tx, response, from, now);
            return;
        }

        // RFC 8445 §7.2.5.1: responses are authenticated with the remote password.
        if (_remoteKey is null || !response.HasMessageIntegrity || !response.VerifyMessageIntegrity(_remoteKey))
        {
            _counts.IntegrityFailures++;
            return;
        }

        _counts.ResponsesAccepted++;
        Finish(tx);
        IceCandidatePair pair = tx.Pair!;
        if (pair.ActiveTransaction == tx.Id)
        {
            pair.ActiveTransaction = null;
        }

        // RFC 8445 §7.2.5.2.1: the response must come from where the request went, to the base it left from.
        bool symmetric = from.Equals(tx.Destination) && b == tx.Base;
        if (tx.Kind == IceTransactionKind.Consent)
        {
            if (symmetric && response.Type.Class == StunClass.SuccessResponse)
            {
                // RFC 7675 §5.1: consent refreshed.
                _lastConsentAt = now;
                if (State == IceConnectionState.Disconnected)
                {
                    SetState(IceConnectionState.Connected);
                }
            }

            UpdateState(now);
            return;
        }

        if (!symmetric)
        {
            FailPair(pair, now);
            return;
        }

        if (response.Type.Class == StunClass.ErrorResponse)
        {
            response.TryGetErrorCode(out int code, out _);
            if (code == StunErrorCode.RoleConflict)
            {
                // RFC 8445 §7.2.5.1: switch to the role opposite to the one the request claimed, then retry.
                SwitchRole(tx.SentControlling ? IceRole.Controlled : IceRole.Controlling);
                pair.State = IceCandidatePairState.Waiting;
                EnqueueTriggered(pair, front: true);
            }
            else
            {
                FailPair(pair, now);
            }

            UpdateState(now);
            return;
        }

        // RFC 8445 §7.2.5.3: success. The pair (base, remote) is valid; a new mapped address would be a local
        // peer-reflexive candidate with the same base, so it adds no pair (§6.1.2.4) and is not tracked.
        pair.State = IceCandidatePairState.Succeeded;
        _authenticatedPeers.Add(from);
        if (_firstValidAt is null)
        {
            // RFC 8445 §12.1: data may flow on a valid pair before nomination ends (DTLS starts here).
            _firstValidAt = now;
            _events.Enqueue(new IceEvent(IceEventKind.ValidPair, Pair: new IceSelectedPair(pair.Local.Host, pair.Remote.Candidate)));
        }

        // RFC 8445 §7.2.5.3.3: unfreeze pairs with the same foundation.
        foreach (IceCandidatePair p in _pairs)
        {
            if (p.State == IceCandidatePairState.Frozen && p.Foundation == pair.Foundation)
            {
                p.State = IceCandidatePairState.Waiting;
            }
        }

        if (tx.UseCandidate && Role == IceRole.Controlling)
        {
            Nominate(pair, now); // RFC 8445 §8.1.1: nominated once the USE-CANDIDATE check succeeded.
        }
        else if (pair.NominateOnSuccess && Role == IceRole.Controlled)
        {
            Nominate(pair, now); // RFC 8445 §7.3.1.5
        }

        MaybeNominate(now);
        UpdateState(now);
    }

    private void HandleServerResponse(IceTransaction tx, in StunMessage response, IPEndPoint from, DateTimeOffset now)
    {
        if (!from.Equals(tx.Destination))
        {
            _counts.UnmatchedResponses++;
            return;
        }

        Finish(tx);
        if (response.Type.Class == StunClass.SuccessResponse
            && (response.TryGetXorMappedAddress(out IPEndPoint? mapped) || response.TryGetMappedAddress(out mapped)))
        {
            AddServerReflexive(tx, Normalize(mapped!));
        }

        CheckGatheringComplete();
        UpdateState(now);
    }

    private void AddServerReflexive(IceTransaction tx, IPEndPoint mapped)
    {
        // RFC 8445 §5.1.1.2 / §5.1.3: a srflx candidate equal to its base is redundant.
        if (mapped.Equals(tx.Base.EndPoint))
        {
            return;
        }

        string url = _servers.Find(s => s.Base == tx.Base && s.Server.Equals(tx.Destination)).Url;
        var srflx = new IceCandidate
        {
            Foundation = IcePriority.Foundation(IceCandidateType.ServerReflexive, tx.Base.EndPoint.Address, url),
            Priority = IcePriority.Candidate(IcePriority.ServerReflexiveTypePreference, tx.Base.LocalPreference, 1),
            Address = mapped.Address.ToString(),
            Port = mapped.Port,
            Type = IceCandidateType.ServerReflexive,
            RelatedAddress = tx.Base.EndPoint.Address.ToString(),
            RelatedPort = tx.Base.EndPoint.Port,
            Extensions = tx.Base.Host.Extensions,
        };
        _events.Enqueue(new IceEvent(IceEventKind.LocalCandidate, srflx));
    }

    private void SendSuccessResponse(IceLocalBase b, in StunMessage request, IPEndPoint from)
    {
        // RFC 8445 §7.3.1.2 / RFC 8489 §6.3.1.1: XOR-MAPPED-ADDRESS is the source; signed with the local password.
        Span<byte> buffer = stackalloc byte[128];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingSuccess, request.TransactionId);
        w.AddXorMappedAddress(from);
        w.AddMessageIntegrity(_localKey);
        w.AddFingerprint();
        w.TryComplete(out int length);
        _transmits.Enqueue(new IceTransmit(b.Id, from, buffer[..length].ToArray()));
    }

    private void SendErrorResponse(IceLocalBase b, in StunMessage request, IPEndPoint from, int code, string reason, ReadOnlySpan<ushort> unknown)
    {
        Span<byte> buffer = stackalloc byte[192];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingError, request.TransactionId);
        w.AddErrorCode(code, reason);
        if (!unknown.IsEmpty)
        {
            w.AddUnknownAttributes(unknown);
        }

        w.AddMessageIntegrity(_localKey);
        w.AddFingerprint();
        if (w.TryComplete(out int length))
        {
            _transmits.Enqueue(new IceTransmit(b.Id, from, buffer[..length].ToArray()));
        }
    }

    private void SwitchRole(IceRole role)
    {
        if (Role == role)
        {
            return;
        }

        Role = role;
        _nominating = null;
        foreach (IceCandidatePair p in _pairs)
        {
            p.UseCandidatePending = false;
        }

        ResortPairs(); // RFC 8445 §7.3.1.1: pair priorities depend on the role.
    }
}
