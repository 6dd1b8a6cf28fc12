namespace P2PCall.WebRtc.Tests.PeerConnection;

/// <summary>No media reaches the application after DisposeAsync returned, and closing from a media handler is safe.</summary>
public class CloseDeliveryTests
{
    private static async Task<(RTCRtpSender Sender, RemoteMediaStreamTrack Track)> ConnectAudioAsync(PeerPair pair)
    {
        var sender = (RTCRtpSender)pair.A.AddTrack(new TestTrack(MediaKind.Audio));
        pair.B.AddTrack(new TestTrack(MediaKind.Audio));
        var connectedA = PeerPair.WaitForStateAsync(pair.A, s => s == RTCPeerConnectionState.Connected);
        var connectedB = PeerPair.WaitForStateAsync(pair.B, s => s == RTCPeerConnectionState.Connected);
        var track = new TaskCompletionSource<RemoteMediaStreamTrack>(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.B.Track += (_, e) => track.TrySetResult((RemoteMediaStreamTrack)e.Track);
        await pair.NegotiateAsync();
        await Task.WhenAll(connectedA, connectedB);
        return (sender, await track.Task.WaitAsync(PeerPair.Deadline));
    }

    private static async Task SendUntilAsync(RTCRtpSender sender, Task done)
    {
        uint timestamp = 0;
        while (!done.IsCompleted)
        {
            sender.SendRtp(sender.Codecs[0].PayloadType, timestamp += 960, marker: false, [1, 2, 3]);
            await Task.WhenAny(done, Task.Delay(10)).WaitAsync(PeerPair.Deadline);
        }
    }

    [Fact]
    public async Task DisposeAsync_waits_for_a_packet_being_delivered_and_nothing_is_delivered_after_it()
    {
        await using var pair = new PeerPair();
        var (sender, track) = await ConnectAudioAsync(pair);
        var inside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        var disposed = 0;
        var deliveredAfterDispose = 0;
        track.RtpReceived += (_, _) =>
        {
            if (Volatile.Read(ref disposed) != 0)
            {
                Interlocked.Increment(ref deliveredAfterDispose);
            }

            if (inside.TrySetResult())
            {
                // Hold the network thread inside the delivery while the connection is disposed.
                release.Wait(PeerPair.Deadline);
            }
        };
        await SendUntilAsync(sender, inside.Task);

        var dispose = pair.B.DisposeAsync().AsTask();

        Assert.Equal(MediaStreamTrackState.Ended, track.ReadyState); // W3C close ends the receivers' tracks
        Assert.False(dispose.IsCompleted, "DisposeAsync returned while a packet was still being delivered");
        release.Set();
        await dispose.WaitAsync(PeerPair.Deadline);
        Volatile.Write(ref disposed, 1);
        for (var i = 0; i < 20; i++)
        {
            sender.SendRtp(sender.Codecs[0].PayloadType, (uint)(i * 960), marker: false, [4]);
        }

        await Task.Yield();
        Assert.Equal(0, Volatile.Read(ref deliveredAfterDispose));
    }

    [Fact]
    public async Task Disposing_from_inside_a_media_handler_completes()
    {
        await using var pair = new PeerPair();
        var (sender, track) = await ConnectAudioAsync(pair);
        var disposing = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        track.RtpReceived += (_, _) =>
        {
            if (!disposing.Task.IsCompleted)
            {
                disposing.TrySetResult(pair.B.DisposeAsync().AsTask());
            }
        };
        await SendUntilAsync(sender, disposing.Task);

        await (await disposing.Task).WaitAsync(PeerPair.Deadline);

        Assert.Equal(RTCPeerConnectionState.Closed, pair.B.ConnectionState);
        Assert.Equal(MediaStreamTrackState.Ended, track.ReadyState);
    }
}
