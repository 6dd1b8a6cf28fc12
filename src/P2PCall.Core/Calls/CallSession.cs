using P2PCall.Core.Internal;
using P2PCall.WebRtc.Internal;
using P2PCall.Core.Signaling;
using P2PCall.WebRtc;

namespace P2PCall.Core.Calls;

/// <summary>
/// One one-to-one call, from either side. All work of a session runs on its own serial queue, and its
/// events are raised on a second one, never while the session holds its state: a handler may hang up,
/// accept or dispose the session, synchronously or not, without deadlocking.
/// </summary>
public abstract partial class CallSession : IAsyncDisposable
{
    private readonly SerialWorkQueue _work;
    private readonly SerialWorkQueue _events;
    private readonly TaskCompletionSource<CallEndedEventArgs> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<RTCIceCandidateInit> _pendingCandidates = [];
    private readonly HashSet<string> _seenCandidates = new(StringComparer.Ordinal);
    private readonly List<IMediaStreamTrack> _remoteTracks = [];
    private readonly CancellationTokenSource _lifetime = new();
    private ITimer? _ringTimer;
    private ITimer? _connectTimer;
    private volatile CallState _state = CallState.Idle;
    private int _disposed;

    private protected CallSession(SessionContext context, string remoteUserId, CallDirection direction)
    {
        Context = context;
        RemoteUserId = remoteUserId;
        Direction = direction;
        Lifetime = _lifetime.Token;
        _work = new SerialWorkQueue(ex => Log.UnexpectedError(context.Logger, remoteUserId, ex));
        _events = new SerialWorkQueue(ex => Log.HandlerFailed(context.Logger, remoteUserId, ex));
    }

    /// <summary>This user's id.</summary>
    public string LocalUserId => Context.Signaling.LocalUserId;

    /// <summary>The other user's id.</summary>
    public string RemoteUserId { get; }

    /// <summary>Whether this side placed or received the call.</summary>
    public CallDirection Direction { get; }

    /// <summary>The current state.</summary>
    public CallState State => _state;

    /// <summary>How the call ended, once <see cref="State"/> is <see cref="CallState.Ended"/>.</summary>
    public CallEndedEventArgs? EndInfo { get; private set; }

    /// <summary>The peer connection, once the call was accepted.</summary>
    public IPeerConnection? PeerConnection { get; private set; }

    /// <summary>The local media added to the peer connection.</summary>
    public MediaStream? LocalStream { get; private set; }

    /// <summary>The data channel this side opened (<c>chat</c>, as in the seed's <c>onPcEvent</c>).</summary>
    public IDataChannel? ChatChannel { get; private set; }

    /// <summary>The remote tracks received so far.</summary>
    public IReadOnlyList<IMediaStreamTrack> RemoteTracks
    {
        get
        {
            lock (_remoteTracks)
            {
                return _remoteTracks.ToArray();
            }
        }
    }

    /// <summary>Completes when the call ends, with how it ended.</summary>
    public Task<CallEndedEventArgs> Completion => _ended.Task;

    /// <summary>The state changed. Raised on the session's event queue.</summary>
    public event EventHandler<CallStateChangedEventArgs>? StateChanged;

    /// <summary>The local media is ready to preview (the seed's <c>setDomVideoStream</c>).</summary>
    public event EventHandler<LocalStreamEventArgs>? LocalStreamReady;

    /// <summary>A remote track arrived (the seed's <c>ontrack</c>).</summary>
    public event EventHandler<RTCTrackEventArgs>? RemoteTrack;

    /// <summary>
    /// The remote side opened a data channel (the seed's <c>ondatachannel</c>), for example its <c>chat</c>. Raised on
    /// the peer connection's event queue before any of the channel's own events, so a handler that subscribes to the
    /// channel's <c>Message</c> there misses nothing.
    /// </summary>
    public event EventHandler<RTCDataChannelEventArgs>? DataChannelReceived;

    /// <summary>The call ended.</summary>
    public event EventHandler<CallEndedEventArgs>? Ended;

    private protected SessionContext Context { get; }

    /// <summary>Set by the call client: called once when the session ends.</summary>
    internal Action<CallSession>? OnEndedCallback { get; set; }

