namespace P2PCall.WebRtc;

/// <summary>
/// Keeps media from reaching the application after <see cref="RTCPeerConnection.DisposeAsync"/> returned: every
/// SRTP/SRTCP datagram is delivered inside a counted section, and closing waits until the sections in flight end.
/// </summary>
/// <remarks>
/// The socket layer never waits for a receive handler to return (a handler that closes the connection would wait for
/// itself), so without this a packet read just before close could still be raised on a track afterwards.
/// </remarks>
public sealed partial class RTCPeerConnection
{
    private readonly TaskCompletionSource _receivesDrained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _receivesInFlight;

    /// <summary>
    /// The managed thread id of a thread that called <see cref="Close"/> from inside a delivery section and is still
    /// in it (its section is not waited for), 0 when none.
    /// </summary>
    private int _closerThread;

    /// <summary>The connection whose delivery section this thread is in, if any.</summary>
    [ThreadStatic]
    private static RTCPeerConnection? t_receiving;

    /// <summary>Enters a delivery section; false once the connection is closed (the datagram is dropped).</summary>
    private bool TryEnterReceive(out RTCPeerConnection? outer)
    {
        outer = t_receiving;
        if (IsClosed)
        {
            return false;
        }

        Interlocked.Increment(ref _receivesInFlight);
        if (IsClosed)
        {
            // Close may already have seen the count at zero: this section must not deliver.
            ExitReceive(outer);
            return false;
        }

        t_receiving = this;
        return true;
    }

    private void ExitReceive(RTCPeerConnection? outer)
    {
        t_receiving = outer;
        if (!ReferenceEquals(outer, this) && Volatile.Read(ref _closerThread) == Environment.CurrentManagedThreadId)
        {
            // The closer's own section ends: from now on every section counts (written before the decrement, so
            // ReceivesDrainedAsync, which reads the count first, never sees a stale allowance with a lower count).
            Volatile.Write(ref _closerThread, 0);
        }

        if (Interlocked.Decrement(ref _receivesInFlight) <= CloserSections && IsClosed)
        {
            _receivesDrained.TrySetResult();
        }
    }

    /// <summary>Called by the thread that closes: remembers whether it is itself inside a delivery section.</summary>
    private void NoteCloserSection()
    {
        if (ReferenceEquals(t_receiving, this))
        {
            Volatile.Write(ref _closerThread, Environment.CurrentManagedThreadId);
        }
    }

    /// <summary>Delivery sections close does not wait for: the closer's own, while it lasts.</summary>
    private int CloserSections => Volatile.Read(ref _closerThread) != 0 ? 1 : 0;

    /// <summary>
    /// After <see cref="Close"/>: completes when no delivery section is running but the closer's own. A media handler
    /// may close, or even block on <see cref="DisposeAsync"/>, without waiting for itself.
    /// </summary>
    private Task ReceivesDrainedAsync()
    {
        if (Volatile.Read(ref _receivesInFlight) <= CloserSections)
        {
            _receivesDrained.TrySetResult();
        }

        return _receivesDrained.Task;
    }

    /// <summary>W3C §4.4.1.6 close: the receivers' tracks end (no ended event is fired for a local close).</summary>
    private void EndRemoteTracks()
    {
        List<RemoteMediaStreamTrack> tracks;
        lock (_gate)
        {
            tracks = [.. _remoteTracks.Values];
        }

        foreach (var track in tracks)
        {
            track.EndSilently();
        }
    }
}
