using System.Globalization;
using P2PCall.Core.Calls;
using P2PCall.WebRtc;
using P2PCall.WebRtc.Media.Audio;
using P2PCall.WebRtc.Media.Video;

namespace P2PCall.Samples.Cli;

/// <summary>
/// Watches one call from one side: decodes the remote audio and video (counting frames, optionally recording them
/// to WAV and Y4M), runs the chat check (<c>ping:n</c> once a second on this side's own "chat" channel, every
/// <c>ping:n</c> received on any channel answered with <c>pong:n</c> on that channel) and keeps the numbers the live
/// view and the final report show. Attach it before the session can raise anything: in the <c>configure</c>
/// callback of <see cref="ICallClient.CallAsync"/> or the <see cref="ICallClient.IncomingCall"/> handler.
/// </summary>
internal sealed class CallMonitor : IAsyncDisposable
{
    private static readonly TimeSpan PingPeriod = TimeSpan.FromSeconds(1);

    private readonly CallSession _session;
    private readonly string? _recordDirectory;
    private readonly int _recordFrameRate;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly Lock _gate = new();
    private readonly Lock _videoGate = new();
    private readonly Lock _wavGate = new();
    private readonly HashSet<long> _pongsMissing = [];
    private readonly TaskCompletionSource _pongsDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<IDataChannel> _channels = [];

    private AudioReceiver? _audio;
    private WavAudioWriter? _wav;
    private RemoteMediaStreamTrack? _audioTrack;
    private VideoReceiver? _video;
    private RemoteMediaStreamTrack? _videoTrack;
    private FileStream? _y4mStream;
    private Y4mWriter? _y4m;
    private long _videoFrames;
    private ITimer? _pingTimer;
    private bool _pinging;
    private long _nextPing;
    private int _chatSent;
    private int _chatReceived;
    private int _pongsSent;
    private double? _connectMs;
    private Snapshot _last;
    private long _lastTimestamp;
    private int _disposed;

    public CallMonitor(CallSession session, string? recordDirectory, TimeProvider time, int recordFrameRate = 30)
    {
        _recordFrameRate = recordFrameRate;
        _session = session;
        _recordDirectory = recordDirectory;
        _time = time;
        _started = time.GetTimestamp();
        _lastTimestamp = _started;
        session.StateChanged += OnStateChanged;
        session.RemoteTrack += OnRemoteTrack;
        session.DataChannelReceived += (_, e) => Watch(e.Channel);
    }

    public CallSession Session => _session;

