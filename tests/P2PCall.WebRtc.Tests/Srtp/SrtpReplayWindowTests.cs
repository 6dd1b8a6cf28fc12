using P2PCall.WebRtc.Srtp;

namespace P2PCall.WebRtc.Tests.Srtp;

/// <summary>The RFC 3711 §3.3.2 sliding window on its own, including multi-word bitmaps.</summary>
public class SrtpReplayWindowTests
{
    [Fact]
    public void Empty_window_accepts_anything()
    {
        var window = new SrtpReplayWindow(64);
        Assert.True(window.IsEmpty);
        Assert.Equal(ReplayCheck.Fresh, window.Check(123_456));
    }

    [Fact]
    public void Check_does_not_change_the_window()
    {
        var window = new SrtpReplayWindow(128);
        window.Accept(10);
        Assert.Equal(ReplayCheck.Fresh, window.Check(9));
        Assert.Equal(ReplayCheck.Fresh, window.Check(9));
        Assert.Equal(10UL, window.Highest);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(128)]
    [InlineData(256)]
    [InlineData(1024)]
    public void Marks_survive_slides_across_word_boundaries(int size)
    {
        var window = new SrtpReplayWindow(size);
        var accepted = new HashSet<ulong>();
        var random = new Random(size);
        ulong highest = 1000;
        window.Accept(highest);
        accepted.Add(highest);
        for (int step = 0; step < 5000; step++)
        {
            ulong candidate = random.Next(4) == 0
                ? highest + (ulong)random.Next(1, 150)
                : highest - (ulong)random.Next(0, Math.Min(size + 20, 900));
            ReplayCheck expected = candidate > highest ? ReplayCheck.Fresh
                : highest - candidate >= (ulong)size ? ReplayCheck.TooOld
                : accepted.Contains(candidate) ? ReplayCheck.Replayed
                : ReplayCheck.Fresh;
            Assert.Equal(expected, window.Check(candidate));
            if (expected == ReplayCheck.Fresh)
            {
                window.Accept(candidate);
                accepted.Add(candidate);
                highest = Math.Max(highest, candidate);
            }

            Assert.Equal(highest, window.Highest);
        }
    }

    [Fact]
    public void A_jump_beyond_the_window_forgets_everything_older()
    {
        var window = new SrtpReplayWindow(64);
        window.Accept(5);
        window.Accept(6);
        window.Accept(500);
        Assert.Equal(ReplayCheck.Fresh, window.Check(499));
        Assert.Equal(ReplayCheck.Replayed, window.Check(500));
        Assert.Equal(ReplayCheck.TooOld, window.Check(6));
    }
}
