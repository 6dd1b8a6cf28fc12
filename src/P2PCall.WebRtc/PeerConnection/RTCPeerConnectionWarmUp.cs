namespace P2PCall.WebRtc;

/// <summary>
/// Warms a process up for its first call: one complete call between two in-process peer connections on loopback
/// (SDP, ICE, the DTLS handshake on BouncyCastle, SRTP, SCTP and a data-channel message, RTP both ways), so the JIT
/// has compiled the whole path before a user waits on it. Measured here: the first call of a fresh process
/// connects in ~300 ms, later ones in ~15 ms; BouncyCastle's DTLS handshake alone is ~100–230 ms of JIT.
/// </summary>
public static class RTCPeerConnectionWarmUp
{
    private static readonly Lock Gate = new();
    private static Task? _done;

    /// <summary>
    /// Runs the warm-up call once per process; later calls return the same task. Only loopback addresses are used.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting for the warm-up (it is abandoned, and can be run again).</param>
    /// <returns>A task that completes when the warm-up call has connected and exchanged data.</returns>
    public static Task RunAsync(CancellationToken cancellationToken = default)
    {
        Task task;
        lock (Gate)
        {
            task = _done ??= Task.Run(() => CallAsync(CancellationToken.None));
        }

        return task.WaitAsync(cancellationToken);
    }

    private static async Task CallAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CallOnceAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lock (Gate)
            {
                _done = null; // a failed warm-up may be tried again
            }

            throw;
        }
    }

    private static async Task CallOnceAsync(CancellationToken cancellationToken)
    {
        var config = new RTCConfiguration { LoopbackOnly = true };
        var a = new RTCPeerConnection(config);
        var b = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = true });
        await using (a.ConfigureAwait(false))
        await using (b.ConfigureAwait(false))
        {
            var audio = (RTCRtpSender)a.AddTrack(new SilentTrack(MediaKind.Audio));
            a.AddTrack(new SilentTrack(MediaKind.Video));
            var chat = a.CreateDataChannel("warm-up");
            var message = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var rtp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            b.DataChannel += (_, e) => e.Channel.Message += (_, _) => message.TrySetResult();
            b.Track += (_, e) => ((RemoteMediaStreamTrack)e.Track).RtpReceived += (_, _) => rtp.TrySetResult();
            chat.Open += (_, _) => chat.Send("warm");
            a.IceCandidate += async (_, e) => { if (e.Candidate is { } c) { await b.AddIceCandidateAsync(c).ConfigureAwait(false); } };
            b.IceCandidate += async (_, e) => { if (e.Candidate is { } c) { await a.AddIceCandidateAsync(c).ConfigureAwait(false); } };

            var offer = await a.CreateOfferAsync(cancellationToken).ConfigureAwait(false);
            await a.SetLocalDescriptionAsync(offer, cancellationToken).ConfigureAwait(false);
            await b.SetRemoteDescriptionAsync(offer, cancellationToken).ConfigureAwait(false);
            var answer = await b.CreateAnswerAsync(cancellationToken).ConfigureAwait(false);
            await b.SetLocalDescriptionAsync(answer, cancellationToken).ConfigureAwait(false);
            await a.SetRemoteDescriptionAsync(answer, cancellationToken).ConfigureAwait(false);

            var deadline = TimeSpan.FromSeconds(30);
            await message.Task.WaitAsync(deadline, cancellationToken).ConfigureAwait(false);
            var payloadType = audio.Codecs[0].PayloadType;
            uint timestamp = 0;
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
            while (!rtp.Task.IsCompleted)
            {
                audio.SendRtp(payloadType, timestamp += 960, false, [0xF8, 0xFF, 0xFE]);
                await Task.WhenAny(rtp.Task, timer.WaitForNextTickAsync(cancellationToken).AsTask()).WaitAsync(deadline, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A track that produces nothing by itself: the warm-up sends its RTP by hand.</summary>
    private sealed class SilentTrack(MediaKind kind) : IMediaStreamTrack
    {
        public string Id { get; } = Guid.NewGuid().ToString();

        public MediaKind Kind { get; } = kind;

        public string Label => "warm-up " + Kind;

        public bool Enabled { get; set; } = true;

        public MediaStreamTrackState ReadyState => MediaStreamTrackState.Live;

        public event EventHandler? Ended;

        public void Stop() => Ended?.Invoke(this, EventArgs.Empty);
    }
}