    /// <summary>Waits until the call is connected (true) or ended before that (false).</summary>
    public async Task<bool> WaitConnectedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _session.WaitForConnectedAsync(cancellationToken);
            return true;
        }
        catch (CallEndedException)
        {
            return false;
        }
    }

    /// <summary>Stops sending pings and waits (at most <paramref name="timeout"/>) for the pongs of those sent.</summary>
    public async Task StopChatAsync(TimeSpan timeout)
    {
        lock (_gate)
        {
            _pinging = false;
            _pingTimer?.Dispose();
            _pingTimer = null;
            if (_pongsMissing.Count == 0)
            {
                _pongsDone.TrySetResult();
            }
        }

        await Task.WhenAny(_pongsDone.Task, _session.Completion, Task.Delay(timeout, _time));
    }

    /// <summary>Hangs up (unless the call already ended) and waits for the end.</summary>
    public async Task<CallEndedEventArgs> HangupAsync(TimeSpan timeout)
    {
        await _session.HangupAsync().WaitAsync(timeout, _time);
        return await _session.Completion.WaitAsync(timeout, _time);
    }

    /// <summary>The numbers right now; the bit rates are averaged since the previous call.</summary>
    public Snapshot Sample()
    {
        var pc = _session.PeerConnection as RTCPeerConnection;
        var stats = pc?.GetStats();
        long packetsSent = 0, bytesSent = 0, packetsLost = 0;
        TimeSpan? rtt = null;
        foreach (var o in stats?.Outbound ?? [])
        {
            packetsSent += o.PacketsSent;
            bytesSent += o.BytesSent;
            if (o.RoundTripTime is { } r && (rtt is null || r > rtt))
            {
                rtt = r;
            }
        }

        foreach (var i in stats?.Inbound ?? [])
        {
            packetsLost += i.PacketsLost;
        }

        long audioPackets, videoPackets, bytesReceived;
        lock (_gate)
        {
            audioPackets = _audioTrack?.PacketsReceived ?? 0;
            videoPackets = _videoTrack?.PacketsReceived ?? 0;
            bytesReceived = (_audioTrack?.BytesReceived ?? 0) + (_videoTrack?.BytesReceived ?? 0);
        }

        var now = _time.GetTimestamp();
        Snapshot snapshot;
        lock (_gate)
        {
            var seconds = _time.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
            double Rate(long bytes, long before) => seconds > 0 ? Math.Max(0, bytes - before) * 8 / seconds / 1000 : 0;
            snapshot = new Snapshot(
                _session.State,
                _connectMs,
                rtt,
                packetsSent,
                audioPackets + videoPackets,
                packetsLost,
                bytesSent,
                bytesReceived,
                Rate(bytesSent, _last.BytesSent),
                Rate(bytesReceived, _last.BytesReceived),
                _audio?.Statistics.FramesDecoded ?? 0,
                Interlocked.Read(ref _videoFrames),
                audioPackets,
                videoPackets,
                _chatSent,
                _chatReceived,
                Volatile.Read(ref _pongsSent));
            _last = snapshot;
            _lastTimestamp = now;
        }

        return snapshot;
    }

    /// <summary>The final report of this side (call after the call ended).</summary>
    public CallReport Report(string role)
    {
        var s = Sample();
        var end = _session.EndInfo;
        return new CallReport(
            role,
            _session.LocalUserId,
            _session.RemoteUserId,
            s.ConnectMs is not null,
            s.ConnectMs ?? -1,
            s.AudioFrames,
            s.VideoFrames,
            s.AudioPackets,
            s.VideoPackets,
            s.PacketsSent,
            s.ChatSent,
            s.ChatReceived,
            s.PongsSent,
            s.RoundTripTime?.TotalMilliseconds,
            end?.Reason.ToString() ?? _session.State.ToString(),
            end?.Detail);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        lock (_gate)
        {
            _pinging = false;
            _pingTimer?.Dispose();
            _pingTimer = null;
        }

        if (_audio is not null)
        {
            await _audio.DisposeAsync();
        }

        lock (_wavGate)
        {
            _wav?.Dispose();
        }

        if (_videoTrack is not null)
        {
            _videoTrack.RtpReceived -= OnVideoRtp;
        }

        lock (_videoGate)
        {
            _video?.Dispose();
            _video = null;
            _y4m?.Dispose();
            _y4mStream?.Dispose();
        }
    }

    private void OnStateChanged(object? sender, CallStateChangedEventArgs e)
    {
        if (e.Current != CallState.Connected)
        {
            return;
        }

        lock (_gate)
        {
            _connectMs = _time.GetElapsedTime(_started).TotalMilliseconds;
            _pinging = true;
        }

        if (_session.ChatChannel is { } chat)
        {
            Watch(chat);
            // The first ping a second after connected, not the moment the channel opens: the peer's session raises
            // DataChannelReceived on its own event queue, and a message that arrives before its handler subscribed is lost.
            lock (_gate)
            {
                if (_pinging)
                {
                    _pingTimer = _time.CreateTimer(_ => Ping(), null, PingPeriod, PingPeriod);
                }
            }
        }
    }

    private void Ping()
    {
        var chat = _session.ChatChannel;
        string message;
        lock (_gate)
        {
            if (!_pinging || chat is null || chat.ReadyState != RTCDataChannelState.Open)
            {
                return;
            }

            var n = _nextPing++;
            _pongsMissing.Add(n);
            _chatSent++;
            message = string.Create(CultureInfo.InvariantCulture, $"ping:{n}");
        }

        TrySend(chat, message);
    }

    private void Watch(IDataChannel channel)
    {
        lock (_gate)
        {
            if (_channels.Contains(channel))
            {
                return;
            }

            _channels.Add(channel);
        }

        channel.Message += (_, m) => OnMessage(channel, m);
    }

    private void OnMessage(IDataChannel channel, RTCDataChannelMessageEventArgs message)
    {
        if (message.Text is not { } text)
        {
            return;
        }

        if (text.StartsWith("ping:", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _pongsSent);
            TrySend(channel, "pong:" + text["ping:".Length..]);
        }
        else if (text.StartsWith("pong:", StringComparison.Ordinal)
            && ReferenceEquals(channel, _session.ChatChannel)
            && long.TryParse(text.AsSpan("pong:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            lock (_gate)
            {
                if (_pongsMissing.Remove(n))
                {
                    _chatReceived++;
                }

                if (!_pinging && _pongsMissing.Count == 0)
                {
                    _pongsDone.TrySetResult();
                }
            }
        }
    }

    private static void TrySend(IDataChannel channel, string message)
    {
        try
        {
            channel.Send(message);
        }
        catch (InvalidStateException)
        {
            // The channel closed under us (the call is ending): the count shows what got through.
        }
    }

    private void OnRemoteTrack(object? sender, RTCTrackEventArgs e)
    {
        if (e.Track is not RemoteMediaStreamTrack track || _disposed != 0)
        {
            return;
        }

        var pc = _session.PeerConnection as RTCPeerConnection;
        if (track.Kind == MediaKind.Audio && _audioTrack is null)
        {
            // The payload types of an m-line are shared by both directions: our sender's list maps the remote's too.
            var codecs = pc?.GetTransceivers().FirstOrDefault(t => t.Mid == track.Mid)?.Sender?.Codecs;
            var audio = new AudioReceiver(track, codecs is { Count: > 0 } ? codecs : null, null, _time);
            if (_recordDirectory is not null)
            {
                audio.FrameReceived += OnAudioFrame;
            }

            lock (_gate)
            {
                _audioTrack = track;
                _audio = audio;
            }
        }
        else if (track.Kind == MediaKind.Video && _videoTrack is null)
        {
            lock (_videoGate)
            {
                _video = new VideoReceiver(() => pc?.RequestKeyFrame(track));
                _video.FrameDecoded += OnVideoFrame;
            }

            lock (_gate)
            {
                _videoTrack = track;
            }

            track.RtpReceived += OnVideoRtp;
        }
    }

    // Raised on the receiver's playout timer: the file takes the format of the first frame (Opus 48 kHz, G.711 8 kHz).
    private void OnAudioFrame(object? sender, AudioFrame frame)
    {
        lock (_wavGate)
        {
            if (_disposed != 0)
            {
                return;
            }

            _wav ??= new WavAudioWriter(RecordPath("audio.wav"), frame.SampleRate, frame.Channels);
            if (frame.SampleRate == _wav.SampleRate && frame.Channels == _wav.Channels)
            {
                _wav.Write(frame);
            }
        }
    }

    private void OnVideoRtp(RtpPacketInfo info, ReadOnlySpan<byte> payload)
    {
        lock (_videoGate)
        {
            _video?.OnRtpPacket(info, payload);
        }
    }

    // Raised inside OnVideoRtp, under _videoGate.
    private void OnVideoFrame(object? sender, I420Frame frame)
    {
        Interlocked.Increment(ref _videoFrames);
        if (_recordDirectory is null)
        {
            return;
        }

        if (_y4m is null)
        {
            _y4mStream = File.Create(RecordPath("video.y4m"));
            _y4m = new Y4mWriter(_y4mStream, frame.Width, frame.Height, _recordFrameRate);
        }

        if (frame.Width == _y4m.Width && frame.Height == _y4m.Height)
        {
            _y4m.WriteFrame(frame);
        }
    }

    private string RecordPath(string what)
    {
        Directory.CreateDirectory(_recordDirectory!);
        return Path.Combine(_recordDirectory!, $"{_session.LocalUserId}-received-{what}");
    }

    /// <summary>One side's numbers at one moment.</summary>
    public readonly record struct Snapshot(
        CallState State,
        double? ConnectMs,
        TimeSpan? RoundTripTime,
        long PacketsSent,
        long PacketsReceived,
        long PacketsLost,
        long BytesSent,
        long BytesReceived,
        double KbpsSent,
        double KbpsReceived,
        long AudioFrames,
        long VideoFrames,
        long AudioPackets,
        long VideoPackets,
        int ChatSent,
        int ChatReceived,
        int PongsSent);
}
