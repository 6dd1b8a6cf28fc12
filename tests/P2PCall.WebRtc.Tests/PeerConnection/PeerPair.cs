using System.Collections.Concurrent;
using P2PCall.WebRtc.Net;

namespace P2PCall.WebRtc.Tests.PeerConnection;

/// <summary>A local track for tests: it has an id and a kind; media is pushed through its sender.</summary>
internal sealed class TestTrack(MediaKind kind) : IMediaStreamTrack
{
    public string Id { get; } = Guid.NewGuid().ToString();
    public MediaKind Kind { get; } = kind;
    public string Label => "test " + Kind;
    public bool Enabled { get; set; } = true;
    public MediaStreamTrackState ReadyState { get; private set; }
    public event EventHandler? Ended;

    public void Stop()
    {
        ReadyState = MediaStreamTrackState.Ended;
        Ended?.Invoke(this, EventArgs.Empty);
    }
}

/// <summary>Two peer connections wired the way the seed's signaling wires them: SDP and trickled candidates.</summary>
internal sealed class PeerPair : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public PeerPair(IDatagramNetwork? networkA = null, IDatagramNetwork? networkB = null, TimeProvider? time = null, IReadOnlyList<ushort>? srtpProfilesOfB = null, bool queueEarlyCandidates = true, bool sctpPathMtuDiscovery = false)
    {
        _queueEarly = queueEarlyCandidates;
        // Real UDP: loopback only, so nothing leaves the machine. The simulated network sends nothing real.
        A = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = networkA is null, SctpPathMtuDiscovery = sctpPathMtuDiscovery }, networkA, time);
        B = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = networkB is null, SrtpProfiles = srtpProfilesOfB, SctpPathMtuDiscovery = sctpPathMtuDiscovery }, networkB, time);
        Trickle(A, B);
        Trickle(B, A);
        foreach (var pc in new[] { A, B })
        {
            var tracks = pc == A ? TracksAtA : TracksAtB;
            var arrived = pc == A ? _arrivedAtA : _arrivedAtB;
            pc.Track += (_, e) =>
            {
                tracks.Enqueue((RemoteMediaStreamTrack)e.Track);
                arrived.Release();
            };
        }
    }

    private readonly SemaphoreSlim _arrivedAtA = new(0);
    private readonly SemaphoreSlim _arrivedAtB = new(0);

    /// <summary>Waits until the side has received its audio and video tracks.</summary>
    public async Task<(RemoteMediaStreamTrack Audio, RemoteMediaStreamTrack Video)> RemoteTracksAsync(bool atA)
    {
        var arrived = atA ? _arrivedAtA : _arrivedAtB;
        var queue = atA ? TracksAtA : TracksAtB;
        for (var i = 0; i < 2; i++)
        {
            Assert.True(await arrived.WaitAsync(Deadline), "remote tracks did not arrive");
        }

        var tracks = queue.ToArray();
        return (tracks.Single(t => t.Kind == MediaKind.Audio), tracks.Single(t => t.Kind == MediaKind.Video));
    }

    public RTCPeerConnection A { get; }
    public RTCPeerConnection B { get; }
    public ConcurrentQueue<RemoteMediaStreamTrack> TracksAtA { get; } = new();
    public ConcurrentQueue<RemoteMediaStreamTrack> TracksAtB { get; } = new();

    /// <summary>The seed's order: both add audio and video, A offers, B answers.</summary>
    public async Task NegotiateAsync(Func<RTCSessionDescriptionInit, RTCSessionDescriptionInit>? alterAnswer = null)
    {
        var offer = await A.CreateOfferAsync();
        await A.SetLocalDescriptionAsync(offer);
        await SetRemoteAsync(B, offer);
        var answer = await B.CreateAnswerAsync();
        await B.SetLocalDescriptionAsync(answer);
        await SetRemoteAsync(A, alterAnswer is null ? answer : alterAnswer(answer));
    }

    public static Task WaitForStateAsync(RTCPeerConnection pc, Func<RTCPeerConnectionState, bool> done)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pc.ConnectionStateChange += (_, _) =>
        {
            if (done(pc.ConnectionState))
            {
                tcs.TrySetResult();
            }
        };
        if (done(pc.ConnectionState))
        {
            tcs.TrySetResult();
        }

        return tcs.Task.WaitAsync(Deadline);
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }

    private readonly Dictionary<RTCPeerConnection, List<RTCIceCandidateInit>> _early = [];
    private readonly bool _queueEarly;

    /// <summary>Candidates that arrive before the remote description wait for it, as the call layer does.</summary>
    private void Trickle(RTCPeerConnection from, RTCPeerConnection to)
    {
        _early[to] = [];
        from.IceCandidate += async (_, e) =>
        {
            if (e.Candidate is null)
            {
                return;
            }

            lock (_early)
            {
                if (_queueEarly && to.RemoteDescription is null)
                {
                    _early[to].Add(e.Candidate);
                    return;
                }
            }

            await to.AddIceCandidateAsync(e.Candidate);
        };
    }

    private async Task SetRemoteAsync(RTCPeerConnection pc, RTCSessionDescriptionInit description)
    {
        await pc.SetRemoteDescriptionAsync(description);
        RTCIceCandidateInit[] early;
        lock (_early)
        {
            early = [.. _early[pc]];
            _early[pc].Clear();
        }

        foreach (var candidate in early)
        {
            await pc.AddIceCandidateAsync(candidate);
        }
    }
}
