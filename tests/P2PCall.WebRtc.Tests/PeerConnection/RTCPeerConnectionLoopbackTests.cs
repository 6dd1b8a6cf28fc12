using P2PCall.WebRtc.Dtls;
using P2PCall.WebRtc.Net;

namespace P2PCall.WebRtc.Tests.PeerConnection;

/// <summary>Two RTCPeerConnections in one process: ICE, DTLS and SRTP for real, over loopback UDP or the simulated network.</summary>
public class RTCPeerConnectionLoopbackTests
{
    private static async Task<RtpPacketInfo> SendUntilReceivedAsync(RTCRtpSender sender, RemoteMediaStreamTrack track, byte[] payload)
    {
        var received = new TaskCompletionSource<(RtpPacketInfo Info, byte[] Payload)>(TaskCreationOptions.RunContinuationsAsynchronously);
        track.RtpReceived += (info, data) => received.TrySetResult((info, data.ToArray()));
        var payloadType = sender.Codecs[0].PayloadType;
        uint timestamp = 1000;
        // Media is sent at its own pace; a packet sent before the far end has its keys is dropped, as in a real call.
        while (!received.Task.IsCompleted)
        {
            sender.SendRtp(payloadType, timestamp += 960, marker: false, payload);
            await Task.WhenAny(received.Task, Task.Delay(20));
        }

        var (info, got) = await received.Task.WaitAsync(PeerPair.Deadline);
        Assert.Equal(payload, got);
        Assert.Equal(payloadType, info.PayloadType);
        Assert.Equal(sender.Ssrc, info.Ssrc);
        return info;
    }

    private static async Task ConnectAndExchangeMediaAsync(PeerPair pair)
    {
        var audioA = (RTCRtpSender)pair.A.AddTrack(new TestTrack(MediaKind.Audio));
        var videoA = (RTCRtpSender)pair.A.AddTrack(new TestTrack(MediaKind.Video));
        var audioB = (RTCRtpSender)pair.B.AddTrack(new TestTrack(MediaKind.Audio));
        var videoB = (RTCRtpSender)pair.B.AddTrack(new TestTrack(MediaKind.Video));
        var connectedA = PeerPair.WaitForStateAsync(pair.A, s => s == RTCPeerConnectionState.Connected);
        var connectedB = PeerPair.WaitForStateAsync(pair.B, s => s == RTCPeerConnectionState.Connected);

        await pair.NegotiateAsync();
        await Task.WhenAll(connectedA, connectedB);

        var (audioAtB, videoAtB) = await pair.RemoteTracksAsync(atA: false);
        var (audioAtA, videoAtA) = await pair.RemoteTracksAsync(atA: true);
        await SendUntilReceivedAsync(audioA, audioAtB, [1, 2, 3, 4, 5]);
        await SendUntilReceivedAsync(videoA, videoAtB, Enumerable.Range(0, 1100).Select(i => (byte)i).ToArray());
        await SendUntilReceivedAsync(audioB, audioAtA, [9, 8, 7]);
        await SendUntilReceivedAsync(videoB, videoAtA, [42]);
        Assert.Equal(pair.A.SrtpProfile, pair.B.SrtpProfile);
        Assert.Equal(0, pair.A.SrtpPacketsDropped + pair.B.SrtpPacketsDropped);
    }

    [Fact]
    public async Task Two_connections_connect_over_loopback_udp_and_exchange_srtp_both_ways()
    {
        await using var pair = new PeerPair();

        await ConnectAndExchangeMediaAsync(pair);

        Assert.Equal(DtlsSrtpProfile.AeadAes128Gcm, pair.A.SrtpProfile);
        Assert.Equal(RTCSignalingState.Stable, pair.A.SignalingState);
        Assert.Equal(RTCIceGatheringState.Complete, pair.A.IceGatheringState);
    }

