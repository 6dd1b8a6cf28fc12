using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using P2PCall.Core.Signaling;
using P2PCall.Signaling.InMemory;

namespace P2PCall.Signaling.InMemory.Tests;

public class InMemorySignalingHubTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>Collects what a channel raises and lets a test wait for a count.</summary>
    private sealed class Inbox
    {
        private readonly ConcurrentQueue<object> _items = new();
        private readonly SemaphoreSlim _arrived = new(0);

        public Inbox(ISignalingChannel channel)
        {
            channel.MessageReceived += (_, e) => Add(e.Message);
            channel.ErrorReceived += (_, e) => Add(e.Error);
        }

        public IReadOnlyList<object> Items => _items.ToArray();

        public async Task<IReadOnlyList<object>> WaitForAsync(int count)
        {
            while (_items.Count < count)
            {
                Assert.True(await _arrived.WaitAsync(Deadline), $"only {_items.Count} of {count} items arrived");
            }

            return Items;
        }

        public async Task WaitUntilAsync(Func<IReadOnlyList<object>, bool> done)
        {
            while (!done(Items))
            {
                Assert.True(await _arrived.WaitAsync(Deadline), "the expected items did not arrive");
            }
        }

        private void Add(object item)
        {
            _items.Enqueue(item);
            _arrived.Release();
        }
    }

    private static async Task<(InMemorySignalingChannel A, InMemorySignalingChannel B, Inbox InboxA, Inbox InboxB)> ConnectAsync(InMemorySignalingHub hub)
    {
        var a = hub.CreateChannel("A");
        var b = hub.CreateChannel("B");
        var inboxA = new Inbox(a);
        var inboxB = new Inbox(b);
        await a.ConnectAsync();
        await b.ConnectAsync();
        return (a, b, inboxA, inboxB);
    }

    [Fact]
    public async Task Messages_arrive_in_order_as_the_seeds_json()
    {
        var hub = new InMemorySignalingHub();
        var (a, b, _, inboxB) = await ConnectAsync(hub);
        var sent = Enumerable.Range(0, 100).Select(i => (SignalingMessage)new RejectMessage("B", "A", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();

        foreach (var message in sent)
        {
            await a.SendAsync(message);
        }

        Assert.Equal(sent, await inboxB.WaitForAsync(100));
        Assert.Equal(100, hub.DeliveredCount);
        await a.DisposeAsync();
        await b.DisposeAsync();
    }

    [Fact]
    public async Task Message_for_an_unknown_user_comes_back_as_a_relay_error()
    {
        var hub = new InMemorySignalingHub();
        var (a, _, inboxA, _) = await ConnectAsync(hub);

        await a.SendAsync(new CallMessage("Z", "A"));
        var error = Assert.IsType<SignalingRelayException>((await inboxA.WaitForAsync(1)).Single());

        Assert.Equal("Z", error.TargetUid);
        Assert.Equal("call", error.EventName);
        Assert.Equal(1, hub.UndeliverableCount);
    }

    [Fact]
    public async Task Sending_before_connect_or_as_someone_else_is_a_typed_error()
    {
        var hub = new InMemorySignalingHub();
        var a = hub.CreateChannel("A");

        await Assert.ThrowsAsync<SignalingException>(() => a.SendAsync(new CallMessage("B", "A")));
        await a.ConnectAsync();
        await Assert.ThrowsAsync<SignalingException>(() => a.SendAsync(new CallMessage("B", "Mallory")));
    }

    [Fact]
    public async Task A_new_connection_for_a_user_replaces_the_old_one()
    {
        var hub = new InMemorySignalingHub();
        var (a, oldB, _, oldInbox) = await ConnectAsync(hub);
        var newB = hub.CreateChannel("B");
        var newInbox = new Inbox(newB);
        await newB.ConnectAsync();

        await a.SendAsync(new CallMessage("B", "A"));

        Assert.Single(await newInbox.WaitForAsync(1));
        Assert.Empty(oldInbox.Items);
        Assert.False(oldB.IsConnected);
        await oldB.DisposeAsync();
        Assert.Contains("B", hub.ConnectedUsers);
    }

    [Fact]
    public async Task Disposed_channel_unregisters_so_later_messages_are_undeliverable()
    {
        var hub = new InMemorySignalingHub();
        var (a, b, inboxA, _) = await ConnectAsync(hub);

        await b.DisposeAsync();
        await a.SendAsync(new CallMessage("B", "A"));

        Assert.IsType<SignalingRelayException>((await inboxA.WaitForAsync(1)).Single());
        Assert.Equal(["A"], hub.ConnectedUsers);
    }

    [Fact]
    public async Task Malformed_raw_payloads_are_raised_as_format_errors_and_counted()
    {
        var hub = new InMemorySignalingHub();
        var (_, b, _, inboxB) = await ConnectAsync(hub);

        hub.InjectRaw("B", "offer", "{");
        hub.InjectRaw("B", "call", "{\"targetUid\":\"B\",\"userId\":\"A\"}");

        var items = await inboxB.WaitForAsync(2);
        Assert.IsType<SignalingFormatException>(items[0]);
        Assert.Equal(new CallMessage("B", "A"), items[1]);
        Assert.Equal(1, b.MalformedCount);
        Assert.False(hub.InjectRaw("nobody", "call", "{}"));
    }

    [Fact]
    public async Task A_throwing_handler_does_not_stop_delivery()
    {
        var hub = new InMemorySignalingHub();
        var a = hub.CreateChannel("A");
        var b = hub.CreateChannel("B");
        var calls = 0;
        b.MessageReceived += (_, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                throw new InvalidOperationException("handler bug");
            }
        };
        var inbox = new Inbox(b);
        await a.ConnectAsync();
        await b.ConnectAsync();

        await a.SendAsync(new CallMessage("B", "A"));
        await a.SendAsync(new HangupMessage("B", "A"));

        // The first message died in the throwing handler (subscribed first); the second still arrives.
        Assert.Equal([new HangupMessage("B", "A")], await inbox.WaitForAsync(1));
    }

    [Fact]
    public async Task Drop_and_duplicate_faults_are_repeatable_with_a_seed()
    {
        async Task<IReadOnlyList<object>> RunAsync(int seed)
        {
            var hub = new InMemorySignalingHub(new InMemorySignalingFaults { Seed = seed, DropProbability = 0.3, DuplicateProbability = 0.3 });
            var (a, _, _, inboxB) = await ConnectAsync(hub);
            for (var i = 0; i < 200; i++)
            {
                await a.SendAsync(new RejectMessage("B", "A", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            var expected = 200 - (int)hub.DroppedCount + (int)hub.DuplicatedCount;
            Assert.InRange(hub.DroppedCount, 30, 90);
            Assert.InRange(hub.DuplicatedCount, 30, 90);
            return await inboxB.WaitForAsync(expected);
        }

        var first = await RunAsync(7);
        var second = await RunAsync(7);
        var other = await RunAsync(8);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task Faults_are_repeatable_when_both_users_send_at_once()
    {
        async Task<(string A, string B)> RunAsync()
        {
            var faults = new InMemorySignalingFaults { Seed = 11, DropProbability = 0.3, DuplicateProbability = 0.3, Events = ["reject"] };
            var hub = new InMemorySignalingHub(faults);
            var (a, b, inboxA, inboxB) = await ConnectAsync(hub);
            async Task SendAllAsync(InMemorySignalingChannel from, string to)
            {
                for (var i = 0; i < 100; i++)
                {
                    await from.SendAsync(new RejectMessage(to, from.LocalUserId, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }

                await from.SendAsync(new HangupMessage(to, from.LocalUserId)); // unfaulted, in order: the end marker
            }

            // The two senders run on their own threads, interleaving differently on every run.
            await Task.WhenAll(Task.Run(() => SendAllAsync(a, "B")), Task.Run(() => SendAllAsync(b, "A")));
            await inboxA.WaitUntilAsync(items => items.OfType<HangupMessage>().Any());
            await inboxB.WaitUntilAsync(items => items.OfType<HangupMessage>().Any());
            static string Trace(Inbox inbox) => string.Join(",", inbox.Items.OfType<RejectMessage>().Select(m => m.Reason));
            return (Trace(inboxA), Trace(inboxB));
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(first, second);
        Assert.NotEqual(string.Join(",", Enumerable.Range(0, 100)), first.B); // faults did happen
    }

    [Fact]
    public async Task Reorder_fault_delivers_a_held_message_after_the_next_one()
    {
        // A fake clock, so the held message cannot be flushed by its hold timer on a slow machine.
        var hub = new InMemorySignalingHub(new InMemorySignalingFaults { Seed = 3, ReorderProbability = 1.0 }, new FakeTimeProvider());
        var (a, _, _, inboxB) = await ConnectAsync(hub);

        await a.SendAsync(new RejectMessage("B", "A", "1"));
        await a.SendAsync(new RejectMessage("B", "A", "2"));

        var items = await inboxB.WaitForAsync(2);
        Assert.Equal(["2", "1"], items.Cast<RejectMessage>().Select(m => m.Reason));
        Assert.Equal(1, hub.ReorderedCount);
    }

    [Fact]
    public async Task Held_message_is_flushed_after_the_hold_time_on_the_clock()
    {
        var time = new FakeTimeProvider();
        var hub = new InMemorySignalingHub(new InMemorySignalingFaults { ReorderProbability = 1.0, ReorderHoldTime = TimeSpan.FromSeconds(1) }, time);
        var (a, _, _, inboxB) = await ConnectAsync(hub);

        await a.SendAsync(new HangupMessage("B", "A"));
        Assert.Empty(inboxB.Items);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Single(await inboxB.WaitForAsync(1));
    }

    [Fact]
    public async Task Delay_fault_holds_delivery_until_the_clock_reaches_it()
    {
        var time = new FakeTimeProvider();
        var hub = new InMemorySignalingHub(new InMemorySignalingFaults { Delay = TimeSpan.FromMilliseconds(200) }, time);
        var (a, _, _, inboxB) = await ConnectAsync(hub);

        await a.SendAsync(new CallMessage("B", "A"));
        await a.SendAsync(new HangupMessage("B", "A"));
        // The delivery loop is waiting on the fake clock: nothing may arrive before it advances.
        Assert.Empty(inboxB.Items);
        time.Advance(TimeSpan.FromMilliseconds(200));

        var items = await inboxB.WaitForAsync(2);
        Assert.IsType<CallMessage>(items[0]);
        Assert.IsType<HangupMessage>(items[1]);
    }

    [Fact]
    public void Fault_probabilities_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemorySignalingHub(new InMemorySignalingFaults { DropProbability = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemorySignalingHub(new InMemorySignalingFaults { Delay = TimeSpan.FromSeconds(-1) }));
    }
}
