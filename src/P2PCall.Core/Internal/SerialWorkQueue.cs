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
    private readonly AsyncLocal<SerialWorkQueue?> _current = new();
    private readonly Action<Exception> _onError;
    private readonly Task _loop;
    private int _disposed;

    public SerialWorkQueue(Action<Exception> onError)
    {
        _onError = onError;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>True when the caller runs inside one of this queue's work items.</summary>
    public bool IsCurrent => ReferenceEquals(_current.Value, this);

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
        _current.Value = this;
        await foreach (var work in _items.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _onError(ex);
            }
        }
    }
}