    [Fact]
    public async Task A_receive_only_transceiver_gets_media_and_directions_are_negotiated()
    {
        await using var pair = new PeerPair();
        pair.A.AddTransceiver(MediaKind.Audio, RTCRtpTransceiverDirection.RecvOnly);
        var audioB = (RTCRtpSender)pair.B.AddTrack(new TestTrack(MediaKind.Audio));
        var connected = PeerPair.WaitForStateAsync(pair.A, s => s == RTCPeerConnectionState.Connected);

        await pair.NegotiateAsync();
        await connected;

        var atA = Assert.Single(pair.A.GetTransceivers());
        Assert.Equal(RTCRtpTransceiverDirection.RecvOnly, atA.CurrentDirection);
        Assert.Equal("0", atA.Mid);
        Assert.Equal(RTCRtpTransceiverDirection.SendOnly, Assert.Single(pair.B.GetTransceivers()).CurrentDirection);
        var received = new TaskCompletionSource();
        await Task.Yield();
        var track = await WaitForTrackAsync(pair.TracksAtA);
        track.RtpReceived += (_, _) => received.TrySetResult();
        while (!received.Task.IsCompleted)
        {
            audioB.SendRtp(audioB.Codecs[0].PayloadType, 0, false, [1]);
            await Task.WhenAny(received.Task, Task.Delay(20));
        }

        Assert.Empty(pair.TracksAtB); // A sends nothing, so B gets no track
    }

