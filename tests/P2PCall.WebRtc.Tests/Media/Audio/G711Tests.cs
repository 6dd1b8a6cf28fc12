using P2PCall.WebRtc.Media.Audio;

namespace P2PCall.WebRtc.Tests.Media.Audio;

public class G711Tests
{
    [Fact]
    public void Zero_encodes_to_the_G711_idle_codes()
    {
        Assert.Equal(0xFF, G711.LinearToMuLaw(0));
        Assert.Equal(0xD5, G711.LinearToALaw(0));
    }

    [Theory]
    [InlineData(0xFF, 0)]
    [InlineData(0x7F, 0)]
    [InlineData(0x80, 32124)]
    [InlineData(0x00, -32124)]
    [InlineData(0xFE, 8)]
    [InlineData(0x7E, -8)]
    public void MuLaw_decodes_table_values(int code, int expected) => Assert.Equal(expected, G711.MuLawToLinear((byte)code));

    [Theory]
    [InlineData(0xD5, 8)]
    [InlineData(0x55, -8)]
    [InlineData(0xAA, 32256)]
    [InlineData(0x2A, -32256)]
    public void ALaw_decodes_table_values(int code, int expected) => Assert.Equal(expected, G711.ALawToLinear((byte)code));

    [Fact]
    public void MuLaw_round_trip_stays_within_half_a_segment_step_for_all_inputs()
    {
        for (var x = short.MinValue; ; x++)
        {
            var y = G711.MuLawToLinear(G711.LinearToMuLaw(x));
            var magnitude = Math.Min(Math.Abs((int)x), 32635);
            var step = 1 << (31 - int.LeadingZeroCount(magnitude + 0x84) - 4); // the segment's step
            Assert.True(Math.Abs(y - x) <= Math.Max(step / 2, Math.Abs((int)x) - 32124), $"x={x} y={y} step={step}");
            if (x == short.MaxValue)
            {
                break;
            }
        }
    }

    [Fact]
    public void ALaw_round_trip_stays_within_half_a_segment_step_for_all_inputs()
    {
        for (var x = short.MinValue; ; x++)
        {
            var y = G711.ALawToLinear(G711.LinearToALaw(x));
            var magnitude = Math.Abs((int)x);
            var step = magnitude < 512 ? 16 : 1 << (31 - int.LeadingZeroCount(magnitude) - 4);
            Assert.True(Math.Abs(y - x) <= step / 2 + 1 || Math.Abs(y - x) <= Math.Abs((int)x) - 32256 + 512, $"x={x} y={y} step={step}");
            if (x == short.MaxValue)
            {
                break;
            }
        }
    }

    [Fact]
    public void Every_code_decodes_and_reencodes_to_itself()
    {
        for (var code = 0; code < 256; code++)
        {
            var mu = G711.MuLawToLinear((byte)code);
            if (code != 0x7F)
            {
                Assert.Equal(code, G711.LinearToMuLaw(mu)); // 0x7F is µ-law's negative zero and re-encodes as 0xFF
            }

            Assert.Equal(code, G711.LinearToALaw(G711.ALawToLinear((byte)code)));
        }
    }

    [Theory]
    [InlineData(G711Law.MuLaw)]
    [InlineData(G711Law.ALaw)]
    public void Tone_through_G711_decodes_to_440_Hz(G711Law law)
    {
        var source = new ToneAudioSource(440, 8000);
        using var encoder = new G711Encoder(law);
        using var decoder = new G711Decoder(law);
        var frame = new short[160];
        var payload = new byte[1500];
        var output = new List<short>();
        var pcm = new short[160];
        for (var i = 0; i < 50; i++)
        {
            source.ReadFrame(frame);
            var length = encoder.Encode(frame, payload);
            Assert.Equal(160, length);
            Assert.Equal(160, decoder.Decode(payload.AsSpan(0, length), pcm));
            output.AddRange(pcm);
        }

        Assert.Equal(law == G711Law.MuLaw ? 0 : 8, encoder.PayloadType);
        Assert.Equal(160, encoder.RtpTimestampIncrement);
        Assert.InRange(AudioTestKit.DominantFrequency(output.ToArray(), 8000), 435, 445);
    }

    [Fact]
    public void G711_encode_does_not_allocate()
    {
        using var encoder = new G711Encoder(G711Law.MuLaw);
        var frame = new short[160];
        var payload = new byte[1500];
        encoder.Encode(frame, payload);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            encoder.Encode(frame, payload);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Concealment_fades_the_last_frame_then_goes_silent()
    {
        using var decoder = new G711Decoder(G711Law.MuLaw);
        var pcm = new short[160];
        var payload = Enumerable.Repeat(G711.LinearToMuLaw(8000), 160).ToArray();
        decoder.Decode(payload, pcm);
        var level = pcm[0];
        decoder.Conceal([], pcm, out var recovered);
        Assert.False(recovered);
        Assert.Equal(level >> 1, pcm[0]);
        decoder.Conceal([], pcm, out _);
        decoder.Conceal([], pcm, out _);
        decoder.Conceal([], pcm, out _);
        Assert.All(pcm, s => Assert.Equal(0, s));
    }
}
