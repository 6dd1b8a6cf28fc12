using System.Net;
using P2PCall.WebRtc.Net;

namespace P2PCall.WebRtc.Ice;

/// <summary>
/// An ICE agent for one peer connection (RFC 8445 full agent, one component with rtcp-mux and bundle; RFC 8838
/// trickle; RFC 7675 consent). Binds one socket per local address, drives the sans-I/O <see cref="IceAgentCore"/>
/// with datagrams and one <see cref="TimeProvider"/> timer, and multiplexes: STUN is consumed, other datagrams
/// from authenticated peers go to <see cref="DatagramReceived"/> (RFC 7983).
/// Events are raised one at a time, in order, outside any lock, on the thread that caused them (a socket's
/// receive loop, the timer, or the caller); a handler may call any member, including <see cref="DisposeAsync"/>.
/// </summary>
public sealed partial class IceAgent : IAsyncDisposable
{
    private readonly IceAgentOptions _options;
    private readonly IDatagramNetwork _network;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly IceAgentCore _core;
    private readonly Dictionary<int, IDatagramSocket> _sockets = [];
    private const int MaxHeldDatagrams = 16;
    private readonly Queue<IceEvent> _pendingEvents = new();
    private readonly Queue<byte[]> _held = new();
    private readonly CancellationTokenSource _cts = new();
    private readonly List<Task> _resolutions = [];
    private readonly ITimer _timer;
    private volatile SendPath? _sendPath;
    private bool _dispatching;
    private bool _gatheringStarted;
    private int _pendingResolutions;
    private int _disposed;

