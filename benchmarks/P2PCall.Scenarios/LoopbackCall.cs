using System.Diagnostics;
using P2PCall.WebRtc;
using P2PCall.WebRtc.Media;
using P2PCall.WebRtc.Media.Audio;
using P2PCall.WebRtc.Media.Video;

namespace P2PCall.Scenarios;

/// <summary>
/// A .NET ↔ .NET call in one process on loopback UDP, shaped like the seed's: each side takes the microphone and
/// camera from <see cref="MediaDevices"/> (tone, test pattern) when <c>media</c> is on, opens its own "chat" channel,
/// and decodes the other's audio and video. Times are taken on one <see cref="Stopwatch"/> that starts before the
/// connections are created (the same point as Chromium's <c>initCallerInfo</c>).
/// </summary>
internal sealed class LoopbackCall : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly List<IDisposable> _receivers = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TaskCompletionSource<double> _audioAtB = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<double> _videoAtB = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<long> _concealedInFirstSecondAtB = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<IDataChannel> _remoteChatAtA = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<IDataChannel> _remoteChatAtB = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private MediaStream? _streamA;
    private MediaStream? _streamB;

    private LoopbackCall()
    {
        A = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = true, SctpPathMtuDiscovery = true });
        B = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = true, SctpPathMtuDiscovery = true });
    }

    public RTCPeerConnection A { get; }

    public RTCPeerConnection B { get; }

    /// <summary>A's own "chat" channel (its messages arrive at B in <see cref="RemoteChatAtBAsync"/>).</summary>
    public IDataChannel ChatA { get; private set; } = null!;

    /// <summary>B's own "chat" channel.</summary>
    public IDataChannel ChatB { get; private set; } = null!;

    /// <summary>Milliseconds from start to tracks and channels added (connections created, getUserMedia done).</summary>
    public double PreparedMs { get; private set; }

    /// <summary>Milliseconds from start to the answer applied at the offerer (signaling done).</summary>
    public double NegotiatedMs { get; private set; }

    /// <summary>Milliseconds from start to A (offerer) and to B (answerer) connected.</summary>
    public (double A, double B) ConnectedEachMs { get; private set; }

    /// <summary>Milliseconds since the start.</summary>
    public double Elapsed => _clock.Elapsed.TotalMilliseconds;

    /// <summary>Milliseconds from start to ICE connected (a nominated pair) at A and at B.</summary>
    public (double A, double B) IceConnectedEachMs { get; private set; }

    /// <summary>Milliseconds from start to both sides connected.</summary>
    public double ConnectedMs { get; private set; }

    /// <summary>Milliseconds from start to the first decoded audio frame at B (A's tone), once media runs.</summary>
    public Task<double> FirstAudioAtB => _audioAtB.Task;

    /// <summary>Frames B's audio receiver concealed among the first 50 it played (the first second), a late start showing as underruns.</summary>
    public Task<long> ConcealedInFirstSecondAtB => _concealedInFirstSecondAtB.Task;

    /// <summary>Milliseconds from start to the first decoded video frame at B (A's test pattern).</summary>
    public Task<double> FirstVideoAtB => _videoAtB.Task;

    public Task<IDataChannel> RemoteChatAtAAsync() => _remoteChatAtA.Task.WaitAsync(Deadline);

    public Task<IDataChannel> RemoteChatAtBAsync() => _remoteChatAtB.Task.WaitAsync(Deadline);

    /// <summary>Creates both connections, negotiates (offer A → B, trickle ICE) and waits for both to connect.</summary>
    public static async Task<LoopbackCall> ConnectAsync(bool media)
    {
        var call = new LoopbackCall();
        try
        {
            await call.NegotiateAsync(media);
            return call;
        }
        catch
        {
            await call.DisposeAsync();
            throw;
        }
    }

    private async Task NegotiateAsync(bool media)
    {
        var devices = new MediaDevices();
        if (media)
        {
            _streamA = await devices.GetUserMediaAsync(new MediaStreamConstraints { Audio = true, Video = true });
            _streamB = await devices.GetUserMediaAsync(new MediaStreamConstraints { Audio = true, Video = true });
            foreach (var t in _streamA.Tracks)
            {
                A.AddTrack(t);
            }

            foreach (var t in _streamB.Tracks)
            {
                B.AddTrack(t);
            }
        }

        B.Track += (_, e) => OnTrackAtB((RemoteMediaStreamTrack)e.Track);
        A.DataChannel += (_, e) => _remoteChatAtA.TrySetResult(e.Channel);
        B.DataChannel += (_, e) => _remoteChatAtB.TrySetResult(e.Channel);
        ChatA = A.CreateDataChannel("chat");
        ChatB = B.CreateDataChannel("chat");
        PreparedMs = _clock.Elapsed.TotalMilliseconds;
        var connectedA = WhenConnected(A, _clock);
        var connectedB = WhenConnected(B, _clock);
        var iceA = WhenIceConnected(A, _clock);
        var iceB = WhenIceConnected(B, _clock);
        var connected = Task.WhenAll(connectedA, connectedB);
        A.IceCandidate += async (_, e) => await B.AddIceCandidateAsync(e.Candidate);
        B.IceCandidate += async (_, e) => await A.AddIceCandidateAsync(e.Candidate);

        var offer = await A.CreateOfferAsync();
        await A.SetLocalDescriptionAsync(offer);
        await B.SetRemoteDescriptionAsync(offer);
        var answer = await B.CreateAnswerAsync();
        await B.SetLocalDescriptionAsync(answer);
        await A.SetRemoteDescriptionAsync(answer);
        NegotiatedMs = _clock.Elapsed.TotalMilliseconds;
        await connected.WaitAsync(Deadline);
        ConnectedEachMs = (connectedA.Result, connectedB.Result);
        // ICE reports connected before or with the peer connection (its state is part of the aggregate).
        IceConnectedEachMs = (await iceA.WaitAsync(Deadline), await iceB.WaitAsync(Deadline));
        ConnectedMs = _clock.Elapsed.TotalMilliseconds;
    }

    private void OnTrackAtB(RemoteMediaStreamTrack track)
    {
        // Receivers are made in the track event, before the first packet can be missed.
        if (track.Kind == MediaKind.Audio)
        {
            var audio = B.CreateAudioReceiver(track);
            var played = 0;
            audio.FrameReceived += (_, _) =>
            {
                var statistics = audio.Statistics;
                if (statistics.FramesDecoded > 0)
                {
                    _audioAtB.TrySetResult(_clock.Elapsed.TotalMilliseconds);
                }

                if (++played == 50)
                {
                    _concealedInFirstSecondAtB.TrySetResult(statistics.ConcealedFrames);
                }
            };
            lock (_receivers)
            {
                _receivers.Add(audio);
            }
        }
        else
        {
            var video = B.CreateVideoReceiver(track);
            video.FrameDecoded += (_, _) => _videoAtB.TrySetResult(_clock.Elapsed.TotalMilliseconds);
            lock (_receivers)
            {
                _receivers.Add(video);
            }
        }
    }

    public static Task WhenOpen(IDataChannel channel)
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.Open += (_, _) => open.TrySetResult();
        if (channel.ReadyState == RTCDataChannelState.Open)
        {
            open.TrySetResult();
        }

        return open.Task.WaitAsync(Deadline);
    }

    private static Task<double> WhenConnected(RTCPeerConnection pc, Stopwatch clock)
    {
        var done = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        pc.ConnectionStateChange += (_, _) =>
        {
            if (pc.ConnectionState == RTCPeerConnectionState.Connected)
            {
                done.TrySetResult(clock.Elapsed.TotalMilliseconds);
            }
            else if (pc.ConnectionState == RTCPeerConnectionState.Failed)
            {
                done.TrySetException(new InvalidOperationException("connection failed: " + pc.FailureReason?.Message, pc.FailureReason));
            }
        };
        return done.Task;
    }

    private static Task<double> WhenIceConnected(RTCPeerConnection pc, Stopwatch clock)
    {
        var done = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        pc.IceConnectionStateChange += (_, _) =>
        {
            if (pc.IceConnectionState is RTCIceConnectionState.Connected or RTCIceConnectionState.Completed)
            {
                done.TrySetResult(clock.Elapsed.TotalMilliseconds);
            }
        };
        return done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        // The connections are closed and no packet reaches a receiver any more: the decoders can go.
        lock (_receivers)
        {
            _receivers.ForEach(r => r.Dispose());
            _receivers.Clear();
        }

        foreach (var t in (_streamA?.Tracks ?? []).Concat(_streamB?.Tracks ?? []))
        {
            t.Stop();
        }
    }
}
