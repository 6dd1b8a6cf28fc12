using System.Buffers.Binary;
using P2PCall.WebRtc.Media.Audio;

namespace P2PCall.WebRtc.Tests.Media.Audio;

public class WavTests
{
    [Theory]
    [InlineData(48_000, 1)]
    [InlineData(44_100, 2)]
    [InlineData(8000, 1)]
    public void Written_frames_read_back_unchanged(int rate, int channels)
    {
        var tone = new ToneAudioSource(440, rate, channels);
        var frameLength = rate / 50 * channels;
        var written = new List<short>();
        using var stream = new MemoryStream();
        using (var writer = new WavAudioWriter(stream, rate, channels))
        {
            for (var i = 0; i < 10; i++)
            {
                var frame = new short[frameLength];
                tone.ReadFrame(frame);
                writer.Write(new AudioFrame(frame, rate, channels, TimeSpan.FromMilliseconds(20 * i)));
                written.AddRange(frame);
            }
        }

        var bytes = stream.ToArray();
        Assert.Equal(44 + (written.Count * 2), bytes.Length);
        Assert.Equal((uint)(36 + (written.Count * 2)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal((uint)(written.Count * 2), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(40)));

        using var source = new WavAudioSource(new MemoryStream(bytes));
        Assert.Equal(rate, source.SampleRate);
        Assert.Equal(channels, source.Channels);
        var read = new List<short>();
        var buffer = new short[frameLength];
        while (source.ReadFrame(buffer) == AudioReadResult.Frame)
        {
            read.AddRange(buffer);
        }

        Assert.Equal(written, read);
        Assert.Equal(AudioReadResult.Ended, source.ReadFrame(buffer));
    }

    [Fact]
    public void Unknown_chunks_with_odd_lengths_are_skipped()
    {
        using var stream = new MemoryStream();
        stream.Write("RIFF\0\0\0\0WAVE"u8);
        stream.Write("LIST"u8);
        stream.Write([3, 0, 0, 0, (byte)'a', (byte)'b', (byte)'c', 0]); // odd length, padded
        stream.Write(Header(1, 1, 8000, 16).AsSpan(12, 24));
        stream.Write("data"u8);
        stream.Write([4, 0, 0, 0, 0x34, 0x12, 0xFF, 0xFF]);
        stream.Position = 0;

        using var source = new WavAudioSource(stream);
        var frame = new short[160];
        Assert.Equal(AudioReadResult.Frame, source.ReadFrame(frame));
        Assert.Equal(0x1234, frame[0]);
        Assert.Equal(-1, frame[1]);
        Assert.All(frame[2..], s => Assert.Equal(0, s)); // a short last frame is padded with silence
        Assert.Equal(AudioReadResult.Ended, source.ReadFrame(frame));
    }

    [Theory]
    [InlineData(1, 1, 8000, 8, "16-bit")]
    [InlineData(3, 1, 8000, 32, "format tag 3")]
    [InlineData(1, 3, 8000, 16, "3 channels")]
    [InlineData(1, 1, 11_025, 16, "11025 Hz")]
    public void Unsupported_formats_fail_with_a_clear_message(int tag, int channels, int rate, int bits, string expected)
    {
        var bytes = Header(tag, channels, rate, bits);
        var error = Assert.Throws<WavFormatException>(() => new WavAudioSource(new MemoryStream(bytes)));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Every_truncation_of_the_header_fails_cleanly()
    {
        var bytes = Header(1, 1, 8000, 16);
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<WavFormatException>(() => new WavAudioSource(new MemoryStream(bytes[..length])));
        }

        using var complete = new WavAudioSource(new MemoryStream(bytes));
        Assert.Equal(AudioReadResult.Ended, complete.ReadFrame(new short[160]));
    }

    [Fact]
    public void Not_a_wav_file_is_refused()
    {
        Assert.Throws<WavFormatException>(() => new WavAudioSource(new MemoryStream("RIFX\0\0\0\0WAVEfmt "u8.ToArray())));
    }

    [Fact]
    public void Writer_refuses_frames_of_another_format_and_fixes_the_header_on_a_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"p2pcall-{Guid.NewGuid():N}.wav");
        try
        {
            using (var writer = new WavAudioWriter(path, 8000, 1))
            {
                Assert.Throws<ArgumentException>(() => writer.Write(new AudioFrame(new short[960], 48_000, 1, TimeSpan.Zero)));
                writer.Write(new AudioFrame(new short[160], 8000, 1, TimeSpan.Zero));
            }

            using var source = new WavAudioSource(path);
            Assert.Equal(TimeSpan.FromMilliseconds(20), source.Duration);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Looping_source_starts_again_at_the_end()
    {
        using var stream = new MemoryStream();
        using (var writer = new WavAudioWriter(stream, 8000, 1))
        {
            writer.Write(Enumerable.Repeat((short)7, 160).ToArray());
        }

        using var source = new WavAudioSource(new MemoryStream(stream.ToArray()), loop: true);
        var frame = new short[160];
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(AudioReadResult.Frame, source.ReadFrame(frame));
            Assert.Equal(7, frame[159]);
        }
    }

    private static byte[] Header(int tag, int channels, int rate, int bits)
    {
        var header = new byte[44];
        WavFormat.WriteHeader(header, rate, Math.Max(1, channels), 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(20), (ushort)tag);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(22), (ushort)channels);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(34), (ushort)bits);
        return header;
    }
}