    /// <summary>Creates an agent; nothing is bound until <see cref="StartGathering"/>.</summary>
    /// <param name="options">Settings; validated here.</param>
    /// <param name="network">Where sockets are bound (real UDP or the simulated network).</param>
    /// <param name="timeProvider">The clock for every timer; <see cref="TimeProvider.System"/> when null.</param>
    public IceAgent(IceAgentOptions options, IDatagramNetwork network, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(network);
        options.Validate();
        _options = options;
        _network = network;
        _time = timeProvider ?? TimeProvider.System;
        _core = new IceAgentCore(options);
        _timer = _time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private sealed record SendPath(IDatagramSocket Socket, IPEndPoint Remote);

    /// <summary>A local candidate was gathered; <see cref="IceCandidateEventArgs.Candidate"/> is null at the end of gathering.</summary>
    public event EventHandler<IceCandidateEventArgs>? LocalCandidate;

    /// <summary><see cref="ConnectionState"/> changed.</summary>
    public event EventHandler<IceConnectionStateEventArgs>? ConnectionStateChanged;

    /// <summary><see cref="SelectedPair"/> changed.</summary>
    public event EventHandler<IceSelectedPairEventArgs>? SelectedPairChanged;

    /// <summary>
    /// Raised once, when the first candidate pair becomes valid (RFC 8445 §7.2.5.3.2). From then on <see cref="Send"/>
    /// uses the best valid pair until one is selected (§12.1), so an upper layer may start (DTLS does) without
    /// waiting for nomination.
    /// </summary>
    public event EventHandler<IceSelectedPairEventArgs>? ValidPairFound;

    /// <summary>Whether a candidate pair is valid, so <see cref="Send"/> has a path (before or after nomination).</summary>
    public bool HasValidPair
    {
        get
        {
            lock (_gate)
            {
                return _core.HasValidPair;
            }
        }
    }

    /// <summary><see cref="GatheringState"/> changed (to gathering, then complete just before the null candidate).</summary>
    public event EventHandler<IceGatheringStateEventArgs>? GatheringStateChanged;

    /// <summary>
    /// Receives every non-STUN datagram (DTLS, RTP/RTCP: RFC 7983 first byte 20-63 / 128-191) from an address that
    /// authenticated with STUN. Called on the socket's receive loop, outside locks; the span is valid only during the call.
    /// </summary>
    public DatagramHandler? DatagramReceived { get; set; }

    /// <summary>The local ufrag (RFC 8445 §5.3).</summary>
    public string LocalUfrag => _core.LocalUfrag;

    /// <summary>The local password (RFC 8445 §5.3).</summary>
    public string LocalPassword => _core.LocalPassword;

    /// <summary>The current role; may change once on a role conflict (RFC 8445 §7.3.1.1).</summary>
    public IceRole Role
    {
        get
        {
            lock (_gate)
            {
                return _core.Role;
            }
        }
    }

    /// <summary>The connection state.</summary>
    public IceConnectionState ConnectionState
    {
        get
        {
            lock (_gate)
            {
                return _core.State;
            }
        }
    }

    /// <summary>The gathering state.</summary>
    public IceGatheringState GatheringState
    {
        get
        {
            lock (_gate)
            {
                return _core.GatheringState;
            }
        }
    }

    /// <summary>The selected pair, or null before nomination.</summary>
    public IceSelectedPair? SelectedPair
    {
        get
        {
            lock (_gate)
            {
                return _core.Selected is { } p ? new IceSelectedPair(p.Local.Host, p.Remote.Candidate) : null;
            }
        }
    }

    /// <summary>Counters of accepted and dropped packets.</summary>
    public IceAgentCounters Counters
    {
        get
        {
            lock (_gate)
            {
                return _core.Counters;
            }
        }
    }

    /// <summary>The core, for tests.</summary>
    internal IceAgentCore Core => _core;

    /// <summary>
    /// Binds a socket on each local address the filter allows and raises a host candidate for each
    /// (RFC 8445 §5.1.1.1), then queries the STUN servers (§5.1.1.2); ends with a null candidate. Call once.
    /// </summary>
    public void StartGathering()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        lock (_gate)
        {
            if (_gatheringStarted)
            {
                throw new InvalidOperationException("Gathering has already started.");
            }

            _gatheringStarted = true;
        }

        int id = 0;
        var bound = new List<(int Id, IDatagramSocket Socket)>();
        foreach (IPAddress address in _network.GetLocalAddresses(_options.AddressFilter))
        {
            IDatagramSocket socket;
            try
            {
                socket = _network.Bind(new IPEndPoint(address, 0));
            }
            catch (System.Net.Sockets.SocketException)
            {
                continue; // an address that cannot be bound (e.g. ::1 without IPv6) yields no candidate
            }

            bound.Add((++id, socket));
        }

        lock (_gate)
        {
            DateTimeOffset now = _time.GetUtcNow();
            foreach ((int socketId, IDatagramSocket socket) in bound)
            {
                _sockets[socketId] = socket;
                _core.AddLocalBase(socketId, socket.LocalEndPoint, now);
            }

            foreach (string url in _options.StunServers)
            {
                IceServerUrl.TryParse(url, out string host, out int port);
                if (IPAddress.TryParse(host, out IPAddress? ip))
                {
                    _core.AddStunServer(new IPEndPoint(ip, port), url, now);
                }
                else
                {
                    _pendingResolutions++;
                    _resolutions.Add(ResolveAsync(host, port, url));
                }
            }

            if (_pendingResolutions == 0)
            {
                _core.CompleteLocalBases(now);
            }
        }

        foreach ((int socketId, IDatagramSocket socket) in bound)
        {
            socket.Start((datagram, remote) => OnDatagram(socketId, datagram, remote));
        }

        Pump();
    }

    /// <summary>Sets the remote ufrag and password; checks start once there are pairs (RFC 8445 §6.1.4).</summary>
    /// <param name="ufrag">The remote ufrag.</param>
    /// <param name="password">The remote password.</param>
    public void SetRemoteCredentials(string ufrag, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(ufrag);
        ArgumentException.ThrowIfNullOrEmpty(password);
        Run(now => _core.SetRemoteCredentials(ufrag, password, now));
    }

    /// <summary>
    /// Adds a remote candidate, at any time (RFC 8838 trickle), also before the credentials. TCP candidates and
    /// mDNS <c>.local</c> names are accepted but not used (no TCP, no mDNS resolution yet).
    /// </summary>
    /// <param name="candidate">The candidate.</param>
    public void AddRemoteCandidate(IceCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        Run(now => _core.AddRemoteCandidate(candidate, now));
    }