    private static async Task<RemoteMediaStreamTrack> WaitForTrackAsync(System.Collections.Concurrent.ConcurrentQueue<RemoteMediaStreamTrack> queue)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (queue.IsEmpty)
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < PeerPair.Deadline, "no track");
            await Task.Delay(10);
        }

        return queue.Single();
    }

    [Fact]
    public async Task Candidates_added_before_the_remote_description_are_kept_and_used()
    {
        // Candidates go straight to the far side, even before it has the offer (the seed's race).
        await using var pair = new PeerPair(queueEarlyCandidates: false);

        await ConnectAndExchangeMediaAsync(pair);
    }

    [Fact]
    public async Task Reports_are_exchanged_and_give_statistics_and_a_round_trip_time()
    {
        await using var pair = new PeerPair();
        await ConnectAndExchangeMediaAsync(pair);
        var audioA = pair.A.Senders.Single(s => s.Track!.Kind == MediaKind.Audio);
        var payloadType = audioA.Codecs[0].PayloadType;

        // RFC 3550 §6.4.1: A's SR, then B's RR that echoes it, give A the round-trip time.
        uint timestamp = 0;
        var started = TimeProvider.System.GetTimestamp();
        TimeSpan? rtt = null;
        while (rtt is null)
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < PeerPair.Deadline, "no RTT from the reports");
            audioA.SendRtp(payloadType, timestamp += 960, false, [1, 2, 3]);
            await Task.Delay(20);
            rtt = pair.A.GetStats().Outbound.Single(o => o.Kind == MediaKind.Audio).RoundTripTime;
        }

        Assert.InRange(rtt.Value, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        var inbound = pair.B.GetStats().Inbound.Single(i => i.Kind == MediaKind.Audio);
        Assert.Equal(audioA.Ssrc, inbound.Ssrc);
        Assert.True(inbound.PacketsReceived > 10);
        Assert.Equal(0, inbound.PacketsLost);
        Assert.True(pair.A.RtcpPacketsReceived > 0 && pair.B.RtcpPacketsReceived > 0);
    }

    [Fact]
    public async Task A_picture_loss_indication_reaches_the_video_sender()
    {
        await using var pair = new PeerPair();
        await ConnectAndExchangeMediaAsync(pair);
        var videoA = pair.A.Senders.Single(s => s.Track!.Kind == MediaKind.Video);
        var requested = new TaskCompletionSource();
        videoA.KeyFrameRequested += (_, _) => requested.TrySetResult();
        var videoAtB = pair.TracksAtB.Single(t => t.Kind == MediaKind.Video);

        Assert.True(pair.B.RequestKeyFrame(videoAtB));

        await requested.Task.WaitAsync(PeerPair.Deadline);
    }

    [Fact]
    public async Task Srtp_flows_both_ways_with_the_aes_cm_hmac_sha1_80_profile()
    {
        // B offers only AES_CM_128_HMAC_SHA1_80 (as Chromium picks when it is the DTLS server).
        await using var pair = new PeerPair(srtpProfilesOfB: [DtlsSrtpProfile.Aes128CmHmacSha1_80]);

        await ConnectAndExchangeMediaAsync(pair);

        Assert.Equal(DtlsSrtpProfile.Aes128CmHmacSha1_80, pair.A.SrtpProfile);
    }

    // Stalled about 1 run in 10 until DtlsChangeCipherSpecGate: a lost or late CertificateVerify behind the client's
    // ChangeCipherSpec froze BouncyCastle's server (DtlsLossAndMalformedTests has the deterministic cases).
    [Fact]
    public async Task Two_connections_connect_over_a_lossy_simulated_network()
    {
        using var network = new SimulatedNetwork(TimeProvider.System, seed: 7);
        var hostA = network.AddHost("a", System.Net.IPAddress.Parse("10.0.0.1"));
        var hostB = network.AddHost("b", System.Net.IPAddress.Parse("10.0.0.2"));
        network.SetLinkBothWays(hostA, hostB, new LinkConditions { Delay = TimeSpan.FromMilliseconds(10), LossProbability = 0.1, ReorderProbability = 0.1 });
        await using var pair = new PeerPair(hostA, hostB);

        await ConnectAndExchangeMediaAsync(pair);

        Assert.True(network.Statistics.Lost > 0, "the link lost packets");
    }

    [Fact]
    public async Task A_wrong_fingerprint_fails_the_connection_and_no_media_flows()
    {
        await using var pair = new PeerPair();
        var audioA = (RTCRtpSender)pair.A.AddTrack(new TestTrack(MediaKind.Audio));
        pair.B.AddTrack(new TestTrack(MediaKind.Audio));
        var failedA = PeerPair.WaitForStateAsync(pair.A, s => s == RTCPeerConnectionState.Failed);
        var failedB = PeerPair.WaitForStateAsync(pair.B, s => s == RTCPeerConnectionState.Failed);
        var other = RTCCertificate.Generate().GetFingerprints()[0].Value;

        await pair.NegotiateAsync(answer => answer with
        {
            Sdp = System.Text.RegularExpressions.Regex.Replace(answer.Sdp, "a=fingerprint:sha-256 [0-9A-F:]+", "a=fingerprint:sha-256 " + other),
        });
        await Task.WhenAll(failedA, failedB);

        Assert.IsType<DtlsFingerprintMismatchException>(pair.A.FailureReason);
        Assert.False(audioA.SendRtp(audioA.Codecs[0].PayloadType, 0, false, [1]));
    }

    [Fact]
    public async Task Disposing_from_inside_event_handlers_does_not_deadlock()
    {
        await using var pair = new PeerPair();
        await ConnectAndExchangeMediaAsync(pair);
        var audioA = pair.A.Senders.Single(s => s.Track!.Kind == MediaKind.Audio);
        var audioAtB = pair.TracksAtB.Single(t => t.Kind == MediaKind.Audio);
        var disposedB = new TaskCompletionSource();
        // On the network receive thread, blocking: the worst a media handler can do.
        audioAtB.RtpReceived += (_, _) =>
        {
            pair.B.DisposeAsync().AsTask().GetAwaiter().GetResult();
            disposedB.TrySetResult();
        };
        // On the event queue, closing from the state change handler.
        pair.A.ConnectionStateChange += (_, _) => pair.A.Close();

        audioA.SendRtp(audioA.Codecs[0].PayloadType, 1, false, [1]);
        await disposedB.Task.WaitAsync(PeerPair.Deadline);
        await pair.A.DisposeAsync();

        Assert.Equal(RTCPeerConnectionState.Closed, pair.B.ConnectionState);
        Assert.Equal(RTCPeerConnectionState.Closed, pair.A.ConnectionState);
    }

    [Fact]
    public async Task Close_releases_everything_and_refuses_further_calls()
    {
        var pair = new PeerPair();
        await ConnectAndExchangeMediaAsync(pair);

        await pair.DisposeAsync();

        Assert.Equal(RTCPeerConnectionState.Closed, pair.A.ConnectionState);
        Assert.Equal(RTCSignalingState.Closed, pair.A.SignalingState);
        await Assert.ThrowsAsync<InvalidStateException>(() => pair.A.CreateOfferAsync());
    }
}
