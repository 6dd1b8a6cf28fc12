using System.Collections.Concurrent;
using P2PCall.WebRtc;

namespace P2PCall.Core.Tests.Fakes;

/// <summary>
/// A test double of a peer connection that hands SDP and candidates across like a real one would, without
/// any network: the offer names the offering fake, and a pair "connects" once each side has both
/// descriptions and at least one remote candidate. Enforces the W3C rules the sessions rely on:
/// addIceCandidate before setRemoteDescription throws InvalidStateException; an answer in the wrong
/// signaling state throws.
/// </summary>
internal sealed class FakePeerConnection : IPeerConnection
{
    private static readonly ConcurrentDictionary<string, FakePeerConnection> Registry = new();
    private static int _next;
    private readonly List<IDataChannel> _channels = [];
    private readonly List<IMediaStreamTrack> _tracks = [];
    private FakePeerConnection? _remote;

    private readonly System.Threading.Channels.Channel<Action>? _eventThread;
    private readonly List<TaskCompletionSource> _candidateWaiters = [];

    public FakePeerConnection(bool eventsOnOwnThread = false)
    {
        Id = $"fake{Interlocked.Increment(ref _next)}";
        Registry[Id] = this;
        if (eventsOnOwnThread)
        {
            // Like a real stack: events come from the connection's own thread, not from the caller's.
            _eventThread = System.Threading.Channels.Channel.CreateUnbounded<Action>();
            _ = Task.Run(async () =>
            {
                await foreach (var raise in _eventThread.Reader.ReadAllAsync())
                {
                    raise();
                }
            });
        }
    }

    public string[] CallsSnapshot()
    {
        lock (Calls)
        {
            return Calls.ToArray();
        }
    }

    public RTCIceCandidateInit[] CandidatesSnapshot()
    {
        lock (AddedCandidates)
        {
            return AddedCandidates.ToArray();
        }
    }

    public Task WaitForCandidatesAsync(int count)
    {
        lock (AddedCandidates)
        {
            if (AddedCandidates.Count >= count)
            {
                return Task.CompletedTask;
            }

            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _candidateWaiters.Add(tcs);
            return tcs.Task.ContinueWith(_ => WaitForCandidatesAsync(count), TaskScheduler.Default).Unwrap();
        }
    }

    private void Fire(Action raise)
    {
        if (_eventThread is null)
        {
            raise();
        }
        else
        {
            _eventThread.Writer.TryWrite(raise);
        }
    }

    public string Id { get; }
    public List<RTCIceCandidateInit> AddedCandidates { get; } = [];
    public List<string> Calls { get; } = [];
    public bool Disposed { get; private set; }
    public bool FailOnRemoteDescription { get; set; }
    public RTCSessionDescriptionInit? LocalDescription { get; private set; }
    public RTCSessionDescriptionInit? RemoteDescription { get; private set; }
    public RTCPeerConnectionState ConnectionState { get; private set; }
    public RTCIceConnectionState IceConnectionState { get; private set; }
    public RTCIceGatheringState IceGatheringState { get; private set; }
    public RTCSignalingState SignalingState { get; private set; }

    public event EventHandler<RTCPeerConnectionIceEventArgs>? IceCandidate;
    public event EventHandler<RTCTrackEventArgs>? Track;
    public event EventHandler? NegotiationNeeded;
    public event EventHandler<RTCDataChannelEventArgs>? DataChannel;
    public event EventHandler? ConnectionStateChange;
    public event EventHandler? IceConnectionStateChange;
    public event EventHandler? IceGatheringStateChange;
    public event EventHandler? SignalingStateChange;

    public Task<RTCSessionDescriptionInit> CreateOfferAsync(CancellationToken cancellationToken = default)
    {
        Record("createOffer");
        return Task.FromResult(new RTCSessionDescriptionInit(RTCSdpType.Offer, Sdp("offer")));
    }

    public Task<RTCSessionDescriptionInit> CreateAnswerAsync(CancellationToken cancellationToken = default)
    {
        Record("createAnswer");
        if (SignalingState != RTCSignalingState.HaveRemoteOffer)
        {
            throw new InvalidStateException("createAnswer needs a remote offer");
        }

        return Task.FromResult(new RTCSessionDescriptionInit(RTCSdpType.Answer, Sdp("answer")));
    }

