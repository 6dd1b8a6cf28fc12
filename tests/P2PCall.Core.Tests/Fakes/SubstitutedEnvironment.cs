using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using P2PCall.Core.Calls;
using P2PCall.Core.Signaling;
using P2PCall.WebRtc;

namespace P2PCall.Core.Tests.Fakes;

/// <summary>A call client whose signaling channel, peer connection and media are NSubstitute substitutes.</summary>
internal sealed class SubstitutedEnvironment : IAsyncDisposable
{
    private readonly List<SignalingMessage> _sent = [];
    private readonly List<(Func<SignalingMessage, bool> Match, TaskCompletionSource<SignalingMessage> Done)> _waiters = [];

    public SubstitutedEnvironment(string localUserId, Action<P2PCallOptions>? configure = null)
    {
        Channel.LocalUserId.Returns(localUserId);
        Channel.IsConnected.Returns(true);
        Channel.SendAsync(Arg.Any<SignalingMessage>(), Arg.Any<CancellationToken>()).Returns(ci =>
        {
            var message = ci.Arg<SignalingMessage>();
            lock (_sent)
            {
                _sent.Add(message);
                foreach (var waiter in _waiters.Where(w => w.Match(message)).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Done.TrySetResult(message);
                }
            }

            return Task.CompletedTask;
        });
        Factory.Create(Arg.Any<RTCConfiguration>()).Returns(PeerConnection);
        Audio.Kind.Returns(MediaKind.Audio);
        Video.Kind.Returns(MediaKind.Video);
        Stream = new MediaStream("local", [Audio, Video]);
        Media.GetUserMediaAsync(Arg.Any<MediaStreamConstraints>(), Arg.Any<CancellationToken>()).Returns(Stream);
        PeerConnection.CreateDataChannel("chat", Arg.Any<RTCDataChannelInit?>()).Returns(Chat);
        PeerConnection.CreateOfferAsync(Arg.Any<CancellationToken>()).Returns(Offer);
        PeerConnection.CreateAnswerAsync(Arg.Any<CancellationToken>()).Returns(Answer);
        PeerConnection.SetLocalDescriptionAsync(Arg.Any<RTCSessionDescriptionInit>(), Arg.Any<CancellationToken>())
            .Returns(ci =>
            {
                PeerConnection.LocalDescription.Returns(ci.Arg<RTCSessionDescriptionInit>());
                return Task.CompletedTask;
            });
        var options = new P2PCallOptions();
        configure?.Invoke(options);
        Client = new CallClient(Channel, Factory, Media, Options.Create(options), Logs, Time);
    }

    public static RTCSessionDescriptionInit Offer { get; } = new(RTCSdpType.Offer, "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
    public static RTCSessionDescriptionInit Answer { get; } = new(RTCSdpType.Answer, "v=0\r\no=- 3 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");

    public ISignalingChannel Channel { get; } = Substitute.For<ISignalingChannel>();
    public IPeerConnectionFactory Factory { get; } = Substitute.For<IPeerConnectionFactory>();
    public IPeerConnection PeerConnection { get; } = Substitute.For<IPeerConnection>();
    public IMediaDevices Media { get; } = Substitute.For<IMediaDevices>();
    public IMediaStreamTrack Audio { get; } = Substitute.For<IMediaStreamTrack>();
    public IMediaStreamTrack Video { get; } = Substitute.For<IMediaStreamTrack>();
    public IDataChannel Chat { get; } = Substitute.For<IDataChannel>();
    public MediaStream Stream { get; }
    public FakeTimeProvider Time { get; } = new();
    public RecordingLoggerProvider Logs { get; } = new();
    public CallClient Client { get; }

    public IReadOnlyList<SignalingMessage> Sent
    {
        get
        {
            lock (_sent)
            {
                return _sent.ToArray();
            }
        }
    }

    /// <summary>Raises a received message on the substituted channel.</summary>
    public void Receive(SignalingMessage message) =>
        Channel.MessageReceived += Raise.EventWith(Channel, new SignalingMessageEventArgs(message));

    /// <summary>Raises a relay error on the substituted channel.</summary>
    public void ReceiveError(SignalingException error) =>
        Channel.ErrorReceived += Raise.EventWith(Channel, new SignalingErrorEventArgs(error));

    /// <summary>Completes when a matching message has been sent (now or later).</summary>
    public Task<SignalingMessage> WaitForSentAsync(Func<SignalingMessage, bool> match)
    {
        lock (_sent)
        {
            if (_sent.FirstOrDefault(match) is { } already)
            {
                return Task.FromResult(already);
            }

            var tcs = new TaskCompletionSource<SignalingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, tcs));
            return tcs.Task.WaitAsync(CallPair.Deadline);
        }
    }

    public Task<SignalingMessage> WaitForSentAsync<T>()
        where T : SignalingMessage => WaitForSentAsync(m => m is T);

    public void RaiseConnectionState(RTCPeerConnectionState state)
    {
        PeerConnection.ConnectionState.Returns(state);
        PeerConnection.ConnectionStateChange += Raise.Event<EventHandler>(PeerConnection, EventArgs.Empty);
    }

    /// <summary>Raises the event for <paramref name="entered"/> while the property already says <paramref name="now"/>.</summary>
    public void RaiseConnectionState(RTCPeerConnectionState entered, RTCPeerConnectionState now)
    {
        PeerConnection.ConnectionState.Returns(now);
        PeerConnection.ConnectionStateChange += Raise.Event<EventHandler>(PeerConnection, new RTCPeerConnectionStateChangedEventArgs(entered));
    }

    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