    /// <summary>Waits until the call is connected.</summary>
    /// <param name="cancellationToken">Cancels the wait (not the call).</param>
    /// <exception cref="CallEndedException">The call ended before it connected.</exception>
    public async Task WaitForConnectedAsync(CancellationToken cancellationToken = default)
    {
        var done = await Task.WhenAny(_connected.Task, _ended.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (done != _connected.Task)
        {
            throw new CallEndedException(_ended.Task.Result);
        }
    }

    /// <summary>Ends the call: tells the other side (<c>hangup</c>), closes the peer connection and stops local tracks. Idempotent.</summary>
    /// <param name="cancellationToken">Cancels the wait for the hang-up to finish.</param>
    public Task HangupAsync(CancellationToken cancellationToken = default)
    {
        if (State == CallState.Ended)
        {
            return Task.CompletedTask;
        }

        CancelLifetime(); // interrupts whatever the session is waiting for (media, offer/answer) so the hang-up runs now
        return RunAsync(() => EndAsync(CallEndReason.LocalHangup, null, PeerNotice.Hangup), cancellationToken);
    }

    /// <summary>Hangs up if the call is still on, then releases the session's queues.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        CancelLifetime();
        try
        {
            await RunAsync(() => EndAsync(CallEndReason.Disposed, null, PeerNotice.Hangup)).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }

        await _work.DisposeAsync().ConfigureAwait(false);
        await _events.DisposeAsync().ConfigureAwait(false);
        if (!_work.IsCurrent && !_events.IsCurrent)
        {
            _lifetime.Dispose();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Hands a received message from <see cref="RemoteUserId"/> to the session.</summary>
    internal void Deliver(SignalingMessage message) => Post(() => HandleAsync(message));

    /// <summary>Hands a relay error about <see cref="RemoteUserId"/> to the session.</summary>
    internal void DeliverRelayError(SignalingRelayException error) =>
        Post(() => EndAsync(CallEndReason.PeerUnavailable, error.Reason, PeerNotice.None));

    /// <summary>Cancelled when the call is hung up or disposed: every wait inside the session takes it.</summary>
    private protected CancellationToken Lifetime { get; private set; }

    /// <summary>Runs an action on the session's event queue, before any event raised after this call.</summary>
    internal void PostEvent(Action action) => _events.Post(action);

    private void CancelLifetime()
    {
        try
        {
            _lifetime.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Runs on the session's queue and returns when done.</summary>
    private protected Task RunAsync(Func<Task> work, CancellationToken cancellationToken = default) =>
        _work.InvokeAsync(work, cancellationToken);

    /// <summary>Queues work on the session's queue.</summary>
    private protected void Post(Func<Task> work) => _work.Post(work);

    /// <summary>Handles one message from the peer; runs on the session's queue.</summary>
    private protected abstract Task HandleAsync(SignalingMessage message);

    /// <summary>Raises an event on the event queue; the subscribers are read when it is delivered, so a handler
    /// that subscribes from an earlier event (for example from IncomingCall) does not miss it.</summary>
    private protected void Raise<T>(Func<EventHandler<T>?> handler, T args) =>
        _events.Post(() => handler()?.Invoke(this, args));

    private protected void SetState(CallState next, Action? beforeEvent = null)
    {
        var previous = _state;
        if (previous == next || previous == CallState.Ended)
        {
            return;
        }

        _state = next;
        Log.StateChanged(Context.Logger, LocalUserId, RemoteUserId, previous, next);
        beforeEvent?.Invoke();
        Raise(() => StateChanged, new CallStateChangedEventArgs(previous, next));
        if (next == CallState.Connected)
        {
            _connectTimer?.Dispose();
            _connected.TrySetResult();
        }
        else if (next == CallState.Connecting)
        {
            // Offer/answer or ICE that never completes (a lost message, a dead peer) must not hold the call forever.
            _connectTimer = Context.Time.CreateTimer(
                _ => Post(() => State == CallState.Connecting
                    ? EndAsync(CallEndReason.ConnectionFailed, $"not connected within {Context.Options.ConnectTimeout.TotalSeconds:0.#} s", PeerNotice.Hangup)
                    : Task.CompletedTask),
                null,
                Context.Options.ConnectTimeout,
                Timeout.InfiniteTimeSpan);
        }
    }

    private protected void StartRingTimer(Func<Task> onTimeout)
    {
        _ringTimer = Context.Time.CreateTimer(_ => Post(onTimeout), null, Context.Options.RingTimeout, Timeout.InfiniteTimeSpan);
    }

    private protected void StopRingTimer()
    {
        _ringTimer?.Dispose();
        _ringTimer = null;
    }

    private protected void StopTimers()
    {
        StopRingTimer();
        _connectTimer?.Dispose();
        _connectTimer = null;
    }

    private protected void LogIgnored(SignalingMessage message, string why) =>
        Log.IgnoredMessage(Context.Logger, message.EventName, RemoteUserId, _state, why);
}
