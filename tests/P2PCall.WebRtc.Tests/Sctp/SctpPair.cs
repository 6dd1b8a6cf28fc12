using Microsoft.Extensions.Time.Testing;
using P2PCall.WebRtc.Sctp;

namespace P2PCall.WebRtc.Tests.Sctp;

/// <summary>
/// Two associations joined by a deterministic link on a fake clock: delay, jitter (hence reordering), loss and
/// duplication from a seeded random source. Everything runs on the test thread, so a run is repeatable.
/// </summary>
internal sealed class SctpPair : IDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(5);
    private readonly PriorityQueue<(bool ToB, byte[] Packet), (long Due, long Order)> _inFlight = new();
    private readonly Random _random;
    private long _order;

    public SctpPair(int seed = 1, int maxMessageSize = 262144, SctpAssociationOptions? options = null)
    {
        _random = new Random(seed);
        A = new SctpAssociation(p => Enqueue(true, p), 5000, maxMessageSize, Time, options);
        B = new SctpAssociation(p => Enqueue(false, p), 5000, maxMessageSize, Time, options);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public SctpAssociation A { get; }

    public SctpAssociation B { get; }

    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(10);

    public TimeSpan Jitter { get; set; }

    public double Loss { get; set; }

    public double Duplication { get; set; }

    /// <summary>While true, packets towards A are lost (a one-way cut).</summary>
    public bool CutToA { get; set; }

    /// <summary>While true, packets towards B are lost.</summary>
    public bool CutToB { get; set; }

    /// <summary>Every packet sent towards B while <see cref="Record"/> is set, in order, for fuzzing.</summary>
    public List<byte[]> SentToB { get; } = [];

    public bool Record { get; set; }

    /// <summary>Drops the packets it returns true for (towards B: true), on top of random loss.</summary>
    public Func<bool, byte[], bool>? DropIf { get; set; }

    /// <summary>Sees every packet after it was delivered (towards B: true).</summary>
    public Action<bool, byte[]>? Delivered { get; set; }

    /// <summary>Sees every packet sent (towards B: true), before loss is applied.</summary>
    public Action<bool, byte[]>? Tap { get; set; }

    /// <summary>Starts both sides (A is the DTLS client) and runs until both are established.</summary>
    public void Establish()
    {
        A.Start(isClient: true, 5000);
        B.Start(isClient: false, 5000);
        Assert.True(RunUntil(() => A.IsEstablished && B.IsEstablished, TimeSpan.FromSeconds(30)), "the associations did not establish");
    }

    /// <summary>
    /// Delivers due packets and advances the clock in small steps until <paramref name="done"/> holds or
    /// <paramref name="limit"/> of virtual time passed; <paramref name="each"/> runs every step (to feed more data).
    /// </summary>
    public bool RunUntil(Func<bool> done, TimeSpan limit, Action? each = null)
    {
        var end = Time.GetTimestamp() + (long)(limit.TotalSeconds * Time.TimestampFrequency);
        while (true)
        {
            DeliverDue();
            each?.Invoke();
            DeliverDue();
            if (done())
            {
                return true;
            }

            if (Time.GetTimestamp() >= end)
            {
                return false;
            }

            Time.Advance(NextStep());
        }
    }

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }

    private TimeSpan NextStep()
    {
        if (_inFlight.TryPeek(out _, out var next))
        {
            var wait = TimeSpan.FromTicks((next.Due - Time.GetTimestamp()) * TimeSpan.TicksPerSecond / Time.TimestampFrequency);
            if (wait > TimeSpan.Zero && wait < Step)
            {
                return wait;
            }
        }

        return Step;
    }

    private void DeliverDue()
    {
        var now = Time.GetTimestamp();
        while (_inFlight.TryPeek(out var item, out var due) && due.Due <= now)
        {
            _inFlight.Dequeue();
            (item.ToB ? B : A).OnPacket(item.Packet);
            Delivered?.Invoke(item.ToB, item.Packet);
        }
    }

    private void Enqueue(bool toB, ReadOnlySpan<byte> packet)
    {
        if (toB && Record)
        {
            SentToB.Add(packet.ToArray());
        }

        Tap?.Invoke(toB, packet.ToArray());
        if ((toB ? CutToB : CutToA) || (DropIf?.Invoke(toB, packet.ToArray()) ?? false) || _random.NextDouble() < Loss)
        {
            return;
        }

        var copies = _random.NextDouble() < Duplication ? 2 : 1;
        for (var i = 0; i < copies; i++)
        {
            var delay = Delay + (Jitter * _random.NextDouble());
            var due = Time.GetTimestamp() + (long)(delay.TotalSeconds * Time.TimestampFrequency);
            _inFlight.Enqueue((toB, packet.ToArray()), (due, _order++));
        }
    }
}