    /// <summary>The remote signalled end-of-candidates (RFC 8838 §13).</summary>
    public void AddRemoteEndOfCandidates() => Run(_core.AddRemoteEndOfCandidates);

    /// <summary>
    /// Sends an application datagram over the selected pair (before nomination: over the best valid pair).
    /// While checks run and no pair is valid yet, up to a few datagrams are held and sent, in order, as soon as
    /// one is (a DTLS flight answering a ClientHello that beat our own check's response). Returns false when
    /// there is no usable pair and nothing can be held, consent was lost, or the socket dropped it.
    /// </summary>
    /// <param name="datagram">The bytes.</param>
    public bool Send(ReadOnlySpan<byte> datagram)
    {
        SendPath? path = _sendPath;
        if (path is not null)
        {
            return Volatile.Read(ref _disposed) == 0 && path.Socket.Send(datagram, path.Remote);
        }

        return Hold(datagram);
    }

    /// <summary>RFC 8445 §12.1: nothing goes out before a pair is valid; keep it until one is, instead of losing it.</summary>
    private bool Hold(ReadOnlySpan<byte> datagram)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return false;
        }

        lock (_gate)
        {
            if (_sendPath is null)
            {
                if (_core.State is not (IceConnectionState.New or IceConnectionState.Checking) || _held.Count >= MaxHeldDatagrams)
                {
                    return false;
                }

                _held.Enqueue(datagram.ToArray());
                return true;
            }
        }

        return Send(datagram); // a pair became valid meanwhile
    }

    /// <summary>Closes the agent: state becomes closed, the timer and every socket are released; no task remains.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _cts.CancelAsync().ConfigureAwait(false);
        IDatagramSocket[] sockets;
        lock (_gate)
        {
            _core.Close();
            sockets = [.. _sockets.Values];
            _sockets.Clear();
            _sendPath = null;
            _held.Clear();
            _timer.Dispose();
        }

        Pump(afterDispose: true);
        foreach (IDatagramSocket socket in sockets)
        {
            await socket.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await Task.WhenAll(_resolutions).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _cts.Dispose();
    }

    private async Task ResolveAsync(string host, int port, string url)
    {
        IPAddress[] addresses = [];
        try
        {
            addresses = await System.Net.Dns.GetHostAddressesAsync(host, _cts.Token).ConfigureAwait(false);
        }
        catch (System.Net.Sockets.SocketException)
        {
            // unresolvable server: no srflx candidate from it
        }
        catch (OperationCanceledException)
        {
            return;
        }

        Run(now =>
        {
            foreach (IPAddress address in addresses)
            {
                _core.AddStunServer(new IPEndPoint(address, port), url, now);
            }

            if (--_pendingResolutions == 0)
            {
                _core.CompleteLocalBases(now);
            }
        });
    }

    private void Run(Action<DateTimeOffset> action)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        lock (_gate)
        {
            action(_time.GetUtcNow());
        }

        Pump();
    }

    private void OnTimer()
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            lock (_gate)
            {
                _core.OnTimeout(_time.GetUtcNow());
            }

            Pump();
        }
    }

    private void OnDatagram(int socketId, ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        // Hot path (RFC 7983 demux): media and DTLS from the selected remote skip the lock.
        if (_sendPath is { } path && !Stun.StunMessage.LooksLikeStun(datagram) && path.Remote.Equals(remote))
        {
            DatagramReceived?.Invoke(datagram, remote);
            return;
        }

        IceReceiveResult result;
        lock (_gate)
        {
            result = _core.Receive(socketId, datagram, remote, _time.GetUtcNow());
        }

        if (result == IceReceiveResult.Application)
        {
            DatagramReceived?.Invoke(datagram, remote);
        }
        else if (result == IceReceiveResult.Stun)
        {
            Pump();
        }
    }
}