    public Task SetLocalDescriptionAsync(RTCSessionDescriptionInit description, CancellationToken cancellationToken = default)
    {
        Record("setLocalDescription:" + description.Type);
        LocalDescription = description;
        SetSignaling(description.Type == RTCSdpType.Offer ? RTCSignalingState.HaveLocalOffer : RTCSignalingState.Stable);
        // Candidates are raised while setLocalDescription is still running, as an eager stack may do.
        IceGatheringState = RTCIceGatheringState.Gathering;
        IceCandidate?.Invoke(this, new RTCPeerConnectionIceEventArgs(new RTCIceCandidateInit($"candidate:1 1 udp 2122260223 127.0.0.1 {1000 + _next} typ host", "0", 0, Id)));
        IceCandidate?.Invoke(this, new RTCPeerConnectionIceEventArgs(new RTCIceCandidateInit($"candidate:2 1 udp 2122194687 127.0.0.2 {2000 + _next} typ host", "0", 0, Id)));
        IceGatheringState = RTCIceGatheringState.Complete;
        IceGatheringStateChange?.Invoke(this, EventArgs.Empty);
        IceCandidate?.Invoke(this, new RTCPeerConnectionIceEventArgs(null));
        TryConnect();
        return Task.CompletedTask;
    }

    public Task SetRemoteDescriptionAsync(RTCSessionDescriptionInit description, CancellationToken cancellationToken = default)
    {
        Record("setRemoteDescription:" + description.Type);
        if (FailOnRemoteDescription || !description.Sdp.StartsWith("v=0 fake ", StringComparison.Ordinal))
        {
            throw new FormatException("Invalid SDP");
        }

        if (description.Type == RTCSdpType.Answer && SignalingState != RTCSignalingState.HaveLocalOffer)
        {
            throw new InvalidStateException("answer in state " + SignalingState);
        }

        RemoteDescription = description;
        _remote = Registry[description.Sdp.Split(' ')[3]];
        SetSignaling(description.Type == RTCSdpType.Offer ? RTCSignalingState.HaveRemoteOffer : RTCSignalingState.Stable);
        TryConnect();
        return Task.CompletedTask;
    }

    public Task AddIceCandidateAsync(RTCIceCandidateInit? candidate, CancellationToken cancellationToken = default)
    {
        Record("addIceCandidate");
        if (RemoteDescription is null)
        {
            throw new InvalidStateException("addIceCandidate before setRemoteDescription");
        }

        if (candidate is not null)
        {
            lock (AddedCandidates)
            {
                AddedCandidates.Add(candidate);
                foreach (var waiter in _candidateWaiters)
                {
                    waiter.TrySetResult();
                }

                _candidateWaiters.Clear();
            }
        }

        TryConnect();
        return Task.CompletedTask;
    }

    public IRtpSender AddTrack(IMediaStreamTrack track, params MediaStream[] streams)
    {
        Record("addTrack:" + track.Kind);
        _tracks.Add(track);
        return new FakeSender(track);
    }

    public IDataChannel CreateDataChannel(string label, RTCDataChannelInit? options = null)
    {
        Record("createDataChannel:" + label);
        var channel = new FakeDataChannel(label);
        _channels.Add(channel);
        return channel;
    }

    public void Close()
    {
        Record("close");
        if (ConnectionState == RTCPeerConnectionState.Closed)
        {
            return;
        }

        ConnectionState = RTCPeerConnectionState.Closed;
        SignalingState = RTCSignalingState.Closed;
        ConnectionStateChange?.Invoke(this, EventArgs.Empty);
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        _eventThread?.Writer.TryComplete();
        Registry.TryRemove(Id, out _);
        return ValueTask.CompletedTask;
    }

    private string Sdp(string kind) => $"v=0 fake {kind} {Id} tracks={_tracks.Count}";

    private void Record(string call)
    {
        lock (Calls)
        {
            Calls.Add(call);
        }
    }

    private void SetSignaling(RTCSignalingState state)
    {
        SignalingState = state;
        SignalingStateChange?.Invoke(this, EventArgs.Empty);
    }

