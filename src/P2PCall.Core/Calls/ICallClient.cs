namespace P2PCall.Core.Calls;

/// <summary>
/// The entry point for apps: places calls to other users and raises the calls that come in, over one
/// signaling channel. One call at a time (one-to-one): a call that comes in during another is refused as busy.
/// </summary>
public interface ICallClient : IAsyncDisposable
{
    /// <summary>This user's id on the signaling relay.</summary>
    string UserId { get; }

    /// <summary>The call in progress, if any.</summary>
    CallSession? ActiveCall { get; }

    /// <summary>A call came in and is ringing; accept or reject <see cref="IncomingCallEventArgs.Session"/>.</summary>
    event EventHandler<IncomingCallEventArgs>? IncomingCall;

    /// <summary>Connects to the signaling relay. Call once before anything else.</summary>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>Calls <paramref name="peerId"/>: sends <c>call</c> and returns the ringing session.</summary>
    /// <param name="peerId">The callee's user id.</param>
    /// <param name="configure">
    /// Runs on the new session before anything is sent: subscribe to its events here, so that none is
    /// missed when the callee answers at once.
    /// </param>
    /// <param name="cancellationToken">Cancels sending the call.</param>
    /// <exception cref="P2PCall.WebRtc.InvalidStateException">Another call is in progress, or the client is not started.</exception>
    Task<CallerSession> CallAsync(string peerId, Action<CallerSession>? configure = null, CancellationToken cancellationToken = default);

    /// <summary>Waits for the next incoming call (an alternative to <see cref="IncomingCall"/>).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task<CalleeSession> WaitForIncomingCallAsync(CancellationToken cancellationToken = default);
}
