using P2PCall.WebRtc.Media.Video;
using P2PCall.WebRtc.Media.Video.Vpx;

namespace P2PCall.WebRtc.Tests.Media.Video;

public sealed class Vp8CodecTests
{
    [Fact]
    public void Thirty_frames_round_trip_with_high_psnr_and_readable_counters()
    {
        using var encoder = new Vp8Encoder(new Vp8EncoderSettings { Width = 640, Height = 480, BitrateKbps = 2000 });
        using var decoder = new Vp8Decoder();
        for (int i = 0; i < 30; i++)
        {
            I420Frame source = TestPattern.Draw(640, 480, i);
            Vp8EncodedFrame? encoded = encoder.Encode(source);
            Assert.NotNull(encoded);
            if (i == 0)
            {
                Assert.True(encoded.Value.IsKeyframe);
            }

            Assert.True(decoder.TryDecode(encoded.Value.Data, TimeSpan.Zero, out I420Frame? decoded));
            Assert.NotNull(decoded);
            Assert.Equal(640, decoded.Width);
            Assert.Equal(480, decoded.Height);
            Assert.True(LumaPsnr(source, decoded) > 30, $"frame {i} PSNR {LumaPsnr(source, decoded):F1}");
            Assert.True(TestPattern.TryReadCounter(decoded, out int counter));
            Assert.Equal(i, counter);
        }
    }

    [Fact]
    public void ForceKeyframe_makes_the_next_frame_a_keyframe()
    {
        using var encoder = new Vp8Encoder(new Vp8EncoderSettings { Width = 320, Height = 240 });
        Assert.True(encoder.Encode(TestPattern.Draw(320, 240, 0))!.Value.IsKeyframe);
        Assert.False(encoder.Encode(TestPattern.Draw(320, 240, 1))!.Value.IsKeyframe);
        encoder.ForceKeyframe();
        Assert.True(encoder.Encode(TestPattern.Draw(320, 240, 2))!.Value.IsKeyframe);
        Assert.False(encoder.Encode(TestPattern.Draw(320, 240, 3))!.Value.IsKeyframe);
    }

    [Fact]
    public void Decoder_rejects_garbage_without_throwing()
    {
        using var decoder = new Vp8Decoder();
        Assert.False(decoder.TryDecode(new byte[] { 1, 2, 3 }, TimeSpan.Zero, out I420Frame? frame));
        Assert.Null(frame);
    }

    [Fact]
    public void Startup_check_with_a_missing_library_names_it_and_the_install_hint()
    {
        var ex = Assert.Throws<VpxLibraryUnavailableException>(() => VpxLibrary.EnsureAvailable("libvpx-bogus.so.99"));
        Assert.Equal("libvpx-bogus.so.99", ex.LibraryName);
        Assert.Contains("libvpx-bogus.so.99", ex.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install libvpx7", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Startup_check_accepts_the_installed_libvpx() => VpxLibrary.EnsureAvailable();

    internal static double LumaPsnr(I420Frame a, I420Frame b)
    {
        double sse = 0;
        for (int i = 0; i < a.Y.Length; i++)
        {
            int d = a.Y[i] - b.Y[i];
            sse += d * d;
        }

        double mse = sse / a.Y.Length;
        return mse == 0 ? 100 : 10 * Math.Log10(255.0 * 255.0 / mse);
    }
}
