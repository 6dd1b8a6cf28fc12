using System.Threading.Channels;

namespace P2PCall.Core.Internal;

/// <summary>
/// Runs work items one at a time, in the order they were posted, on one background loop: the single
/// owner of a session's state (or the single raiser of its events). Work may await; the next item starts
/// when the previous one has finished. Re-entrant calls from inside a work item run inline, so a work item
/// that invokes the queue again does not deadlock.
/// </summary>
internal sealed class SerialWorkQueue : IAsyncDisposable
{
    private readonly Channel<Func<Task>> _items = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    // The token of the item running now, flowed into that item's awaits. Anything the item starts (tasks,
    // timers, other queues) inherits the token too, but it goes stale as soon as the item ends.
    private readonly AsyncLocal<object?> _current = new();
    private volatile object? _running;
    private readonly Action<Exception> _onError;
    private readonly Task _loop;
    private int _disposed;

    public SerialWorkQueue(Action<Exception> onError)
    {
        _onError = onError;
        using (ExecutionContext.SuppressFlow())
        {
            // The loop must not inherit the creator's context (for example another queue's token).
            _loop = Task.Run(RunAsync);
        }
    }

    /// <summary>True when the caller runs inside one of this queue's work items.</summary>
    public bool IsCurrent => _current.Value is { } token && ReferenceEquals(token, _running);

    /// <summary>Queues fire-and-forget work; its exceptions go to the error callback. Returns false after dispose.</summary>
    public bool Post(Func<Task> work) => _items.Writer.TryWrite(work);

    /// <summary>Queues fire-and-forget synchronous work.</summary>
    public bool Post(Action work) => Post(() =>
    {
        work();
        return Task.CompletedTask;
    });

    /// <summary>Runs <paramref name="work"/> on the queue and returns its outcome.</summary>
    public Task InvokeAsync(Func<Task> work, CancellationToken cancellationToken = default) =>
        InvokeAsync(async () =>
        {
            await work().ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>Runs <paramref name="work"/> on the queue and returns its result.</summary>
    public Task<T> InvokeAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken = default)
    {
        if (IsCurrent)
        {
            return work();
        }

        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_items.Writer.TryWrite(async () =>
        {
            try
            {
                tcs.TrySetResult(await work().ConfigureAwait(false));
            }
            catch (Exception ex)
            {
                tcs.TrySetException(ex);
            }
        }))
        {
            return Task.FromException<T>(new ObjectDisposedException(nameof(SerialWorkQueue)));
        }

        if (!cancellationToken.CanBeCanceled)
        {
            return tcs.Task;
        }

        // A wait abandoned by its token leaves the work running: observe its outcome so nothing goes unobserved.
        _ = tcs.Task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return tcs.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops accepting work, lets queued work finish, and waits for the loop unless called from inside it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _items.Writer.TryComplete();
        if (!IsCurrent)
        {
            await _loop.ConfigureAwait(false);
        }
    }

    /// <summary>The loop task, completed once the queue is disposed and drained.</summary>
    public Task Completion => _loop;

    private async Task RunAsync()
    {
        await foreach (var work in _items.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            var token = new object();
            _running = token;
            try
            {
                await RunItemAsync(work, token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _onError(ex);
            }
            finally
            {
                _running = null;
            }
        }
    }

    private async Task RunItemAsync(Func<Task> work, object token)
    {
        _current.Value = token; // flows into this item only (an async method restores its caller's context)
        await work().ConfigureAwait(false);
    }
}
