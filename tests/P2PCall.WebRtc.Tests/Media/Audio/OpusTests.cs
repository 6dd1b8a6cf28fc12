using Microsoft.Extensions.Time.Testing;
using P2PCall.WebRtc.Media.Audio;

namespace P2PCall.WebRtc.Tests.Media.Audio;

public class OpusTests
{
    private static readonly RTCRtpCodecParameters OpusFec = new(111, "audio/opus", 48_000, 2, "minptime=10;useinbandfec=1");
    private static readonly RTCRtpCodecParameters OpusNoFec = new(111, "audio/opus", 48_000, 2, "minptime=10");

    [Fact]
    public void Mono_tone_survives_encode_and_decode_at_440_Hz()
    {
        using var encoder = new OpusAudioEncoder(111, new OpusEncoderSettings { Bitrate = 32_000 });
        using var decoder = new OpusAudioDecoder(1);
        var source = new ToneAudioSource(440, 48_000, 1);
        var frame = new short[960];
        var payload = new byte[1500];
        var pcm = new short[5760];
        var output = new List<short>();
        for (var i = 0; i < 50; i++)
        {
            source.ReadFrame(frame);
            var length = encoder.Encode(frame, payload);
            Assert.InRange(length, 1, 1275);
            Assert.Equal(960, decoder.Decode(payload.AsSpan(0, length), pcm));
            output.AddRange(pcm.AsSpan(0, 960));
        }

        var steady = output.Skip(9600).ToArray(); // skip the codec's first 200 ms
        Assert.InRange(AudioTestKit.DominantFrequency(steady, 48_000), 435, 445);
        Assert.True(AudioTestKit.Rms(steady) > 3000, "the decoded tone is not silent");
    }

    [Fact]
    public void Stereo_keeps_each_channel_at_its_own_frequency()
    {
        using var encoder = new OpusAudioEncoder(111, new OpusEncoderSettings { Channels = 2, Bitrate = 64_000 });
        using var decoder = new OpusAudioDecoder(2);
        var steady = AudioTestKit.StereoToneRoundTrip(encoder, decoder);
        Assert.InRange(AudioTestKit.DominantFrequency(steady, 48_000, 2, 0), 435, 445);
        Assert.InRange(AudioTestKit.DominantFrequency(steady, 48_000, 2, 1), 875, 885);
    }

    [Fact]
    public void Codec_selection_follows_fmtp_for_stereo_and_fec()
    {
        var managed = new AudioEncoderOptions { OpusImplementation = OpusImplementation.Managed };
        using var stereo = (OpusAudioEncoder)AudioCodecs.CreateEncoder(new RTCRtpCodecParameters(109, "audio/opus", 48_000, 2, "stereo=1;useinbandfec=1"), managed);
        Assert.Equal(2, stereo.Channels);
        Assert.True(stereo.UseInbandFec);
        Assert.Equal(109, stereo.PayloadType);
        Assert.Equal(960, stereo.RtpTimestampIncrement);

        using var mono = (OpusAudioEncoder)AudioCodecs.CreateEncoder(OpusNoFec, managed);
        Assert.Equal(1, mono.Channels);
        Assert.False(mono.UseInbandFec);
    }

    [Theory]
    [InlineData(OpusImplementation.Managed)]
    [InlineData(OpusImplementation.Native)]
    public void Every_fifth_packet_lost_with_fec_is_recovered_from_the_next_packet(OpusImplementation implementation)
    {
        var (frames, stats) = RunLossyCall(OpusFec, dropEvery: 5, implementation);

        // 12 packets are lost; a few follow frames the encoder's voice detector found inactive, which carry no FEC.
        Assert.True(stats.FecRecovered >= 6, $"FEC recovered {stats.FecRecovered}, concealed {stats.ConcealedFrames}");
        Assert.Equal(stats.JitterBuffer.LostFrames, stats.FecRecovered + stats.ConcealedFrames);
        Assert.InRange(AudioTestKit.DominantFrequency(frames, 48_000), 435, 445);
    }

