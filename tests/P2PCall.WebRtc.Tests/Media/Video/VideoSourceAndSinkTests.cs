using Microsoft.Extensions.Time.Testing;
using P2PCall.WebRtc.Media.Audio;
using P2PCall.WebRtc.Media.Video;
using P2PCall.WebRtc.Tests.Media.Audio;

namespace P2PCall.WebRtc.Tests.Media.Video;

/// <summary>App-pushed video, and decoded media as bounded async streams.</summary>
public sealed class VideoSourceAndSinkTests
{
    private sealed class DirectTransport(VideoReceiver receiver) : IVideoRtpTransport
    {
        private ushort _seq = 100;

        public bool SendRtp(byte payloadType, uint timestamp, bool marker, ReadOnlySpan<byte> payload)
        {
            receiver.OnRtpPacket(new RtpPacketInfo(payloadType, _seq++, timestamp, marker, 42), payload);
            return true;
        }
    }

    /// <summary>Only a guard against a hang: every stream here is completed before it is read.</summary>
    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private static int Counter(I420Frame frame)
    {
        Assert.True(TestPattern.TryReadCounter(frame, out int c));
        return c;
    }

    [Fact]
    public void A_push_source_keeps_the_newest_frames_and_counts_the_dropped()
    {
        var source = new PushVideoSource(64, 48, 30, capacity: 2);
        var frames = Enumerable.Range(0, 3).Select(i => TestPattern.Draw(64, 48, i, TimeSpan.FromMilliseconds(33 * i))).ToArray();
        foreach (var f in frames)
        {
            source.Push(f);
        }

        Assert.Same(frames[1], source.ReadFrame(TimeSpan.Zero));
        Assert.Same(frames[2], source.ReadFrame(TimeSpan.Zero));
        Assert.Null(source.ReadFrame(TimeSpan.Zero));
        Assert.Equal(3, source.FramesPushed);
        Assert.Equal(1, source.FramesDropped);
        Assert.Throws<ArgumentException>(() => source.Push(new I420Frame(32, 48)));
    }

