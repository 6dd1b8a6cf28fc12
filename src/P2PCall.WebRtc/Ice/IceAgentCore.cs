using System.Net;
using System.Net.Sockets;
using System.Text;
using P2PCall.WebRtc.Stun;

namespace P2PCall.WebRtc.Ice;

/// <summary>A datagram the core wants sent from one of the edge's sockets.</summary>
/// <param name="BaseId">The socket (base) to send from.</param>
/// <param name="Remote">The destination.</param>
/// <param name="Datagram">The bytes.</param>
internal readonly record struct IceTransmit(int BaseId, IPEndPoint Remote, byte[] Datagram);

/// <summary>Something the edge raises as an event, in order.</summary>
/// <param name="Kind">Which event.</param>
/// <param name="Candidate">For a local candidate (null at end of gathering).</param>
/// <param name="State">For a connection state change.</param>
/// <param name="Pair">For a selected pair change.</param>
/// <param name="Gathering">For a gathering state change.</param>
internal readonly record struct IceEvent(IceEventKind Kind, IceCandidate? Candidate = null, IceConnectionState State = default, IceSelectedPair? Pair = null, IceGatheringState Gathering = default);

/// <summary>Kinds of <see cref="IceEvent"/>.</summary>
internal enum IceEventKind
{
    /// <summary>A local candidate, or null for the end of gathering.</summary>
    LocalCandidate,

    /// <summary>The connection state changed.</summary>
    ConnectionState,

    /// <summary>The selected pair changed.</summary>
    SelectedPair,

    /// <summary>The gathering state changed.</summary>
    GatheringState,

    /// <summary>The first pair became valid (sent once, possibly before nomination).</summary>
    ValidPair,
}

/// <summary>What <see cref="IceAgentCore.Receive"/> decided about a datagram.</summary>
internal enum IceReceiveResult
{
    /// <summary>A STUN message, consumed (or dropped and counted).</summary>
    Stun,

    /// <summary>Not STUN, from an authenticated peer: hand it to the upper layer (RFC 7983 demux).</summary>
    Application,

    /// <summary>Not STUN and from an address that never authenticated: dropped and counted.</summary>
    Dropped,
}

/// <summary>
/// The sans-I/O ICE agent (RFC 8445 full agent, one component, UDP; RFC 8838 trickle; RFC 7675 consent).
/// Datagrams and time go in; datagrams to send (<see cref="TryDequeueTransmit"/>), events
/// (<see cref="TryDequeueEvent"/>) and the next deadline (<see cref="NextTimeout"/>) come out. Not thread-safe:
/// the edge serialises calls. Only authenticated STUN changes state (except STUN-server answers, which are
/// matched by transaction id and source address).
/// </summary>
internal sealed partial class IceAgentCore
{
    private const int MaxPairs = 100; // RFC 8445 §6.1.2.5: limit the checklist size.

    private readonly IceAgentOptions _options;
    private readonly Random _random;
    private readonly byte[] _localKey;
    private readonly List<IceLocalBase> _bases = [];
    private readonly List<IceRemoteCandidate> _remotes = [];
    private readonly List<IceCandidatePair> _pairs = [];
    private readonly LinkedList<IceCandidatePair> _triggered = new();
    private readonly Dictionary<StunTransactionId, IceTransaction> _transactions = [];
    private readonly HashSet<IPEndPoint> _authenticatedPeers = [];
    private readonly HashSet<StunTransactionId> _finished = [];
    private readonly Queue<StunTransactionId> _finishedOrder = new();
    private readonly List<PendingRequest> _pendingRequests = [];
    private readonly Queue<IceTransmit> _transmits = new();
    private readonly Queue<IceEvent> _events = new();
    private readonly List<(IceLocalBase Base, IPEndPoint Server, string Url)> _servers = [];
    private CounterFields _counts;
    private byte[]? _remoteKey;
    private byte[] _expectedUsername;
    private byte[] _outgoingUsername = [];
    private bool _basesComplete;
    private bool _remoteEndOfCandidates;
    private DateTimeOffset _lastRemoteCandidateAt;
    private bool _checksStarted;
    private int _prflxCount;
    private DateTimeOffset _nextCheckAt = DateTimeOffset.MinValue;
    private DateTimeOffset? _firstValidAt;
    private IceCandidatePair? _nominating;
    private DateTimeOffset _lastConsentAt;
    private DateTimeOffset _nextConsentAt;