    private void TryConnect()
    {
        var remote = _remote;
        bool ready;
        lock (AddedCandidates)
        {
            ready = ConnectionState == RTCPeerConnectionState.New && remote is not null && LocalDescription is not null
                && RemoteDescription is not null && AddedCandidates.Count > 0;
        }

        if (!ready)
        {
            return;
        }

        ConnectionState = RTCPeerConnectionState.Connected;
        IceConnectionState = RTCIceConnectionState.Connected;
        Fire(() => IceConnectionStateChange?.Invoke(this, EventArgs.Empty));
        Fire(() => ConnectionStateChange?.Invoke(this, EventArgs.Empty));
        foreach (var track in remote!._tracks)
        {
            Fire(() => Track?.Invoke(this, new RTCTrackEventArgs(track, [], "0")));
        }

        foreach (var channel in remote._channels)
        {
            Fire(() => DataChannel?.Invoke(this, new RTCDataChannelEventArgs(new FakeDataChannel(channel.Label))));
        }

        _ = NegotiationNeeded;
    }

    private sealed record FakeSender(IMediaStreamTrack? Track) : IRtpSender;
}

internal sealed class FakeDataChannel(string label) : IDataChannel
{
    public string Label { get; } = label;
    public string Protocol => string.Empty;
    public ushort? Id => null;
    public bool Ordered => true;
    public int? MaxRetransmits => null;
    public TimeSpan? MaxPacketLifeTime => null;
    public bool Negotiated => false;
    public RTCDataChannelState ReadyState { get; private set; } = RTCDataChannelState.Open;
    public long BufferedAmount => 0;
    public long BufferedAmountLowThreshold { get; set; }
    public event EventHandler? Open;
    public event EventHandler<RTCDataChannelMessageEventArgs>? Message;
    public event EventHandler? BufferedAmountLow;
    public event EventHandler? Closed;
    public event EventHandler<RTCErrorEventArgs>? Error;

    public void Send(string message) => _ = (Open, Message, BufferedAmountLow, Error);

    public void Send(ReadOnlySpan<byte> message)
    {
    }

    public void Close()
    {
        ReadyState = RTCDataChannelState.Closed;
        Closed?.Invoke(this, EventArgs.Empty);
    }
}

internal sealed class FakeTrack(MediaKind kind) : IMediaStreamTrack
{
    public string Id { get; } = Guid.NewGuid().ToString();
    public MediaKind Kind { get; } = kind;
    public string Label => Kind + " test source";
    public bool Enabled { get; set; } = true;
    public MediaStreamTrackState ReadyState { get; private set; }
    public event EventHandler? Ended;

    public void Stop()
    {
        if (ReadyState == MediaStreamTrackState.Ended)
        {
            return;
        }

        ReadyState = MediaStreamTrackState.Ended;
        Ended?.Invoke(this, EventArgs.Empty);
    }
}

internal sealed class FakePeerConnectionFactory : IPeerConnectionFactory
{
    public bool EventsOnOwnThread { get; init; }

    /// <summary>Runs on each new connection before the session sees it, so a test can subscribe before any event.</summary>
    public Action<FakePeerConnection>? OnCreated { get; set; }

    public List<FakePeerConnection> Created { get; } = [];
    public RTCConfiguration? LastConfiguration { get; private set; }

    public IPeerConnection Create(RTCConfiguration configuration)
    {
        LastConfiguration = configuration;
        var pc = new FakePeerConnection(EventsOnOwnThread);
        OnCreated?.Invoke(pc);
        lock (Created)
        {
            Created.Add(pc);
        }

        return pc;
    }
}

internal sealed class FakeMediaDevices : IMediaDevices
{
    public List<MediaStream> Streams { get; } = [];

    public Task<MediaStream> GetUserMediaAsync(MediaStreamConstraints constraints, CancellationToken cancellationToken = default)
    {
        var tracks = new List<IMediaStreamTrack>();
        if (constraints.Audio)
        {
            tracks.Add(new FakeTrack(MediaKind.Audio));
        }

        if (constraints.Video)
        {
            tracks.Add(new FakeTrack(MediaKind.Video));
        }

        var stream = new MediaStream(Guid.NewGuid().ToString(), tracks);
        lock (Streams)
        {
            Streams.Add(stream);
        }

        return Task.FromResult(stream);
    }
}
