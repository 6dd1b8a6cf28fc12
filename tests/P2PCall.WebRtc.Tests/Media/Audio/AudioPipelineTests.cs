using Microsoft.Extensions.Time.Testing;
using P2PCall.WebRtc.Media.Audio;

namespace P2PCall.WebRtc.Tests.Media.Audio;

public class AudioPipelineTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(20);
    private static readonly RTCRtpCodecParameters Opus = new(111, "audio/opus", 48_000, 2, "minptime=10;useinbandfec=1");
    private static readonly RTCRtpCodecParameters Pcmu = new(0, "audio/PCMU", 8000, 1, null);

    [Theory]
    [InlineData("opus", 48_000)]
    [InlineData("PCMU", 8000)]
    [InlineData("PCMA", 8000)]
    public void Sender_into_receiver_delivers_the_440_Hz_tone(string codecName, int expectedRate)
    {
        RTCRtpCodecParameters codec = codecName switch
        {
            "opus" => Opus,
            "PCMU" => Pcmu,
            _ => new RTCRtpCodecParameters(8, "audio/PCMA", 8000, 1, null),
        };
        var time = new FakeTimeProvider();
        var track = AudioTestKit.NewRemoteTrack();
        using var receiver = new AudioReceiver(track, [codec], null, time);
        var frames = new List<AudioFrame>();
        receiver.FrameReceived += (_, f) => frames.Add(f);
        var transport = new LoopbackAudioTransport([codec], track);
        using var sender = new AudioSender(new LocalAudioTrack(new ToneAudioSource(440, 48_000)), transport, null, time);

        sender.Start();
        for (var i = 0; i < 50; i++)
        {
            time.Advance(Frame);
        }

        Assert.Equal(codecName, sender.Encoder!.CodecName);
        Assert.True(frames.Count >= 45, $"{frames.Count} frames");
        Assert.All(frames, f => Assert.Equal(expectedRate, f.SampleRate));
        Assert.Equal(Enumerable.Range(0, frames.Count).Select(i => TimeSpan.FromMilliseconds(20 * i)), frames.Select(f => f.Timestamp));
        var steady = AudioTestKit.Concat(frames.Skip(10));
        Assert.InRange(AudioTestKit.DominantFrequency(steady, expectedRate), 435, 445);
        Assert.Equal(0, receiver.Statistics.ConcealedFrames);
    }

    [Fact]
    public void Opus_packets_advance_960_ticks_and_only_the_first_has_the_marker()
    {
        var time = new FakeTimeProvider();
        var transport = new LoopbackAudioTransport([Opus]);
        using var sender = new AudioSender(new ToneAudioSource(), transport, null, time);
        sender.Start(); // frame 0
        for (var i = 0; i < 9; i++)
        {
            time.Advance(Frame);
        }

        Assert.Equal(10, transport.Sent.Count);
        Assert.All(transport.Sent, p => Assert.Equal(111, p.PayloadType));
        Assert.True(transport.Sent[0].Marker);
        Assert.All(transport.Sent.Skip(1), p => Assert.False(p.Marker));
        for (var i = 1; i < 10; i++)
        {
            Assert.Equal(960u, transport.Sent[i].Timestamp - transport.Sent[i - 1].Timestamp);
        }
    }

    [Fact]
    public void The_first_frame_leaves_from_start_and_the_next_every_20_ms_on_the_senders_own_phase()
    {
        var time = new FakeTimeProvider();
        // Occupy every shard of the shared clock so the sender under test joins one whose timer already runs.
        var early = Enumerable.Range(0, Environment.ProcessorCount)
            .Select(_ => new AudioSender(new ToneAudioSource(), new LoopbackAudioTransport([Opus]), null, time)).ToList();
        early.ForEach(s => s.Start());
        time.Advance(TimeSpan.FromMilliseconds(13));
        var transport = new LoopbackAudioTransport([Opus]);
        using var sender = new AudioSender(new ToneAudioSource(), transport, null, time);
        sender.Start();
        Assert.Single(transport.Sent); // no wait for a tick

        time.Advance(TimeSpan.FromMilliseconds(19));
        Assert.Single(transport.Sent); // frame 1 is due 20 ms after Start (33 ms), on the clock's tick at 35
        time.Advance(TimeSpan.FromMilliseconds(3));
        Assert.Equal(2, transport.Sent.Count);
        for (var i = 0; i < 10; i++)
        {
            time.Advance(Frame);
        }

        Assert.Equal(12, transport.Sent.Count); // then one per 20 ms, no burst and no gap
        early.ForEach(s => s.Dispose());
    }

    [Fact]
    public void Codec_is_the_first_supported_one_with_the_negotiated_payload_type()
    {
        var time = new FakeTimeProvider();
        var transport = new LoopbackAudioTransport(
        [
            new RTCRtpCodecParameters(63, "audio/red", 48_000, 2, "111/111"),
            new RTCRtpCodecParameters(126, "audio/telephone-event", 8000, null, null),
            new RTCRtpCodecParameters(98, "audio/PCMA", 8000, null, null),
            new RTCRtpCodecParameters(109, "audio/opus", 48_000, 2, null),
        ]);
        using var sender = new AudioSender(new ToneAudioSource(), transport, null, time);
        sender.Start();
        time.Advance(Frame);
        time.Advance(Frame);

        Assert.Equal("PCMA", sender.Encoder!.CodecName);
        Assert.All(transport.Sent, p => Assert.Equal(98, p.PayloadType));
        Assert.All(transport.Sent, p => Assert.Equal(160, p.Payload.Length));
        Assert.Equal(160u, transport.Sent[1].Timestamp - transport.Sent[0].Timestamp);
    }

    [Fact]
    public void No_supported_codec_fails_at_start()
    {
        var transport = new LoopbackAudioTransport([new RTCRtpCodecParameters(9, "audio/G722", 8000, 1, null)]);
        using var sender = new AudioSender(new ToneAudioSource(), transport, null, new FakeTimeProvider());
        Assert.Throws<NotSupportedException>(sender.Start);
    }

    [Fact]
    public void A_pause_in_pushed_audio_starts_a_new_talk_spurt_with_the_marker_and_a_timestamp_gap()
    {
        var time = new FakeTimeProvider();
        var transport = new LoopbackAudioTransport([Pcmu]);
        var push = new PushAudioSource(8000, 1);
        using var sender = new AudioSender(push, transport, null, time);
        Assert.True(push.TryPush(new short[320]));
        sender.Start(); // frame 0

        time.Advance(Frame); // frame 1
        time.Advance(Frame); // nothing queued: nothing sent
        time.Advance(Frame);
        Assert.True(push.TryPush(new short[160]));
        time.Advance(Frame);

        Assert.Equal(3, transport.Sent.Count);
        Assert.Equal(2, sender.FramesSkipped);
        Assert.Equal([true, false, true], transport.Sent.Select(p => p.Marker));
        Assert.Equal(160u, transport.Sent[1].Timestamp - transport.Sent[0].Timestamp);
        Assert.Equal(480u, transport.Sent[2].Timestamp - transport.Sent[1].Timestamp); // RFC 3551 §4.1: time ran on
    }

    [Fact]
    public void Push_source_is_bounded()
    {
        var push = new PushAudioSource(8000, 1, TimeSpan.FromMilliseconds(40));
        Assert.True(push.TryPush(new short[320]));
        Assert.False(push.TryPush(new short[1]));
        push.Complete();
        var frame = new short[160];
        Assert.Equal(AudioReadResult.Frame, push.ReadFrame(frame));
        Assert.Equal(AudioReadResult.Frame, push.ReadFrame(frame));
        Assert.Equal(AudioReadResult.Ended, push.ReadFrame(frame));
    }

    [Fact]
    public void A_disabled_track_sends_silence_and_a_stopped_track_ends_the_sender()
    {
        var time = new FakeTimeProvider();
        var transport = new LoopbackAudioTransport([Pcmu]);
        var track = new LocalAudioTrack(new ToneAudioSource(440, 8000), "tone");
        using var sender = new AudioSender(track, transport, null, time);
        var ended = 0;
        sender.SourceEnded += (_, _) => ended++;
        track.Enabled = false;
        sender.Start(); // frame 0
        Assert.All(transport.Sent[0].Payload, b => Assert.Equal(0xFF, b)); // µ-law silence

        track.Stop();
        time.Advance(Frame);
        time.Advance(Frame);
        Assert.Equal(1, ended);
        Assert.False(sender.IsRunning);
        Assert.Equal(MediaStreamTrackState.Ended, track.ReadyState);
        Assert.Single(transport.Sent);
    }

    [Fact]
    public async Task Receiver_streams_frames_to_an_async_reader_and_a_wav_sink_and_completes_on_dispose()
    {
        var time = new FakeTimeProvider();
        var track = AudioTestKit.NewRemoteTrack();
        using var wav = new MemoryStream();
        var writer = new WavAudioWriter(wav, 8000, 1);
        var receiver = new AudioReceiver(track, [Pcmu], new AudioReceiverOptions { Sink = writer }, time);
        var transport = new LoopbackAudioTransport([Pcmu], track);
        using var sender = new AudioSender(new ToneAudioSource(440, 8000), transport, null, time);
        sender.Start();
        for (var i = 0; i < 20; i++)
        {
            time.Advance(Frame);
        }

        receiver.Dispose();
        writer.Dispose();
        var frames = new List<AudioFrame>();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // only a hang would hit this
        await foreach (var frame in receiver.ReadFramesAsync(guard.Token))
        {
            frames.Add(frame);
        }

        Assert.False(guard.IsCancellationRequested, "the stream completes after dispose");
        Assert.InRange(frames.Count, 15, 20);
        Assert.Equal(44 + (frames.Count * 320), wav.ToArray().Length);

        using var back = new WavAudioSource(new MemoryStream(wav.ToArray()));
        Assert.Equal(8000, back.SampleRate);
    }

    [Fact]
    public void Unknown_payload_types_are_counted_not_decoded()
    {
        var track = AudioTestKit.NewRemoteTrack();
        using var receiver = new AudioReceiver(track, [Pcmu], null, new FakeTimeProvider());
        track.Deliver(new RtpPacketInfo(101, 1, 0, false, 1), [1, 2, 3, 4]);
        Assert.Equal(1, receiver.Statistics.UnknownPayloadType);
        Assert.Equal(0, receiver.Statistics.JitterBuffer.PacketsInserted);
    }

    [Fact]
    public void Resampled_stereo_wav_is_sent_as_mono_G711_and_decodes_to_440_Hz()
    {
        using var wav = new MemoryStream();
        using (var writer = new WavAudioWriter(wav, 44_100, 2))
        {
            var tone = new ToneAudioSource(440, 44_100, 2);
            var frame = new short[1764];
            for (var i = 0; i < 50; i++)
            {
                tone.ReadFrame(frame);
                writer.Write(frame);
            }
        }

        var time = new FakeTimeProvider();
        var remote = AudioTestKit.NewRemoteTrack();
        using var receiver = new AudioReceiver(remote, [Pcmu], null, time);
        var frames = new List<AudioFrame>();
        receiver.FrameReceived += (_, f) => frames.Add(f);
        using var source = new WavAudioSource(new MemoryStream(wav.ToArray()));
        using var sender = new AudioSender(source, new LoopbackAudioTransport([Pcmu], remote), null, time);
        sender.Start();
        for (var i = 0; i < 55; i++)
        {
            time.Advance(Frame);
        }

        Assert.InRange(AudioTestKit.DominantFrequency(AudioTestKit.Concat(frames.Skip(5).Take(40)), 8000), 435, 445);
    }

    [Fact]
    public void Sender_stops_and_disposes_without_a_pending_timer()
    {
        var time = new FakeTimeProvider();
        var transport = new LoopbackAudioTransport([Opus]);
        var sender = new AudioSender(new ToneAudioSource(), transport, null, time);
        sender.Start();
        time.Advance(Frame);
        sender.Dispose();
        time.Advance(Frame * 10);

        Assert.Equal(2, transport.Sent.Count); // frame 0 from Start, frame 1 on the clock, none after Dispose
        Assert.False(sender.IsRunning);
        Assert.Throws<ObjectDisposedException>(sender.Start);
    }
}

