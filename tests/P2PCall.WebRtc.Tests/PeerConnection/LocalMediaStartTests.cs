using P2PCall.WebRtc.Media.Audio;

namespace P2PCall.WebRtc.Tests.PeerConnection;

/// <summary>Local tracks start sending on their own once the transport is secure, off the DTLS thread, and stop with the connection.</summary>
public class LocalMediaStartTests
{
    /// <summary>A tone that counts how often the sender read it.</summary>
    private sealed class CountingSource : IAudioSource
    {
        private readonly ToneAudioSource _tone = new(440);
        private int _reads;

        public TaskCompletionSource FirstRead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Reads => Volatile.Read(ref _reads);

        public int SampleRate => _tone.SampleRate;

        public int Channels => _tone.Channels;

        public AudioReadResult ReadFrame(Span<short> frame)
        {
            Interlocked.Increment(ref _reads);
            FirstRead.TrySetResult();
            return _tone.ReadFrame(frame);
        }
    }

    [Fact]
    public async Task The_audio_sender_starts_after_connected_and_nothing_reads_the_source_after_dispose()
    {
        await using var pair = new PeerPair();
        var source = new CountingSource();
        pair.A.AddTrack(new LocalAudioTrack(source, "tone"));
        pair.B.AddTrack(new LocalAudioTrack(new SilenceAudioSource()));
        var readsAtConnected = -1;
        var connectedA = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.A.ConnectionStateChange += (_, _) =>
        {
            if (pair.A.ConnectionState == RTCPeerConnectionState.Connected)
            {
                Interlocked.CompareExchange(ref readsAtConnected, source.Reads, -1);
                connectedA.TrySetResult();
            }
        };

        await pair.NegotiateAsync();
        await connectedA.Task.WaitAsync(PeerPair.Deadline);
        await source.FirstRead.Task.WaitAsync(PeerPair.Deadline); // started by the connection, nobody called Start
        Assert.Equal(0, readsAtConnected); // nothing was encoded before the transport could send it

        await pair.A.DisposeAsync();
        int afterDispose = source.Reads;
        await Task.Delay(100); // five sender periods: a leaked pump would read again
        Assert.Equal(afterDispose, source.Reads);
    }

    [Fact]
    public async Task Disposing_from_the_connected_handler_while_media_starts_leaves_no_sender_running()
    {
        await using var pair = new PeerPair();
        var source = new CountingSource();
        pair.A.AddTrack(new LocalAudioTrack(source, "tone"));
        pair.B.AddTrack(new LocalAudioTrack(new SilenceAudioSource()));
        var disposed = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.A.ConnectionStateChange += (_, _) =>
        {
            if (pair.A.ConnectionState == RTCPeerConnectionState.Connected)
            {
                disposed.TrySetResult(pair.A.DisposeAsync().AsTask());
            }
        };

        await pair.NegotiateAsync();
        await (await disposed.Task.WaitAsync(PeerPair.Deadline)).WaitAsync(PeerPair.Deadline);
        int afterDispose = source.Reads;
        await Task.Delay(100);
        Assert.Equal(afterDispose, source.Reads);
        Assert.Equal(RTCPeerConnectionState.Closed, pair.A.ConnectionState);
    }
}