    [Fact]
    public void A_push_source_copies_a_packed_i420_buffer_into_its_planes()
    {
        var source = new PushVideoSource(4, 2);
        byte[] packed = [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 20, 21];

        source.Push(4, 2, packed, TimeSpan.FromSeconds(1));
        packed[0] = 99; // the source took a copy

        var frame = source.ReadFrame(TimeSpan.Zero)!;
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], frame.Y);
        Assert.Equal([10, 11], frame.U);
        Assert.Equal([20, 21], frame.V);
        Assert.Equal(TimeSpan.FromSeconds(1), frame.Timestamp);
        Assert.Throws<ArgumentException>(() => source.Push(4, 2, packed.AsSpan(0, 11), TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => source.Push(2, 4, packed, TimeSpan.Zero));
    }

    [Fact]
    public async Task Pushed_frames_are_encoded_sent_and_read_back_from_the_receivers_async_stream()
    {
        var time = new FakeTimeProvider();
        using var receiver = new VideoReceiver(() => { });
        var stream = receiver.ReadFramesAsync();
        var source = new PushVideoSource(160, 120, 30, capacity: 4);
        using var sender = new VideoSender(new DirectTransport(receiver), source, 96, 500, time);

        for (int i = 0; i < 5; i++)
        {
            source.Push(TestPattern.Draw(160, 120, 100 + i, TimeSpan.Zero));
            sender.SendNextFrame();
        }

        sender.SendNextFrame(); // nothing queued: a skipped tick
        receiver.Dispose(); // ends the stream after what is queued
        var counters = new List<int>();
        await foreach (var frame in stream.WithCancellation(Deadline()))
        {
            Assert.Equal(160, frame.Width);
            counters.Add(Counter(frame));
        }

        Assert.Equal(5, sender.FramesSent);
        Assert.Equal([100, 101, 102, 103, 104], counters);
    }

    [Fact]
    public async Task A_lagging_video_reader_gets_the_newest_frames_and_the_drops_are_counted()
    {
        var time = new FakeTimeProvider();
        using var receiver = new VideoReceiver(() => { }, new VideoReceiverOptions { FrameQueueCapacity = 2 });
        var stream = receiver.ReadFramesAsync();
        using var sender = new VideoSender(new DirectTransport(receiver), new TestPatternVideoSource(160, 120, 30), 96, 500, time);

        for (int i = 0; i < 10; i++)
        {
            sender.SendNextFrame();
        }

        receiver.Dispose();
        var counters = new List<int>();
        await foreach (var frame in stream.WithCancellation(Deadline()))
        {
            counters.Add(Counter(frame));
        }

        Assert.Equal(10, receiver.FramesDecoded);
        Assert.Equal([8, 9], counters);
        Assert.Equal(8, receiver.FramesDroppedFromQueue);
    }

    [Fact]
    public async Task A_lagging_audio_reader_gets_the_newest_frames_and_the_drops_are_counted()
    {
        RTCRtpCodecParameters pcmu = new(0, "audio/PCMU", 8000, 1, null);
        var time = new FakeTimeProvider();
        var track = AudioTestKit.NewRemoteTrack();
        var receiver = new AudioReceiver(track, [pcmu], new AudioReceiverOptions { FrameQueueCapacity = 3 }, time);
        var transport = new LoopbackAudioTransport([pcmu], track);
        using (var sender = new AudioSender(new LocalAudioTrack(new ToneAudioSource(440, 48_000)), transport, null, time))
        {
            sender.Start();
            for (var i = 0; i < 20; i++)
            {
                time.Advance(TimeSpan.FromMilliseconds(20));
            }
        }

        var produced = receiver.Statistics.FramesDecoded + receiver.Statistics.ConcealedFrames + receiver.Statistics.FecRecovered;
        receiver.Dispose();
        var frames = new List<AudioFrame>();
        await foreach (var frame in receiver.ReadFramesAsync(Deadline()))
        {
            frames.Add(frame);
        }

        Assert.Equal(3, frames.Count);
        Assert.Equal(produced - 3, receiver.FramesDroppedFromQueue);
        Assert.True(receiver.FramesDroppedFromQueue > 10);
        Assert.Equal(frames.OrderBy(f => f.Timestamp).Select(f => f.Timestamp), frames.Select(f => f.Timestamp));
    }

    private sealed class DropFirstFrameTransport(VideoReceiver receiver) : IVideoRtpTransport
    {
        private ushort _seq = 7;
        private bool _firstFrameDone;

        public bool SendRtp(byte payloadType, uint timestamp, bool marker, ReadOnlySpan<byte> payload)
        {
            ushort seq = _seq++;
            if (_firstFrameDone)
            {
                receiver.OnRtpPacket(new RtpPacketInfo(payloadType, seq, timestamp, marker, 42), payload);
            }

            _firstFrameDone |= marker;
            return true;
        }
    }

    [Fact]
    public void A_receiver_that_missed_the_first_keyframe_asks_for_one_and_then_decodes()
    {
        var time = new FakeTimeProvider();
        VideoSender? sender = null;
        var requests = 0;
        var receiver = new VideoReceiver(() => { requests++; sender!.RequestKeyFrame(); }, new VideoReceiverOptions { MaxPacketWait = TimeSpan.Zero });
        using (receiver)
        using (sender = new VideoSender(new DropFirstFrameTransport(receiver), new TestPatternVideoSource(160, 120, 30), 96, 500, time))
        {
            var counters = new List<int>();
            receiver.FrameDecoded += (_, f) => counters.Add(Counter(f));
            for (int i = 0; i < 6; i++)
            {
                sender.SendNextFrame();
            }

            Assert.Equal(1, requests);
            Assert.Equal([2, 3, 4, 5], counters); // frame 1 was an interframe without its reference; 2 the requested keyframe
        }
    }
}
