// Tests that the per-datagram paths (simulated send and delivery, UDP send) do not allocate in steady state.
using System.Net;
using P2PCall.WebRtc.Net;

namespace P2PCall.WebRtc.Tests.Net;

// The per-datagram paths must not allocate in steady state (house style: no allocation on hot paths).
public class HotPathAllocationTests
{
    [Fact]
    public void Simulated_send_and_delivery_allocate_nothing_in_steady_state()
    {
        var clock = new ManualClock();
        using var network = new SimulatedNetwork(clock, seed: 9)
        {
            DefaultLink = new LinkConditions { Delay = TimeSpan.FromMilliseconds(1), Jitter = TimeSpan.FromMilliseconds(1), LossProbability = 0.1 },
        };
        var a = network.AddHost("a", IPAddress.Parse("10.0.0.1"));
        var b = network.AddHost("b", IPAddress.Parse("10.0.0.2"));
        var socketA = a.Bind(new IPEndPoint(a.Addresses[0], 0));
        var socketB = b.Bind(new IPEndPoint(b.Addresses[0], 0));
        long bytes = 0;
        socketB.Start((datagram, _) => bytes += datagram.Length);
        var payload = new byte[1200];
        var to = socketB.LocalEndPoint;

        void Run(int count)
        {
            for (int i = 0; i < count; i++)
            {
                socketA.Send(payload, to);
                clock.Advance(TimeSpan.FromMilliseconds(3));
            }
        }

        Run(200); // warm up pools and queues
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(1000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(bytes > 1000 * 1200 / 2);
    }

    [Fact]
    public async Task Udp_send_to_a_known_peer_allocates_nothing_in_steady_state()
    {
        await using var a = UdpNetwork.Default.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var b = UdpNetwork.Default.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var payload = new byte[100];
        for (int i = 0; i < 100; i++)
        {
            a.Send(payload, b.LocalEndPoint);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            a.Send(payload, b.LocalEndPoint);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // A few hundred bytes of one-off runtime bookkeeping are tolerated; per-send allocation (>= 24 bytes each) is not.
        Assert.InRange(allocated, 0, 1000);
    }

    /// <summary>A clock whose single timer does not allocate when re-armed (FakeTimeProvider's does), so only our code is measured.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private readonly List<ManualTimer> _timers = [];
        private DateTimeOffset _now = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new ManualTimer(this, callback, state);
            timer.Change(dueTime, period);
            _timers.Add(timer);
            return timer;
        }

        public void Advance(TimeSpan delta)
        {
            _now += delta;
            foreach (var timer in _timers)
            {
                timer.FireIfDue(_now);
            }
        }

        private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
        {
            private DateTimeOffset? _due;

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                _due = dueTime == Timeout.InfiniteTimeSpan ? null : clock._now + dueTime;
                return true;
            }

            public void FireIfDue(DateTimeOffset now)
            {
                if (_due is { } due && due <= now)
                {
                    _due = null;
                    callback(state);
                }
            }

            public void Dispose() => _due = null;

            public ValueTask DisposeAsync()
            {
                _due = null;
                return ValueTask.CompletedTask;
            }
        }
    }
}
