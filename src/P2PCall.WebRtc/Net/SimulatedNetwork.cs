// A deterministic in-memory network for tests: virtual hosts joined by one-way links with delay,
// jitter, loss, duplication, reordering and bandwidth. Every fate comes from one seeded Random and
// every delivery from one timer on the injected TimeProvider, so a FakeTimeProvider replays a run
// bit for bit: all deliveries happen inside FakeTimeProvider.Advance, in (due time, send order).
using System.Buffers;
using System.Net;

namespace P2PCall.WebRtc.Net;

/// <summary>
/// A simulated network of <see cref="SimulatedHost"/>s. No real packet is sent; each host is an
/// <see cref="IDatagramNetwork"/> to give to the stack under test.
/// </summary>
/// <remarks>
/// Handlers are called synchronously inside the callback of the network's timer on the injected
/// <see cref="System.TimeProvider"/> (with a FakeTimeProvider: inside <c>Advance</c>), one at a time,
/// never inside a <see cref="IDatagramSocket.Send"/> call. Datagrams due at the same instant are
/// delivered in the order they were sent. Thread-safe: one lock guards the whole network, and
/// handlers run outside it, so a handler may send, bind, dispose sockets or change links.
/// </remarks>
public sealed class SimulatedNetwork : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Random _random;
    private readonly ITimer _timer;
    private readonly List<SimulatedHost> _hosts = [];
    private readonly Dictionary<IPAddress, SimulatedHost> _hostsByAddress = [];
    private readonly Dictionary<(SimulatedHost From, SimulatedHost To), LinkState> _links = [];
    private readonly PriorityQueue<InFlight, (long Due, long Sequence)> _inFlight = new();
    private LinkConditions _defaultLink = LinkConditions.Perfect;
    private long _sequence;
    private long _armedDue = long.MaxValue;
    private bool _delivering;
    private bool _disposed;
    private SimulatedNetworkStatistics _statistics;

    /// <summary>Creates an empty network.</summary>
    /// <param name="timeProvider">The clock that schedules deliveries (a FakeTimeProvider in tests).</param>
    /// <param name="seed">The seed of the random generator that decides every datagram's fate.</param>
    public SimulatedNetwork(TimeProvider timeProvider, int seed)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        TimeProvider = timeProvider;
        _random = new Random(seed);
        _timer = timeProvider.CreateTimer(static state => ((SimulatedNetwork)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Raised for every datagram when its fate is decided, before a delivered one reaches its handler.</summary>
    public event SimulatedDatagramTraceHandler? DatagramTraced;

    /// <summary>The clock the network runs on.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The conditions of every link not set with <see cref="SetLink"/>; <see cref="LinkConditions.Perfect"/> at first.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public LinkConditions DefaultLink
    {
        get { lock (_gate) { return _defaultLink; } }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            lock (_gate) { _defaultLink = value; }
        }
    }

    /// <summary>The hosts, in the order they were added.</summary>
    public IReadOnlyList<SimulatedHost> Hosts
    {
        get { lock (_gate) { return _hosts.ToArray(); } }
    }

    /// <summary>A snapshot of the counters.</summary>
    public SimulatedNetworkStatistics Statistics
    {
        get { lock (_gate) { return _statistics; } }
    }

    /// <summary>Datagrams scheduled and not yet delivered or dropped.</summary>
    public int InFlightCount
    {
        get { lock (_gate) { return _inFlight.Count; } }
    }

    /// <summary>The lock that guards the network; hosts and sockets take it too.</summary>
    internal Lock Gate => _gate;

    /// <summary>Adds a host with the given virtual addresses (for example 10.0.0.1).</summary>
    /// <param name="name">A name for diagnostics.</param>
    /// <param name="addresses">The host's addresses; no other host may have them.</param>
    /// <exception cref="ArgumentException">No address was given, or another host has one of them.</exception>
    public SimulatedHost AddHost(string name, params IPAddress[] addresses)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(addresses);
        if (addresses.Length == 0)
        {
            throw new ArgumentException("A host needs at least one address.", nameof(addresses));
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (var address in addresses)
            {
                ArgumentNullException.ThrowIfNull(address, nameof(addresses));
                if (_hostsByAddress.ContainsKey(address) || Array.IndexOf(addresses, address) != Array.LastIndexOf(addresses, address))
                {
                    throw new ArgumentException($"The address {address} is already in use.", nameof(addresses));
                }
            }

            var host = new SimulatedHost(this, name, [.. addresses]);
            _hosts.Add(host);
            foreach (var address in addresses)
            {
                _hostsByAddress.Add(address, host);
            }

            return host;
        }
    }

    /// <summary>Sets the one-way conditions from <paramref name="from"/> to <paramref name="to"/>; takes effect for the next datagram sent.</summary>
    /// <param name="from">The sending host.</param>
    /// <param name="to">The receiving host.</param>
    /// <param name="conditions">The new conditions.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void SetLink(SimulatedHost from, SimulatedHost to, LinkConditions conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        conditions.Validate();
        lock (_gate)
        {
            GetLinkLocked(from, to).Conditions = conditions;
        }
    }

    /// <summary>Sets the same conditions in both directions between two hosts (each direction drawn independently).</summary>
    /// <param name="a">One host.</param>
    /// <param name="b">The other host.</param>
    /// <param name="conditions">The new conditions.</param>
    public void SetLinkBothWays(SimulatedHost a, SimulatedHost b, LinkConditions conditions)
    {
        SetLink(a, b, conditions);
        SetLink(b, a, conditions);
    }

    /// <summary>Returns the link from <paramref name="from"/> to <paramref name="to"/> to <see cref="DefaultLink"/>.</summary>
    /// <param name="from">The sending host.</param>
    /// <param name="to">The receiving host.</param>
    public void ResetLink(SimulatedHost from, SimulatedHost to)
    {
        lock (_gate)
        {
            GetLinkLocked(from, to).Conditions = null;
        }
    }

    /// <summary>The conditions that apply from <paramref name="from"/> to <paramref name="to"/>.</summary>
    /// <param name="from">The sending host.</param>
    /// <param name="to">The receiving host.</param>
    public LinkConditions GetLink(SimulatedHost from, SimulatedHost to)
    {
        lock (_gate)
        {
            return GetLinkLocked(from, to).Conditions ?? _defaultLink;
        }
    }

    /// <summary>Stops the timer and drops every datagram in flight. Sends afterwards return false.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            while (_inFlight.TryDequeue(out var item, out _))
            {
                ArrayPool<byte>.Shared.Return(item.Buffer);
            }
        }

        _timer.Dispose();
    }

    /// <summary>Decides the fate of one datagram and schedules its delivery. Called by <see cref="SimulatedDatagramSocket.Send"/>.</summary>
    /// <returns>False when it was dropped locally (network disposed, sending host down).</returns>
    internal bool Send(SimulatedDatagramSocket source, ReadOnlySpan<byte> payload, IPEndPoint to)
    {
        SimulatedDatagramFate? dropped = null;
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            _statistics = _statistics with { Sent = _statistics.Sent + 1 };
            if (!source.Host.IsUp)
            {
                dropped = SimulatedDatagramFate.DroppedHostDown;
            }
            else if (!_hostsByAddress.TryGetValue(to.Address, out var toHost))
            {
                dropped = SimulatedDatagramFate.DroppedNoListener;
            }
            else
            {
                dropped = ScheduleLocked(source, toHost, payload, to);
            }

            if (dropped is { } fate)
            {
                _statistics = Count(_statistics, fate);
            }
        }

        if (dropped is { } dropFate)
        {
            Trace(dropFate, source.LocalEndPoint, to, payload);
        }

        return dropped != SimulatedDatagramFate.DroppedHostDown;
    }

    private SimulatedDatagramFate? ScheduleLocked(SimulatedDatagramSocket source, SimulatedHost toHost, ReadOnlySpan<byte> payload, IPEndPoint to)
    {
        var link = GetLinkLocked(source.Host, toHost);
        var conditions = link.Conditions ?? _defaultLink;
        if (conditions.MaxDatagramSize > 0 && payload.Length > conditions.MaxDatagramSize)
        {
            return SimulatedDatagramFate.DroppedTooLarge;
        }

        if (conditions.LossProbability > 0 && _random.NextDouble() < conditions.LossProbability)
        {
            return SimulatedDatagramFate.Lost;
        }

        long now = TimeProvider.GetUtcNow().UtcTicks;
        long departure = now;
        if (conditions.BandwidthBitsPerSecond > 0)
        {
            // A FIFO queue drained at the link rate: the datagram leaves once those before it and its own bits are sent.
            double ticksPerByte = 8.0 * TimeSpan.TicksPerSecond / conditions.BandwidthBitsPerSecond;
            long start = Math.Max(now, link.BusyUntil);
            double queuedBytes = (start - now) / ticksPerByte;
            if (conditions.QueueLimitBytes > 0 && queuedBytes + payload.Length > conditions.QueueLimitBytes)
            {
                return SimulatedDatagramFate.DroppedQueueFull;
            }

            departure = start + (long)Math.Ceiling(payload.Length * ticksPerByte);
            link.BusyUntil = departure;
        }

        EnqueueLocked(source, toHost, payload, to, departure + DrawDelayLocked(conditions), now);
        if (conditions.DuplicationProbability > 0 && _random.NextDouble() < conditions.DuplicationProbability)
        {
            _statistics = _statistics with { Duplicated = _statistics.Duplicated + 1 };
            EnqueueLocked(source, toHost, payload, to, departure + DrawDelayLocked(conditions), now);
        }

        return null;
    }

    private long DrawDelayLocked(LinkConditions conditions)
    {
        long delay = conditions.Delay.Ticks;
        if (conditions.Jitter > TimeSpan.Zero)
        {
            delay += _random.NextInt64(0, conditions.Jitter.Ticks + 1);
        }

        if (conditions.ReorderProbability > 0 && _random.NextDouble() < conditions.ReorderProbability)
        {
            delay += conditions.ReorderDelay.Ticks;
            _statistics = _statistics with { Reordered = _statistics.Reordered + 1 };
        }

        return delay;
    }

    private void EnqueueLocked(SimulatedDatagramSocket source, SimulatedHost toHost, ReadOnlySpan<byte> payload, IPEndPoint to, long due, long now)
    {
        // The caller's span is transient: copy it into a pooled buffer, returned after delivery or drop.
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(payload.Length, 1));
        payload.CopyTo(buffer);
        _inFlight.Enqueue(new InFlight(buffer, payload.Length, source.LocalEndPoint, toHost, to), (due, _sequence++));
        if (!_delivering && due < _armedDue)
        {
            ArmLocked(due, now);
        }
    }

    private void ArmLocked(long due, long now)
    {
        // At least one tick: a zero wait would make a FakeTimeProvider fire inside Change, i.e. inside Send.
        _armedDue = due;
        _timer.Change(TimeSpan.FromTicks(Math.Max(1, due - now)), Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            if (_delivering || _disposed)
            {
                return;
            }

            _delivering = true;
            _armedDue = long.MaxValue;
        }

        try
        {
            while (TryTakeDue(out var item, out var handler, out var fate))
            {
                try
                {
                    var payload = item.Buffer.AsSpan(0, item.Length);
                    Trace(fate, item.From, item.To, payload);
                    handler?.Invoke(payload, item.From);
                }
                catch (Exception)
                {
                    // A faulty handler must not stop the network: count it and go on.
                    lock (_gate)
                    {
                        _statistics = _statistics with { HandlerErrors = _statistics.HandlerErrors + 1 };
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(item.Buffer);
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _delivering = false;
                if (!_disposed && _inFlight.TryPeek(out _, out var next))
                {
                    ArmLocked(next.Due, TimeProvider.GetUtcNow().UtcTicks);
                }
            }
        }
    }

    private bool TryTakeDue(out InFlight item, out DatagramHandler? handler, out SimulatedDatagramFate fate)
    {
        lock (_gate)
        {
            handler = null;
            fate = SimulatedDatagramFate.Delivered;
            if (_disposed || !_inFlight.TryPeek(out item, out var priority) || priority.Due > TimeProvider.GetUtcNow().UtcTicks)
            {
                item = default;
                return false;
            }

            _inFlight.Dequeue();
            if (!item.ToHost.IsUp)
            {
                fate = SimulatedDatagramFate.DroppedHostDown;
            }
            else if ((handler = item.ToHost.FindHandlerLocked(item.To)) is null)
            {
                fate = SimulatedDatagramFate.DroppedNoListener;
            }

            _statistics = Count(_statistics, fate);
            return true;
        }
    }

    private void Trace(SimulatedDatagramFate fate, IPEndPoint from, IPEndPoint to, ReadOnlySpan<byte> payload)
    {
        DatagramTraced?.Invoke(fate, from, to, payload);
    }

    private LinkState GetLinkLocked(SimulatedHost from, SimulatedHost to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (from.Network != this || to.Network != this)
        {
            throw new ArgumentException("The host belongs to another network.");
        }

        if (!_links.TryGetValue((from, to), out var link))
        {
            link = new LinkState();
            _links.Add((from, to), link);
        }

        return link;
    }

    private static SimulatedNetworkStatistics Count(SimulatedNetworkStatistics s, SimulatedDatagramFate fate) => fate switch
    {
        SimulatedDatagramFate.Delivered => s with { Delivered = s.Delivered + 1 },
        SimulatedDatagramFate.Lost => s with { Lost = s.Lost + 1 },
        SimulatedDatagramFate.DroppedNoListener => s with { DroppedNoListener = s.DroppedNoListener + 1 },
        SimulatedDatagramFate.DroppedHostDown => s with { DroppedHostDown = s.DroppedHostDown + 1 },
        SimulatedDatagramFate.DroppedQueueFull => s with { DroppedQueueFull = s.DroppedQueueFull + 1 },
        SimulatedDatagramFate.DroppedTooLarge => s with { DroppedTooLarge = s.DroppedTooLarge + 1 },
        _ => s,
    };

    /// <summary>The mutable state of one direction between two hosts.</summary>
    private sealed class LinkState
    {
        public LinkConditions? Conditions { get; set; }

        public long BusyUntil { get; set; }
    }

    /// <summary>A datagram on its way: a pooled copy of the payload and where it goes.</summary>
    private readonly record struct InFlight(byte[] Buffer, int Length, IPEndPoint From, SimulatedHost ToHost, IPEndPoint To);
}
