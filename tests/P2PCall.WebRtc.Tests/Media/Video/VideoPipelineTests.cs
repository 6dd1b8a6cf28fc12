using Microsoft.Extensions.Time.Testing;
using P2PCall.WebRtc.Media.Video;

namespace P2PCall.WebRtc.Tests.Media.Video;

public sealed class VideoPipelineTests
{
    private sealed class LoopTransport(Func<ushort, bool> drop) : IVideoRtpTransport
    {
        private ushort _seq = 65530;

        public VideoReceiver? Receiver { get; set; }

        public bool SendRtp(byte payloadType, uint timestamp, bool marker, ReadOnlySpan<byte> payload)
        {
            ushort seq = _seq++;
            if (!drop(seq))
            {
                Receiver!.OnRtpPacket(new RtpPacketInfo(payloadType, seq, timestamp, marker, 1234), payload);
            }

            return true;
        }
    }

    [Fact]
    public void Sender_into_receiver_decodes_frames_with_increasing_counters()
    {
        var time = new FakeTimeProvider();
        var transport = new LoopTransport(_ => false);
        using var receiver = new VideoReceiver(() => { });
        transport.Receiver = receiver;
        var counters = new List<int>();
        receiver.FrameDecoded += (_, f) => { Assert.True(TestPattern.TryReadCounter(f, out int c)); counters.Add(c); };
        using var sender = new VideoSender(transport, new TestPatternVideoSource(320, 240, 30), 96, 800, time);
        sender.Start();
        for (int i = 0; i < 20; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(1000.0 / 30));
        }

