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

        public void OnTick() => Ticks++;
    }

    private sealed class Thrower : IMediaClockTarget
    {
        public void OnTick() => throw new InvalidOperationException("bug");
    }

    [Fact]
    public void Every_target_is_ticked_once_per_20_ms_and_never_after_unsubscribing()
    {
        var time = new FakeTimeProvider();
        var targets = Enumerable.Range(0, 7).Select(_ => new Counter()).ToArray();
        var subscriptions = targets.Select(t => MediaClock.Subscribe(time, t)).ToArray();

        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
        }

        Assert.All(targets, t => Assert.Equal(10, t.Ticks));
        subscriptions[3].Dispose();
        subscriptions[3].Dispose(); // twice is fine
        time.Advance(TimeSpan.FromMilliseconds(20));
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
            time.Advance(TimeSpan.FromMilliseconds(20));
        }

        Assert.Equal(5, counter.Ticks);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(10)]
    [InlineData(19)]
    public void Align_puts_the_tick_in_the_middle_of_a_frame_without_changing_the_frames_elapsed(int offsetMs)
    {
        var time = new FakeTimeProvider();
        var start = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(40 + offsetMs));
        var frame = TimeSpan.FromMilliseconds(20).Ticks;

        var aligned = MediaClockPhase.Align(time, start, frame);

        var elapsed = time.GetElapsedTime(aligned).Ticks;
        Assert.Equal(2, elapsed / frame);
        Assert.Equal(frame / 2, elapsed % frame);
    }

    [Fact]
    public void A_sender_started_between_ticks_sends_exactly_one_frame_per_tick()
    {
        var time = new FakeTimeProvider();
        // Occupy every shard so the sender joins a clock that started 7 ms before it.
        var others = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => MediaClock.Subscribe(time, new Counter())).ToList();
        time.Advance(TimeSpan.FromMilliseconds(7));
        var transport = new LoopbackAudioTransport([Pcmu]);
        using var sender = new AudioSender(new ToneAudioSource(440, 8000, 1), transport, null, time);
        sender.Start();

        var perTick = new List<long>();
        for (var i = 0; i < 50; i++)
        {
            var before = sender.FramesSent;
            time.Advance(TimeSpan.FromMilliseconds(20));
            perTick.Add(sender.FramesSent - before);
        }

        Assert.All(perTick.Skip(1), n => Assert.Equal(1, n));
        Assert.InRange(sender.FramesSent, 49, 50);
        foreach (var s in others)
        {
            s.Dispose();
        }
    }
}
