using P2PCall.WebRtc.Media.Video;

namespace P2PCall.WebRtc.Tests.Media.Video;

public sealed class Y4mTests
{
    [Fact]
    public void Y4m_round_trip_keeps_size_pixels_and_frame_rate()
    {
        var ms = new MemoryStream();
        using (var writer = new Y4mWriter(ms, 64, 48, 25, leaveOpen: true))
        {
            for (int i = 0; i < 3; i++)
            {
                writer.WriteFrame(TestPattern.Draw(64, 48, i));
            }
        }

        ms.Position = 0;
        using var reader = new Y4mReader(ms);
        Assert.Equal(64, reader.Width);
        Assert.Equal(48, reader.Height);
        Assert.Equal(25, reader.FrameRateNumerator);
        for (int i = 0; i < 3; i++)
        {
            I420Frame? f = reader.ReadFrame();
            Assert.NotNull(f);
            I420Frame expected = TestPattern.Draw(64, 48, i);
            Assert.Equal(expected.Y, f.Y);
            Assert.Equal(expected.U, f.U);
            Assert.Equal(expected.V, f.V);
            Assert.Equal(TimeSpan.FromSeconds(i / 25.0), f.Timestamp);
        }

        Assert.Null(reader.ReadFrame());
    }

    [Fact]
    public void Y4m_reader_rejects_other_colour_spaces() =>
        Assert.Throws<InvalidDataException>(() => new Y4mReader(new MemoryStream("YUV4MPEG2 W2 H2 F30:1 C444\n"u8.ToArray())));
}