    /// <summary>Creates the core.</summary>
    public IceAgentCore(IceAgentOptions options)
    {
        _options = options;
        _random = options.RandomSeed is int seed ? new Random(seed) : new Random();
        Role = options.Controlling ? IceRole.Controlling : IceRole.Controlled;
        LocalUfrag = options.LocalUfrag ?? IceCredentials.NewUfrag();
        LocalPassword = options.LocalPassword ?? IceCredentials.NewPassword();

        // RFC 8489 §9.1: the short-term key is the password (after OpaqueString, a no-op for ice-chars).
        _localKey = Encoding.UTF8.GetBytes(LocalPassword);
        _expectedUsername = Encoding.UTF8.GetBytes(LocalUfrag + ":");
        // RFC 8445 §7.1.3: a random 64-bit tie-breaker (seeded only in tests).
        TieBreaker = options.RandomSeed is null
            ? BitConverter.ToUInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8))
            : (ulong)_random.NextInt64() ^ ((ulong)_random.Next() << 63);
    }

    /// <summary>Mutable counters (no allocation per packet); <see cref="Counters"/> snapshots them.</summary>
    private struct CounterFields
    {
        public long RequestsAccepted;
        public long ResponsesAccepted;
        public long MalformedStun;
        public long IntegrityFailures;
        public long UsernameMismatches;
        public long UnmatchedResponses;
        public long UnauthenticatedDataDropped;
        public long RemoteCandidatesIgnored;
        public long ChecksSent;
        public long Retransmissions;
    }

    private readonly record struct PendingRequest(IceLocalBase Base, IPEndPoint From, uint Priority, bool UseCandidate, byte[] Username);

    /// <summary>The local ufrag.</summary>
    public string LocalUfrag { get; }

    /// <summary>The local password.</summary>
    public string LocalPassword { get; }

    /// <summary>The current role (it may change on a role conflict, RFC 8445 §7.3.1.1).</summary>
    public IceRole Role { get; private set; }

    /// <summary>The 64-bit tie-breaker (RFC 8445 §7.1.3).</summary>
    public ulong TieBreaker { get; internal set; }

    /// <summary>The connection state.</summary>
    public IceConnectionState State { get; private set; }

    /// <summary>The gathering state.</summary>
    public IceGatheringState GatheringState { get; private set; }

    /// <summary>The selected pair, once nominated.</summary>
    public IceCandidatePair? Selected { get; private set; }

    /// <summary>A snapshot of the counters.</summary>
    public IceAgentCounters Counters => new()
    {
        RequestsAccepted = _counts.RequestsAccepted,
        ResponsesAccepted = _counts.ResponsesAccepted,
        MalformedStun = _counts.MalformedStun,
        IntegrityFailures = _counts.IntegrityFailures,
        UsernameMismatches = _counts.UsernameMismatches,
        UnmatchedResponses = _counts.UnmatchedResponses,
        UnauthenticatedDataDropped = _counts.UnauthenticatedDataDropped,
        RemoteCandidatesIgnored = _counts.RemoteCandidatesIgnored,
        ChecksSent = _counts.ChecksSent,
        Retransmissions = _counts.Retransmissions,
    };

    /// <summary>The pairs, highest priority first (for tests and stats).</summary>
    public IReadOnlyList<IceCandidatePair> Pairs => _pairs;

    /// <summary>Whether some pair has become valid (RFC 8445 §7.2.5.3.2), so data can be sent before nomination.</summary>
    public bool HasValidPair => _firstValidAt is not null && State is not (IceConnectionState.Failed or IceConnectionState.Closed);

    /// <summary>Whether remote credentials are known.</summary>
    public bool HasRemoteCredentials => _remoteKey is not null;

    /// <summary>Dequeues a datagram to send.</summary>
    public bool TryDequeueTransmit(out IceTransmit transmit) => _transmits.TryDequeue(out transmit);

    /// <summary>Dequeues an event to raise.</summary>
    public bool TryDequeueEvent(out IceEvent e) => _events.TryDequeue(out e);

    /// <summary>
    /// Adds a bound socket as a base and gathers its host candidate (RFC 8445 §5.1.1.1). Local preference falls
    /// with each base, so the first address (IPv4 first) is preferred.
    /// </summary>
    public IceCandidate AddLocalBase(int id, IPEndPoint endPoint, DateTimeOffset now)
    {
        int localPreference = Math.Max(0, 65535 - (_bases.Count * 256));
        var host = new IceCandidate
        {
            Foundation = IcePriority.Foundation(IceCandidateType.Host, endPoint.Address, null),
            Component = 1,
            Priority = IcePriority.Candidate(IcePriority.HostTypePreference, localPreference, 1),
            Address = endPoint.Address.ToString(),
            Port = endPoint.Port,
            Type = IceCandidateType.Host,
            Extensions = LocalExtensions(_bases.Count + 1),
        };
        var localBase = new IceLocalBase(id, endPoint, localPreference, host);
        _bases.Add(localBase);
        SetGathering(IceGatheringState.Gathering);
        _events.Enqueue(new IceEvent(IceEventKind.LocalCandidate, host));
        foreach (IceRemoteCandidate remote in _remotes)
        {
            AddPair(localBase, remote);
        }

        MaybeStartChecks(now);
        return host;
    }

    /// <summary>
    /// Sends a Binding request from every base to every STUN server of the same family, for server-reflexive
    /// candidates (RFC 8445 §5.1.1.2). Call after the bases are added.
    /// </summary>
    public void AddStunServer(IPEndPoint server, string url, DateTimeOffset now)
    {
        Span<byte> buffer = stackalloc byte[64];
        foreach (IceLocalBase b in _bases)
        {
            if (b.EndPoint.AddressFamily != server.AddressFamily)
            {
                continue;
            }

            _servers.Add((b, server, url));
            var id = StunTransactionId.NewRandom();
            var w = new StunMessageWriter(buffer, StunMessageType.BindingRequest, id);
            w.AddFingerprint();
            w.TryComplete(out int length);
            StartTransaction(new IceTransaction(IceTransactionKind.ServerQuery, id, b, server, buffer[..length].ToArray())
            {
                MaxTransmissions = _options.MaxTransmissions,
            }, now);
        }
    }

    /// <summary>No more bases will be added; gathering completes once the STUN servers answered or timed out.</summary>
    public void CompleteLocalBases(DateTimeOffset now)
    {
        _basesComplete = true;
        CheckGatheringComplete();
        UpdateState(now);
    }

    /// <summary>Sets the remote ufrag and password (RFC 8445 §5.3) and processes checks that arrived before them.</summary>
    public void SetRemoteCredentials(string ufrag, string password, DateTimeOffset now)
    {
        _remoteKey = Encoding.UTF8.GetBytes(password);
        _expectedUsername = Encoding.UTF8.GetBytes(LocalUfrag + ":" + ufrag);
        _outgoingUsername = Encoding.UTF8.GetBytes(ufrag + ":" + LocalUfrag);

        // RFC 8838 §11 / RFC 8445 §7.3.1.4: requests answered before the credentials were known are now processed.
        foreach (PendingRequest p in _pendingRequests)
        {
            if (p.Username.AsSpan().SequenceEqual(_expectedUsername))
            {
                ProcessRequest(p.Base, p.From, p.Priority, p.UseCandidate, now);
            }
        }

        _pendingRequests.Clear();
        MaybeStartChecks(now);
    }

    /// <summary>
    /// Adds a remote candidate at any time (RFC 8838 §11). TCP candidates, mDNS names and addresses of a
    /// family no base has are kept out of the checklist (counted in <see cref="IceAgentCounters.RemoteCandidatesIgnored"/>).
    /// </summary>
    public bool AddRemoteCandidate(IceCandidate candidate, DateTimeOffset now)
    {
        IPEndPoint? endPoint = candidate.EndPoint;
        if (!candidate.IsUdp || endPoint is null || candidate.Component != 1 || endPoint.Port == 0)
        {
            _counts.RemoteCandidatesIgnored++;
            return false;
        }

        endPoint = Normalize(endPoint);
        IceRemoteCandidate? existing = FindRemote(endPoint);
        if (existing is not null)
        {
            // A signalled candidate replaces a peer-reflexive one learnt earlier (RFC 8445 §7.3.1.3).
            if (existing.Candidate.Type == IceCandidateType.PeerReflexive)
            {
                existing.Candidate = candidate;
                ResortPairs();
            }

            return true;
        }

        _lastRemoteCandidateAt = now;
        var remote = new IceRemoteCandidate(candidate, endPoint);
        _remotes.Add(remote);
        foreach (IceLocalBase b in _bases)
        {
            AddPair(b, remote);
        }

        MaybeStartChecks(now);
        return true;
    }

    /// <summary>The remote sent end-of-candidates (RFC 8838 §13): failure may now be declared.</summary>
    public void AddRemoteEndOfCandidates(DateTimeOffset now)
    {
        _remoteEndOfCandidates = true;
        UpdateState(now);
    }

    /// <summary>Closes the agent: no more sends, timers or events other than the final state change.</summary>
    public void Close()
    {
        _transactions.Clear();
        _triggered.Clear();
        _transmits.Clear();
        SetState(IceConnectionState.Closed);
    }

    /// <summary>
    /// Where application data goes: the selected pair while consent holds; before nomination, the best valid
    /// pair (so DTLS can start as soon as a pair works). False when there is none or consent was lost.
    /// </summary>
    public bool TryGetSendPath(out int baseId, out IPEndPoint? remote)
    {
        baseId = 0;
        remote = null;
        if (State is IceConnectionState.Failed or IceConnectionState.Closed)
        {
            return false;
        }

        IceCandidatePair? pair = Selected ?? BestValidPair();
        if (pair is null)
        {
            return false;
        }

        baseId = pair.Local.Id;
        remote = pair.Remote.EndPoint;
        return true;
    }

    /// <summary>Whether <paramref name="endPoint"/> proved it knows the credentials (RFC 7983 demux gate).</summary>
    public bool IsAuthenticatedPeer(IPEndPoint endPoint) => _authenticatedPeers.Contains(endPoint);

    private static List<KeyValuePair<string, string>> LocalExtensions(int networkId) =>
    [
        new("generation", "0"),
        new("network-id", networkId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>
    /// When <see cref="IceAgentOptions.AssumeEndOfCandidatesAfter"/> is set: the time at which, with no new remote
    /// candidate, the agent behaves as if end-of-candidates had arrived.
    /// </summary>
    private DateTimeOffset? AssumedEndOfCandidatesAt =>
        _options.AssumeEndOfCandidatesAfter is TimeSpan after && _checksStarted && !_remoteEndOfCandidates
            ? _lastRemoteCandidateAt + after
            : null;

    private static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    private IceRemoteCandidate? FindRemote(IPEndPoint endPoint) => _remotes.Find(r => r.EndPoint.Equals(endPoint));

    private IceCandidatePair? FindPair(IceLocalBase b, IPEndPoint remote) =>
        _pairs.Find(p => p.Local == b && p.Remote.EndPoint.Equals(remote));

    private IceCandidatePair? AddPair(IceLocalBase b, IceRemoteCandidate remote)
    {
        // RFC 8445 §6.1.2.2: pair only candidates of the same address family; link-local only with link-local.
        if (b.EndPoint.AddressFamily != remote.EndPoint.AddressFamily
            || (b.EndPoint.AddressFamily == AddressFamily.InterNetworkV6 && b.EndPoint.Address.IsIPv6LinkLocal != remote.EndPoint.Address.IsIPv6LinkLocal)
            || IPAddress.IsLoopback(b.EndPoint.Address) != IPAddress.IsLoopback(remote.EndPoint.Address)
            || _pairs.Count >= MaxPairs)
        {
            return null;
        }

        var pair = new IceCandidatePair(b, remote);
        pair.UpdatePriority(Role);
        _pairs.Add(pair);
        ResortPairs();
        return pair;
    }

    private void ResortPairs()
    {
        foreach (IceCandidatePair p in _pairs)
        {
            p.UpdatePriority(Role);
        }

        _pairs.Sort((a, b) => b.Priority.CompareTo(a.Priority));
    }

    private IceCandidatePair? BestValidPair()
    {
        foreach (IceCandidatePair p in _pairs)
        {
            if (p.State == IceCandidatePairState.Succeeded)
            {
                return p;
            }
        }

        return null;
    }

    private void MaybeStartChecks(DateTimeOffset now)
    {
        if (!_checksStarted && _remoteKey is not null && _pairs.Count > 0 && State == IceConnectionState.New)
        {
            _checksStarted = true;
            _lastRemoteCandidateAt = Max(_lastRemoteCandidateAt, now);
            SetState(IceConnectionState.Checking);
        }

        UpdateState(now);
    }

    private void SetState(IceConnectionState state)
    {
        if (State != state && State != IceConnectionState.Closed)
        {
            State = state;
            _events.Enqueue(new IceEvent(IceEventKind.ConnectionState, State: state));
        }
    }

    private void SetGathering(IceGatheringState state)
    {
        if (GatheringState < state)
        {
            GatheringState = state;
            _events.Enqueue(new IceEvent(IceEventKind.GatheringState, Gathering: state));
        }
    }

    private void CheckGatheringComplete()
    {
        if (_basesComplete && GatheringState != IceGatheringState.Complete
            && !_transactions.Values.Any(t => t.Kind == IceTransactionKind.ServerQuery))
        {
            SetGathering(IceGatheringState.Complete); // W3C: the state change, then the null candidate
            _events.Enqueue(new IceEvent(IceEventKind.LocalCandidate, null)); // end of gathering
        }
    }

    /// <summary>Re-evaluates checking → connected/completed/failed (RFC 8445 §6.1.3, RFC 8838 §8).</summary>
    private void UpdateState(DateTimeOffset now)
    {
        if (State is IceConnectionState.Closed or IceConnectionState.Failed)
        {
            return;
        }

        if (Selected is not null)
        {
            if (State is IceConnectionState.Connected && _remoteEndOfCandidates && GatheringState == IceGatheringState.Complete
                && _triggered.Count == 0 && !_transactions.Values.Any(t => t.Kind == IceTransactionKind.Check))
            {
                SetState(IceConnectionState.Completed);
            }

            return;
        }

        // RFC 8838 §8: failure only after end-of-candidates, with local gathering done and every pair failed.
        if (_checksStarted && _remoteEndOfCandidates && GatheringState == IceGatheringState.Complete
            && _pairs.TrueForAll(p => p.State == IceCandidatePairState.Failed) && _triggered.Count == 0)
        {
            SetState(IceConnectionState.Failed);
        }

        _ = now;
    }
}
