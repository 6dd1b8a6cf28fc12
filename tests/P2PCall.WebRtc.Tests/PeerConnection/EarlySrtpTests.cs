namespace P2PCall.WebRtc.Tests.PeerConnection;

/// <summary>
/// SRTP that arrives before our DTLS side has its keys (the peer's handshake ends first) is kept, then delivered in
/// arrival order, from one thread, before anything newer (RFC 3711 §3.3.2 replay window; lessons: first packets).
/// </summary>
public class EarlySrtpTests
{
    [Fact]
    public async Task Packets_that_beat_our_keys_are_delivered_in_order_before_newer_ones_and_none_is_lost()
    {
        await using var pair = new PeerPair();
        var audioA = (RTCRtpSender)pair.A.AddTrack(new TestTrack(MediaKind.Audio));
        var release = new ManualResetEventSlim();
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // B answers with a=setup:active, so it is the DTLS client and finishes last: hold its DTLS thread right there.
        pair.B.TestHookBeforeReceiveKeys = () =>
        {
            held.TrySetResult();
            release.Wait(PeerPair.Deadline);
        };
        var lateSent = new ManualResetEventSlim();
        var received = new List<ushort>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int Early = 40;
        const int Late = 40;
        pair.B.Track += (_, e) => ((RemoteMediaStreamTrack)e.Track).RtpReceived += (info, _) =>
        {
            bool first;
            lock (received)
            {
                first = received.Count == 0;
            }

            if (first)
            {
                // A slow handler on the first early packet: newer packets arrive meanwhile and must wait their turn.
                lateSent.Wait(PeerPair.Deadline);
            }

            lock (received)
            {
                received.Add(info.SequenceNumber);
                if (received.Count == Early + Late)
                {
                    all.TrySetResult();
                }
            }
        };
        var connectedA = PeerPair.WaitForStateAsync(pair.A, s => s == RTCPeerConnectionState.Connected);

        await pair.NegotiateAsync();
        await Task.WhenAll(connectedA, held.Task).WaitAsync(PeerPair.Deadline);
        var payloadType = audioA.Codecs[0].PayloadType;
        uint timestamp = 0;
        for (var i = 0; i < Early; i++)
        {
            Assert.True(audioA.SendRtp(payloadType, timestamp += 960, false, [1, 2, 3]));
        }

        // All of them wait at B (a loopback socket may take a moment to hand them over).
        var waitStart = TimeProvider.System.GetTimestamp();
        while (pair.B.EarlySrtpQueued < Early && TimeProvider.System.GetElapsedTime(waitStart) < PeerPair.Deadline)
        {
            await Task.Delay(5);
        }

        Assert.Equal(Early, pair.B.EarlySrtpQueued);
        release.Set();
        for (var i = 0; i < Late; i++)
        {
            Assert.True(audioA.SendRtp(payloadType, timestamp += 960, false, [4, 5, 6]));
        }

        lateSent.Set();

        await all.Task.WaitAsync(PeerPair.Deadline);

        ushort[] order;
        lock (received)
        {
            order = [.. received];
        }

        for (var i = 1; i < order.Length; i++)
        {
            Assert.Equal((ushort)(order[0] + i), order[i]);
        }

        Assert.Equal(0, pair.B.SrtpPacketsDropped);
        release.Dispose();
        lateSent.Dispose();
    }
}