    [Theory]
    [InlineData(OpusImplementation.Managed)]
    [InlineData(OpusImplementation.Native)]
    public void Every_fifth_packet_lost_without_fec_is_concealed(OpusImplementation implementation)
    {
        var (frames, stats) = RunLossyCall(OpusNoFec, dropEvery: 5, implementation);

        // 60 frames sent, every fifth dropped: 12 lost, all played out (concealed) since playout starts one frame behind.
        Assert.Equal(0, stats.FecRecovered);
        Assert.Equal(12, stats.ConcealedFrames);
        Assert.Equal(12, stats.JitterBuffer.LostFrames);
        Assert.InRange(AudioTestKit.DominantFrequency(frames, 48_000), 435, 445);
    }

    [Fact]
    public void Five_percent_random_loss_keeps_audio_flowing_every_20_ms()
    {
        var time = new FakeTimeProvider();
        var track = AudioTestKit.NewRemoteTrack();
        var frames = new List<AudioFrame>();
        using var receiver = new AudioReceiver(track, [OpusFec], null, time);
        receiver.FrameReceived += (_, f) => frames.Add(f);
        var random = new Random(5);
        var transport = new LoopbackAudioTransport([OpusFec], track) { Drop = _ => random.NextDouble() < 0.05 };
        using var sender = new AudioSender(new SyllableToneSource(440), transport, null, time);
        sender.Start();
        for (var i = 0; i < 250; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
        }

        var stats = receiver.Statistics;
        var lost = transport.Sent.Count - stats.JitterBuffer.PacketsInserted;
        Assert.True(lost >= 5, $"{lost} packets lost");
        Assert.Equal(stats.JitterBuffer.LostFrames, stats.FecRecovered + stats.ConcealedFrames);
        Assert.Equal(frames.Count, stats.FramesDecoded + stats.FecRecovered + stats.ConcealedFrames);
        Assert.InRange(frames.Count, 245, 250); // one frame per 20 ms once playout started
        Assert.InRange(AudioTestKit.DominantFrequency(AudioTestKit.Concat(frames.Skip(10)), 48_000), 435, 445);
    }

    [Fact]
    public void Corrupt_payloads_are_rejected_without_throwing()
    {
        using var decoder = new OpusAudioDecoder(1);
        var pcm = new short[5760];
        Assert.Equal(-1, decoder.Decode([], pcm));
        var garbage = new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x01 };
        var result = decoder.Decode(garbage, pcm); // code 3 with a bad count: invalid
        Assert.True(result < 0 || result <= 5760);
    }

    /// <summary>One second of a call through <see cref="AudioSender"/> and <see cref="AudioReceiver"/> on a fake clock, every <paramref name="dropEvery"/>th packet lost.</summary>
    internal static (short[] Steady, AudioReceiverStatistics Stats) RunLossyCall(RTCRtpCodecParameters codec, int dropEvery, OpusImplementation implementation)
    {
        var time = new FakeTimeProvider();
        var track = AudioTestKit.NewRemoteTrack();
        var frames = new List<AudioFrame>();
        var receiverOptions = new AudioReceiverOptions { Decoder = new AudioDecoderOptions { OpusImplementation = implementation } };
        var senderOptions = new AudioSenderOptions { Encoder = new AudioEncoderOptions { OpusImplementation = implementation } };
        using var receiver = new AudioReceiver(track, [codec], receiverOptions, time);
        receiver.FrameReceived += (_, f) => frames.Add(f);
        var transport = new LoopbackAudioTransport([codec], track);
        var index = 0;
        transport.Drop = _ => ++index % dropEvery == 0;
        using var sender = new AudioSender(new SyllableToneSource(440), transport, senderOptions, time);
        sender.Start();
        for (var i = 0; i < 60; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
        }

        var steady = AudioTestKit.Concat(frames.Skip(10));
        return (steady, receiver.Statistics);
    }
}
