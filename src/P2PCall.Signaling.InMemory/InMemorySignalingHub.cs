using System.Collections.Concurrent;
using P2PCall.Core.Signaling;

namespace P2PCall.Signaling.InMemory;

/// <summary>
/// An in-process signaling relay: connects any number of <see cref="InMemorySignalingChannel"/>s by user id,
/// as the reference socket.io server does. Messages travel as the seed's JSON, in order per recipient; a
/// message for a user who is not connected comes back to the sender as a <see cref="SignalingRelayException"/>.
/// Faults (<see cref="InMemorySignalingFaults"/>) make bad signaling testable and repeatable.
/// </summary>
public sealed class InMemorySignalingHub
{
    private readonly ConcurrentDictionary<string, InMemorySignalingChannel> _users = new(StringComparer.Ordinal);
    private readonly InMemorySignalingFaults _faults;
    private readonly Lock _faultGate = new();
    private readonly Dictionary<(string From, string To), long> _linkSequence = [];
    private readonly Dictionary<string, HeldMessage> _held = new(StringComparer.Ordinal);
    private long _delivered;
    private long _dropped;
    private long _duplicated;
    private long _reordered;
    private long _undeliverable;

    /// <summary>Creates a hub.</summary>
    /// <param name="faults">Faults to inject; none when null.</param>
    /// <param name="timeProvider">The clock of delays and hold times; the system clock when null.</param>
    public InMemorySignalingHub(InMemorySignalingFaults? faults = null, TimeProvider? timeProvider = null)
    {
        _faults = faults ?? InMemorySignalingFaults.None;
        _faults.Validate();
        Time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Messages handed to a recipient (duplicates counted).</summary>
    public long DeliveredCount => Interlocked.Read(ref _delivered);

    /// <summary>Messages dropped by fault injection.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>Messages duplicated by fault injection.</summary>
    public long DuplicatedCount => Interlocked.Read(ref _duplicated);

    /// <summary>Messages held back and delivered after a later one.</summary>
    public long ReorderedCount => Interlocked.Read(ref _reordered);

    /// <summary>Messages for users who were not connected (answered with a relay error).</summary>
    public long UndeliverableCount => Interlocked.Read(ref _undeliverable);

    /// <summary>The users connected now.</summary>
    public IReadOnlyCollection<string> ConnectedUsers => _users.Keys.ToArray();

    internal TimeProvider Time { get; }

    /// <summary>Creates a channel for <paramref name="userId"/>; it registers when connected.</summary>
    /// <param name="userId">The user id.</param>
    public InMemorySignalingChannel CreateChannel(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return new InMemorySignalingChannel(this, userId);
    }

    /// <summary>
    /// Delivers a raw payload to a user as if the relay had forwarded it, bypassing serialisation: for
    /// testing how a receiver copes with malformed or hostile messages.
    /// </summary>
    /// <param name="userId">The recipient.</param>
    /// <param name="eventName">The event name.</param>
    /// <param name="json">The payload, valid or not.</param>
    /// <returns>False when the user is not connected.</returns>
    public bool InjectRaw(string userId, string eventName, string json)
    {
        if (!_users.TryGetValue(userId, out var channel))
        {
            return false;
        }

        channel.Enqueue(eventName, json, TimeSpan.Zero);
        Interlocked.Increment(ref _delivered);
        return true;
    }

    /// <summary>One user id → one live connection: a new one replaces the old (as the reference server does).</summary>
    internal void Register(InMemorySignalingChannel channel)
    {
        _users.AddOrUpdate(channel.LocalUserId, channel, (_, old) =>
        {
            if (!ReferenceEquals(old, channel))
            {
                old.Replaced();
            }

            return channel;
        });
    }

    internal void Unregister(InMemorySignalingChannel channel) =>
        _users.TryRemove(new KeyValuePair<string, InMemorySignalingChannel>(channel.LocalUserId, channel));

    internal void Route(InMemorySignalingChannel sender, SignalingMessage message)
    {
        var json = SignalingJson.Serialize(message);
        if (!_users.TryGetValue(message.TargetUid, out var target))
        {
            Interlocked.Increment(ref _undeliverable);
            sender.EnqueueError(new SignalingRelayException(message.TargetUid, message.EventName, "target offline"));
            return;
        }

        if (!Faulty(message.EventName))
        {
            Deliver(target, message.EventName, json);
            return;
        }

        lock (_faultGate)
        {
            // The fate of the n-th message from one user to another depends only on (seed, from, to, n), so
            // the same seed gives the same faults however the senders' threads interleave.
            var link = (sender.LocalUserId, target.LocalUserId);
            var n = _linkSequence[link] = _linkSequence.GetValueOrDefault(link) + 1;
            var random = new Random(StableSeed(_faults.Seed, link.Item1, link.Item2, n));
            var drop = random.NextDouble() < _faults.DropProbability;
            var duplicate = random.NextDouble() < _faults.DuplicateProbability;
            var reorder = random.NextDouble() < _faults.ReorderProbability;
            if (drop)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }

            var held = _held.Remove(target.LocalUserId, out var h) ? h : null;
            if (reorder && held is null)
            {
                var entry = new HeldMessage(target, message.EventName, json, duplicate);
                _held[target.LocalUserId] = entry;
                entry.Timer = Time.CreateTimer(_ => FlushHeld(entry), null, _faults.ReorderHoldTime, Timeout.InfiniteTimeSpan);
                return;
            }

            Deliver(target, message.EventName, json);
            if (duplicate)
            {
                Interlocked.Increment(ref _duplicated);
                Deliver(target, message.EventName, json);
            }

            if (held is not null)
            {
                held.Timer?.Dispose();
                Interlocked.Increment(ref _reordered);
                DeliverHeld(held);
            }
        }
    }

    private static int StableSeed(int seed, string from, string to, long n)
    {
        // FNV-1a: string.GetHashCode is randomised per process, this is not.
        var hash = 2166136261u ^ (uint)seed;
        foreach (var c in from + "\u0000" + to)
        {
            hash = (hash ^ c) * 16777619u;
        }

        hash = (hash ^ (uint)n) * 16777619u;
        hash = (hash ^ (uint)(n >> 32)) * 16777619u;
        return (int)hash;
    }

    private bool Faulty(string eventName) =>
        (_faults.DropProbability > 0 || _faults.DuplicateProbability > 0 || _faults.ReorderProbability > 0)
        && (_faults.Events.Count == 0 || _faults.Events.Contains(eventName));

    private void FlushHeld(HeldMessage entry)
    {
        lock (_faultGate)
        {
            if (!_held.TryGetValue(entry.Target.LocalUserId, out var current) || !ReferenceEquals(current, entry))
            {
                return;
            }

            _held.Remove(entry.Target.LocalUserId);
            DeliverHeld(entry);
        }
    }

    private void DeliverHeld(HeldMessage held)
    {
        Deliver(held.Target, held.EventName, held.Json);
        if (held.Duplicate)
        {
            Interlocked.Increment(ref _duplicated);
            Deliver(held.Target, held.EventName, held.Json);
        }
    }

    private void Deliver(InMemorySignalingChannel target, string eventName, string json)
    {
        Interlocked.Increment(ref _delivered);
        target.Enqueue(eventName, json, _faults.Delay);
    }

    private sealed record HeldMessage(InMemorySignalingChannel Target, string EventName, string Json, bool Duplicate)
    {
        public ITimer? Timer { get; set; }
    }
}
