using Microsoft.Extensions.Time.Testing;
using P2PCall.WebRtc.Media;
using P2PCall.WebRtc.Media.Audio;
using P2PCall.WebRtc.Tests.Media.Audio;

namespace P2PCall.WebRtc.Tests.Media;

public class MediaClockTests
{
    private static readonly RTCRtpCodecParameters Pcmu = new(0, "audio/PCMU", 8000, 1, null);

    private sealed class Counter : IMediaClockTarget
    {
        public int Ticks;

        public void OnTick(long now) => Ticks++;
    }

    private sealed class Thrower : IMediaClockTarget
    {
        public void OnTick(long now) => throw new InvalidOperationException("bug");
    }

    [Fact]
    public void Every_target_is_ticked_once_per_5_ms_and_never_after_unsubscribing()
    {
        var time = new FakeTimeProvider();
        var targets = Enumerable.Range(0, 7).Select(_ => new Counter()).ToArray();
        var subscriptions = targets.Select(t => MediaClock.Subscribe(time, t)).ToArray();

        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(5));
        }

        Assert.All(targets, t => Assert.Equal(10, t.Ticks));
        subscriptions[3].Dispose();
        subscriptions[3].Dispose(); // twice is fine
        time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(10, targets[3].Ticks);
        Assert.Equal(11, targets[4].Ticks);

        foreach (var s in subscriptions)
        {
            s.Dispose();
        }

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.All(targets, t => Assert.InRange(t.Ticks, 10, 11));
    }

    [Fact]
    public void A_throwing_target_does_not_stop_the_others()
    {
        var time = new FakeTimeProvider();
        var counter = new Counter();
        using var bad = MediaClock.Subscribe(time, new Thrower());
        using var bad2 = MediaClock.Subscribe(time, new Thrower());
        using var good = MediaClock.Subscribe(time, counter);

        for (var i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(5));
        }

        Assert.Equal(5, counter.Ticks);
    }

    [Fact]
    public void A_sender_started_between_ticks_sends_its_first_frame_at_start_then_one_every_20_ms()
    {
        var time = new FakeTimeProvider();
        // Occupy every shard so the sender joins a clock that started 7 ms before it.
        var others = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => MediaClock.Subscribe(time, new Counter())).ToList();
        time.Advance(TimeSpan.FromMilliseconds(7));
        var transport = new LoopbackAudioTransport([Pcmu]);
        using var sender = new AudioSender(new ToneAudioSource(440, 8000, 1), transport, null, time);
        sender.Start();
        Assert.Equal(1, sender.FramesSent); // frame 0 leaves from Start (at 7 ms), not on a tick

        // Step from tick to tick (FakeTimeProvider runs the callbacks of one Advance at its end time).
        time.Advance(TimeSpan.FromMilliseconds(3));
        var sentAtMs = new List<int>();
        for (var ms = 10; ms < 1010; ms += 5)
        {
            var before = sender.FramesSent;
            time.Advance(TimeSpan.FromMilliseconds(5));
            if (sender.FramesSent != before)
            {
                Assert.Equal(1, sender.FramesSent - before);
                sentAtMs.Add(ms + 5);
            }
        }

        // Frame 1 is due 20 ms after Start (27 ms) and leaves on the tick at 30; then one every 20 ms, no burst, no gap.
        Assert.Equal(30, sentAtMs[0]);
        Assert.All(sentAtMs.Zip(sentAtMs.Skip(1)), pair => Assert.Equal(20, pair.Second - pair.First));
        Assert.Equal(51, sender.FramesSent); // frames 0–50: frame 50 is due at 1,007 ms
        foreach (var s in others)
        {
            s.Dispose();
        }
    }
}