public class AudioPipelineFailureTests
{
    private static readonly RTCRtpCodecParameters Pcmu = new(0, "audio/PCMU", 8000, 1, null);

    private sealed class ThrowingSource : IAudioSource
    {
        public int SampleRate => 8000;

        public int Channels => 1;

        public AudioReadResult ReadFrame(Span<short> frame) => throw new IOException("disk gone");
    }

    [Fact]
    public async Task A_track_whose_source_ends_raises_Ended_off_the_senders_lock()
    {
        var time = new FakeTimeProvider();
        var push = new PushAudioSource(8000, 1);
        push.Complete();
        var track = new LocalAudioTrack(push, "mic");
        var sender = new AudioSender(track, new LoopbackAudioTransport([Pcmu]), null, time);
        var disposedInTime = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        track.Ended += (_, _) => disposedInTime.TrySetResult(Task.Run(sender.Dispose).Wait(TimeSpan.FromSeconds(10)));

        sender.Start(); // reads the ended source, on this thread

        // Before, Ended ran inside that read, under the sender's lock, so a handler waiting for Dispose on another thread
        // waited for itself. (Since the senders read outside that lock, this also guards the read path.)
        Assert.True(await disposedInTime.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(MediaStreamTrackState.Ended, track.ReadyState);
    }

    /// <summary>An app's source that, on its first read, has another thread dispose the sender and waits for it.</summary>
    private sealed class DisposingSource : IAudioSource
    {
        public AudioSender? Sender { get; set; }

        public TaskCompletionSource<bool> DisposedInTime { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int SampleRate => 8000;

        public int Channels => 1;

        public AudioReadResult ReadFrame(Span<short> frame)
        {
            DisposedInTime.TrySetResult(Task.Run(Sender!.Dispose).Wait(TimeSpan.FromSeconds(10)));
            return AudioReadResult.NoData;
        }
    }

    [Fact]
    public async Task A_source_that_waits_for_another_thread_to_dispose_the_sender_does_not_deadlock()
    {
        var source = new DisposingSource();
        using var sender = new AudioSender(source, new LoopbackAudioTransport([Pcmu]), null, new FakeTimeProvider());
        source.Sender = sender;

        sender.Start(); // reads frame 0

        // Before, the source was read under the lock that Dispose takes.
        Assert.True(await source.DisposedInTime.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(sender.IsRunning);
    }

    [Fact]
    public void A_failing_source_stops_the_sender_and_reports_the_error()
    {
        var time = new FakeTimeProvider();
        using var sender = new AudioSender(new ThrowingSource(), new LoopbackAudioTransport([Pcmu]), null, time);
        var ended = 0;
        sender.SourceEnded += (_, _) => ended++;
        sender.Start();
        time.Advance(TimeSpan.FromMilliseconds(40));

        Assert.Equal(1, ended);
        Assert.IsType<IOException>(sender.LastError);
        Assert.False(sender.IsRunning);
    }

    [Fact]
    public void A_throwing_frame_handler_is_counted_and_playout_continues()
    {
        var time = new FakeTimeProvider();
        var track = AudioTestKit.NewRemoteTrack();
        using var receiver = new AudioReceiver(track, [Pcmu], null, time);
        receiver.FrameReceived += (_, _) => throw new InvalidOperationException("app bug");
        using var sender = new AudioSender(new ToneAudioSource(440, 8000), new LoopbackAudioTransport([Pcmu], track), null, time);
        sender.Start();
        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
        }

        var stats = receiver.Statistics;
        Assert.True(stats.FramesDecoded >= 5);
        Assert.Equal(stats.FramesDecoded, stats.HandlerErrors);
    }
}