        Assert.True(counters.Count >= 20, $"{counters.Count} frames");
        Assert.Equal(Enumerable.Range(0, counters.Count), counters);
        Assert.Equal(0, receiver.FramesDropped);
    }

    [Fact]
    public async Task A_frame_handler_that_waits_for_another_thread_to_dispose_the_receiver_does_not_deadlock()
    {
        var time = new FakeTimeProvider();
        var transport = new LoopTransport(_ => false);
        var receiver = new VideoReceiver(() => { });
        transport.Receiver = receiver;
        var disposedInTime = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.FrameDecoded += (_, _) => disposedInTime.TrySetResult(DisposeOnAnotherThread(receiver));
        using var sender = new VideoSender(transport, new TestPatternVideoSource(160, 120, 30), 96, 300, time);
        sender.SendNextFrame(); // the keyframe: decoded, then the handler runs on this thread

        // Before, the handler ran under the receiver's lock, so Dispose on the other thread waited for it: deadlock.
        Assert.True(await disposedInTime.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, receiver.FramesDecoded);
    }

    [Fact]
    public async Task A_keyframe_request_callback_that_waits_for_another_thread_to_dispose_the_receiver_does_not_deadlock()
    {
        var time = new FakeTimeProvider();
        var transport = new LoopTransport(seq => seq == 65530); // the keyframe's first packet is lost
        VideoReceiver? receiver = null;
        var disposedInTime = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver = new VideoReceiver(
            () => disposedInTime.TrySetResult(DisposeOnAnotherThread(receiver!)),
            new VideoReceiverOptions { MaxPacketWait = TimeSpan.Zero });
        transport.Receiver = receiver;
        using var sender = new VideoSender(transport, new TestPatternVideoSource(160, 120, 30), 96, 300, time);
        sender.SendNextFrame();
        sender.SendNextFrame(); // an interframe with no keyframe before it: the receiver asks for one

        // Before, the callback ran under the receiver's lock, which Dispose on the other thread waited for.
        Assert.True(await disposedInTime.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(receiver.KeyFramesRequested >= 1);
    }

    private sealed class DisposingVideoSource : IVideoSource
    {
        public VideoSender? Sender { get; set; }

        public TaskCompletionSource<bool> DisposedInTime { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Width => 160;

        public int Height => 120;

        public int FrameRate => 30;

        public I420Frame? ReadFrame(TimeSpan timestamp)
        {
            DisposedInTime.TrySetResult(Task.Run(Sender!.Dispose).Wait(TimeSpan.FromSeconds(10)));
            return TestPattern.Draw(Width, Height, 0, timestamp);
        }
    }

    [Fact]
    public async Task A_video_source_that_waits_for_another_thread_to_dispose_the_sender_does_not_deadlock()
    {
        var source = new DisposingVideoSource();
        var transport = new LoopTransport(_ => false);
        using var receiver = new VideoReceiver(() => { });
        transport.Receiver = receiver;
        using var sender = new VideoSender(transport, source, 96, 300, new FakeTimeProvider());
        source.Sender = sender;

        sender.SendNextFrame();

        // Before, the source was read under the lock that Dispose takes; now the read frame is dropped, not encoded.
        Assert.True(await source.DisposedInTime.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, sender.FramesSent);
    }

    /// <summary>What an app's handler might do: hand the disposal to another thread and wait for it (bounded here).</summary>
    private static bool DisposeOnAnotherThread(VideoReceiver receiver) =>
        Task.Run(receiver.Dispose).Wait(TimeSpan.FromSeconds(10));

    [Fact]
    public async Task Disposing_the_receiver_while_packets_arrive_on_another_thread_never_frees_the_decoder_under_it()
    {
        // Record one second of real VP8 RTP, then replay it from a thread while the receiver is disposed.
        var packets = new List<(RtpPacketInfo Info, byte[] Payload)>();
        var recorder = new RecordingTransport(packets);
        var time = new FakeTimeProvider();
        using (var sender = new VideoSender(recorder, new TestPatternVideoSource(320, 240, 30), 96, 800, time))
        {
            sender.Start();
            for (int i = 0; i < 30; i++)
            {
                time.Advance(TimeSpan.FromMilliseconds(1000.0 / 30));
            }
        }

        for (int round = 0; round < 20; round++)
        {
            var receiver = new VideoReceiver(() => { });
            var decoded = 0;
            receiver.FrameDecoded += (_, _) => decoded++;
            using var started = new ManualResetEventSlim();
            var feeding = Task.Run(() =>
            {
                started.Set();
                for (int i = 0; i < 4; i++)
                {
                    foreach (var (info, payload) in packets)
                    {
                        receiver.OnRtpPacket(info with { SequenceNumber = (ushort)(info.SequenceNumber + (i * packets.Count)) }, payload);
                    }
                }
            });
            started.Wait();
            receiver.Dispose(); // while decodes are in flight: before the fix this crashed the process in libvpx
            await feeding.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private sealed class RecordingTransport(List<(RtpPacketInfo Info, byte[] Payload)> packets) : IVideoRtpTransport
    {
        private ushort _seq;

        public bool SendRtp(byte payloadType, uint timestamp, bool marker, ReadOnlySpan<byte> payload)
        {
            packets.Add((new RtpPacketInfo(payloadType, _seq++, timestamp, marker, 1234), payload.ToArray()));
            return true;
        }
    }

    [Fact]
    public void A_lost_packet_requests_a_keyframe_and_decoding_resumes_after_it()
    {
        var time = new FakeTimeProvider();
        VideoSender? sender = null;
        int requests = 0;
        var lossy = new LoopTransport(seq => seq == 2); // the 9th packet, after the sequence number wrapped
        using var receiver = new VideoReceiver(() => { requests++; sender!.RequestKeyFrame(); });
        lossy.Receiver = receiver;
        var counters = new List<int>();
        receiver.FrameDecoded += (_, f) => { TestPattern.TryReadCounter(f, out int c); counters.Add(c); };
        sender = new VideoSender(lossy, new TestPatternVideoSource(320, 240, 30), 96, 800, time);
        using (sender)
        {
            for (int i = 0; i < 40; i++)
            {
                sender.SendNextFrame();
                time.Advance(TimeSpan.FromMilliseconds(1000.0 / 30));
            }
        }

        Assert.True(requests >= 1, $"requests {requests} dropped {receiver.FramesDropped} decoded {receiver.FramesDecoded} [{string.Join(",", counters)}]");
        Assert.True(receiver.FramesDropped >= 1);
        Assert.Contains(39, counters);
        Assert.Equal(counters.OrderBy(c => c), counters);
    }
}
