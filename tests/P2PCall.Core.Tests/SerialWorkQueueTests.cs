using P2PCall.WebRtc.Internal;

namespace P2PCall.Core.Tests;

public class SerialWorkQueueTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Work_runs_one_item_at_a_time_in_order()
    {
        await using var queue = new SerialWorkQueue(_ => { });
        var order = new List<int>();
        var running = 0;
        var overlap = false;

        var all = Enumerable.Range(0, 50).Select(i => queue.InvokeAsync(async () =>
        {
            overlap |= Interlocked.Increment(ref running) > 1;
            await Task.Yield();
            order.Add(i);
            Interlocked.Decrement(ref running);
        })).ToArray();
        await Task.WhenAll(all).WaitAsync(Deadline);

        Assert.False(overlap);
        Assert.Equal(Enumerable.Range(0, 50), order);
    }

    [Fact]
    public async Task Invoking_the_queue_from_inside_an_item_runs_inline_instead_of_deadlocking()
    {
        await using var queue = new SerialWorkQueue(_ => { });

        var result = await queue.InvokeAsync(() => queue.InvokeAsync(() => Task.FromResult(42))).WaitAsync(Deadline);

        Assert.Equal(42, result);
    }

    [Fact]
    public async Task A_task_started_by_an_item_is_not_inside_the_queue_once_the_item_has_ended()
    {
        await using var queue = new SerialWorkQueue(_ => { });
        var itemEnded = new TaskCompletionSource();
        Task<bool>? spawned = null;

        await queue.InvokeAsync(() =>
        {
            // Like a peer connection's receive loop created while a session handles a message.
            spawned = Task.Run(async () =>
            {
                await itemEnded.Task;
                return queue.IsCurrent;
            });
            return Task.CompletedTask;
        });
        await queue.InvokeAsync(() => Task.CompletedTask); // the first item has certainly finished now
        itemEnded.SetResult();

        Assert.False(await spawned!.WaitAsync(Deadline));
    }

    [Fact]
    public async Task A_queue_created_inside_another_queues_item_is_not_mistaken_for_it()
    {
        await using var outer = new SerialWorkQueue(_ => { });
        SerialWorkQueue? inner = null;
        await outer.InvokeAsync(() =>
        {
            inner = new SerialWorkQueue(_ => { });
            return Task.CompletedTask;
        });

        var outerSeenFromInner = await inner!.InvokeAsync(() => Task.FromResult(outer.IsCurrent)).WaitAsync(Deadline);

        Assert.False(outerSeenFromInner);
        await inner.DisposeAsync();
    }

    [Fact]
    public async Task Dispose_from_inside_an_item_does_not_wait_for_itself()
    {
        var queue = new SerialWorkQueue(_ => { });

        await queue.InvokeAsync(async () => await queue.DisposeAsync()).WaitAsync(Deadline);

        await queue.Completion.WaitAsync(Deadline);
    }

    [Fact]
    public async Task Errors_of_posted_work_go_to_the_callback_and_the_queue_goes_on()
    {
        var errors = new List<Exception>();
        await using var queue = new SerialWorkQueue(errors.Add);

        queue.Post(() => throw new InvalidOperationException("boom"));
        var after = await queue.InvokeAsync(() => Task.FromResult("still running")).WaitAsync(Deadline);

        Assert.Equal("still running", after);
        Assert.IsType<InvalidOperationException>(Assert.Single(errors));
    }
}
