using Microsoft.Extensions.Time.Testing;
using P2PCall.WebRtc.Media.Audio;

namespace P2PCall.WebRtc.Tests.Media.Audio;

/// <summary>When an <see cref="AudioReceiver"/> plays, and when an <see cref="AudioSender"/> sends, on the shared 5 ms clock.</summary>
public class AudioPlayoutPhaseTests
{
    private static readonly RTCRtpCodecParameters Pcmu = new(0, "audio/PCMU", 8000, 1, null);

    /// <summary>A receiver on a fake clock that records the millisecond of every frame it plays.</summary>
    private sealed class Playout : IDisposable
    {
        private readonly DateTimeOffset _start;

        public Playout()
        {
            _start = Time.GetUtcNow();
            Receiver = new AudioReceiver(Track, [Pcmu], null, Time); // the clock ticks at 5, 10, 15, ... ms
            Receiver.FrameReceived += (_, _) => PlayedAtMs.Add(NowMs);
        }

        public FakeTimeProvider Time { get; } = new();

        public RemoteMediaStreamTrack Track { get; } = AudioTestKit.NewRemoteTrack();

        public AudioReceiver Receiver { get; }

        public List<int> PlayedAtMs { get; } = [];

        public int NowMs => (int)(Time.GetUtcNow() - _start).TotalMilliseconds;

        /// <summary>Advances 1 ms at a time, so each tick runs at its own time (FakeTimeProvider runs the callbacks of one Advance at its end).</summary>
        public void RunTo(int ms)
        {
            while (NowMs < ms)
            {
                Time.Advance(TimeSpan.FromMilliseconds(1));
            }
        }

        public void Deliver(ushort seq) => Track.Deliver(new RtpPacketInfo(0, seq, (uint)(seq * 160), false, 1), new byte[160]);

        public void Dispose() => Receiver.Dispose();
    }

    [Fact]
    public void Playout_starts_the_start_delay_after_the_first_packet_and_keeps_that_phase()
    {
        using var p = new Playout();
        p.RunTo(6);
        p.Deliver(1); // playout is due at 6 + 10 = 16 ms: the first slot by its own timer, the next ones on the clock's ticks
        for (ushort seq = 2; seq <= 10; seq++)
        {
            p.RunTo(6 + (20 * (seq - 1))); // the sender's 20 ms cadence from 6 ms
            p.Deliver(seq);
        }

        p.RunTo(200);

        Assert.Equal([16, 40, 60, 80, 100, 120, 140, 160, 180, 200], p.PlayedAtMs); // slots at 16 + 20n, then on the next tick
        Assert.Equal(0, p.Receiver.Statistics.ConcealedFrames);
    }

    [Fact]
    public void After_a_silence_that_stops_playout_the_next_packet_sets_a_new_phase()
    {
        using var p = new Playout();
        p.RunTo(1);
        for (ushort seq = 1; seq <= 5; seq++)
        {
            p.Deliver(seq); // at 1, 21, ..., 81: slots at 11 + 20n
            p.RunTo(1 + (20 * seq));
        }

        // The sender stops: ten concealed slots, then playout stops and buffers again.
        p.RunTo(400);
        var firstSpurt = p.PlayedAtMs.Count;
        Assert.True(p.Receiver.Statistics.ConcealedFrames >= 5, $"{p.Receiver.Statistics.ConcealedFrames} concealed");

        // A restarted sender on another phase: 12 ms past a multiple of 20 of the old one.
        p.RunTo(412);
        p.Deliver(6);
        p.RunTo(421);
        Assert.Equal(firstSpurt, p.PlayedAtMs.Count); // not on the old phase's slot at 415
        p.RunTo(422);
        Assert.Equal(422, p.PlayedAtMs[^1]); // 412 + 10
        p.RunTo(445);
        Assert.Equal(445, p.PlayedAtMs[^1]); // the next slot, 442, on the clock's tick
    }

    [Fact]
    public void A_source_that_has_ended_is_reported_on_the_next_tick_never_from_Start()
    {
        var time = new FakeTimeProvider();
        var push = new PushAudioSource(8000, 1);
        push.Complete();
        using var sender = new AudioSender(push, new LoopbackAudioTransport([Pcmu]), null, time);
        var ended = 0;
        sender.SourceEnded += (_, _) =>
        {
            ended++;
            sender.Start(); // starting again from the handler must not recurse into it
        };

        sender.Start();
        Assert.Equal(0, ended);
        Assert.True(sender.IsRunning);

        time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(1, ended);
        time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(2, ended); // the restart found it ended too, and said so on the following tick
    }

    [Fact]
    public void Stop_then_Start_sends_no_faster_than_real_time()
    {
        var time = new FakeTimeProvider();
        var transport = new LoopbackAudioTransport([Pcmu]);
        using var sender = new AudioSender(new ToneAudioSource(440, 8000), transport, null, time);
        sender.Start(); // frame 0 at 0 ms
        sender.Stop();
        time.Advance(TimeSpan.FromMilliseconds(5));
        sender.Start(); // frame 1 is not due before 20 ms
        Assert.Single(transport.Sent);

        time.Advance(TimeSpan.FromMilliseconds(15));
        Assert.Equal(2, transport.Sent.Count);
        Assert.True(transport.Sent[1].Marker); // a new talk spurt (RFC 3551 §4.1)
    }
}
