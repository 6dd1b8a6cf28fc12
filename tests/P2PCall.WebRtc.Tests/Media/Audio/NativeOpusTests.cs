using P2PCall.WebRtc.Media.Audio;
using P2PCall.WebRtc.Media.Audio.Opus.Native;

namespace P2PCall.WebRtc.Tests.Media.Audio;

/// <summary>The libopus binding: the same contract as the Concentus codec (<see cref="OpusTests"/>), and both decode each other.</summary>
public class NativeOpusTests
{
    private static readonly RTCRtpCodecParameters OpusFec = new(111, "audio/opus", 48_000, 2, "minptime=10;useinbandfec=1");

    [Fact]
    public void Library_loads_and_reports_libopus_1()
    {
        Assert.True(OpusLibrary.IsAvailable, OpusLibrary.UnavailableReason);
        Assert.StartsWith("libopus 1.", OpusLibrary.Version);
        Assert.Null(OpusLibrary.UnavailableReason);
    }

    [Fact]
    public void A_missing_library_is_named_in_the_error()
    {
        var e = Assert.Throws<OpusLibraryUnavailableException>(() => OpusLibrary.EnsureAvailable("libopus-not-here.so.0"));
        Assert.Equal("libopus-not-here.so.0", e.LibraryName);
        Assert.Contains("libopus-not-here.so.0", e.Message);
        Assert.Contains("apt-get install libopus0", e.Message);
    }

    [Fact]
    public void Settings_reach_libopus()
    {
        using var encoder = new NativeOpusAudioEncoder(111, new OpusEncoderSettings { Bitrate = 24_000, Complexity = 7, UseInbandFec = true, ExpectedPacketLossPercent = 15 });
        Assert.Equal(24_000, encoder.Get(OpusNative.GetBitrateRequest));
        Assert.Equal(7, encoder.Get(OpusNative.GetComplexityRequest));
        Assert.Equal(1, encoder.Get(OpusNative.GetInbandFecRequest));
        Assert.Equal(15, encoder.Get(OpusNative.GetPacketLossPercRequest));
        Assert.Equal(OpusNative.SignalVoice, encoder.Get(OpusNative.GetSignalRequest));

        using var plain = new NativeOpusAudioEncoder(111, new OpusEncoderSettings { UseInbandFec = false });
        Assert.Equal(0, plain.Get(OpusNative.GetInbandFecRequest));
        Assert.Equal(0, plain.Get(OpusNative.GetPacketLossPercRequest));

        using var decoder = new NativeOpusAudioDecoder(2);
        Assert.Equal(48_000, decoder.Get(OpusNative.GetSampleRateRequest));
    }

    [Fact]
    public void Mono_tone_survives_encode_and_decode_at_440_Hz()
    {
        using var encoder = new NativeOpusAudioEncoder(111, new OpusEncoderSettings { Bitrate = 32_000 });
        using var decoder = new NativeOpusAudioDecoder(1);
        var steady = RoundTrip(encoder, decoder, 50);
        Assert.InRange(AudioTestKit.DominantFrequency(steady, 48_000), 435, 445);
        Assert.True(AudioTestKit.Rms(steady) > 3000, "the decoded tone is not silent");
    }

    [Fact]
    public void Stereo_keeps_each_channel_at_its_own_frequency()
    {
        using var encoder = new NativeOpusAudioEncoder(111, new OpusEncoderSettings { Channels = 2, Bitrate = 64_000 });
        using var decoder = new NativeOpusAudioDecoder(2);
        var steady = AudioTestKit.StereoToneRoundTrip(encoder, decoder);
        Assert.InRange(AudioTestKit.DominantFrequency(steady, 48_000, 2, 0), 435, 445);
        Assert.InRange(AudioTestKit.DominantFrequency(steady, 48_000, 2, 1), 875, 885);
    }

    [Fact]
    public void A_lost_frame_is_rebuilt_from_the_next_packets_fec()
    {
        using var encoder = new NativeOpusAudioEncoder(111, new OpusEncoderSettings { UseInbandFec = true });
        using var decoder = new NativeOpusAudioDecoder(1);
        var packets = EncodeSyllables(encoder, 30);
        var pcm = new short[5760];
        var recoveredFrames = 0;
        var output = new List<short>();
        for (var i = 0; i < packets.Count; i++)
        {
            if (i >= 10 && i % 5 == 0)
            {
                // A packet after a frame the voice detector found inactive carries no LBRR: then PLC, not FEC.
                Assert.Equal(960, decoder.Conceal(packets[i + 1], pcm, out var recovered));
                Assert.Equal(OpusPacket.HasInbandFec(packets[i + 1]), recovered);
                recoveredFrames += recovered ? 1 : 0;
            }
            else
            {
                Assert.Equal(960, decoder.Decode(packets[i], pcm));
            }

            output.AddRange(pcm.AsSpan(0, 960));
        }

        Assert.True(recoveredFrames >= 3, $"{recoveredFrames} of 4 lost frames rebuilt from FEC");
        Assert.InRange(AudioTestKit.DominantFrequency(output.Skip(9600).ToArray(), 48_000), 435, 445);
    }

    [Fact]
    public void A_lost_frame_without_a_next_packet_is_concealed()
    {
        using var encoder = new NativeOpusAudioEncoder(111, new OpusEncoderSettings { UseInbandFec = true });
        using var decoder = new NativeOpusAudioDecoder(1);
        var pcm = new short[5760];
        foreach (var packet in EncodeSyllables(encoder, 20))
        {
            Assert.Equal(960, decoder.Decode(packet, pcm));
        }

        Assert.Equal(960, decoder.Conceal(ReadOnlySpan<byte>.Empty, pcm, out var recovered));
        Assert.False(recovered);
        Assert.True(AudioTestKit.Rms(pcm.AsSpan(0, 960)) > 100, "PLC extrapolates the tone rather than going silent");
    }

    [Fact]
    public void Invalid_packets_return_minus_one()
    {
        using var decoder = new NativeOpusAudioDecoder(1);
        var pcm = new short[5760];
        Assert.Equal(-1, decoder.Decode([], pcm));
        Assert.Equal(-1, decoder.Decode([0x0B, 0x00], pcm)); // RFC 6716 §3.2.5: code 3 with M = 0 frames (R5)
        Assert.Equal(-1, decoder.Decode([0x09, 0x01], pcm)); // §3.2.3: code 1 needs an even payload length (R3)
        Assert.Equal(-1, decoder.Decode([0x0A, 0xC8, 0x01, 0x02], pcm)); // §3.2.4: code 2 first frame longer than the packet (R4)
        Assert.Equal(-1, decoder.Decode([0xFB, 0x3F, 0x01], pcm)); // §3.2.5: 63 × 20 ms > 120 ms (R5)

        var valid = new byte[1500];
        using var encoder = new NativeOpusAudioEncoder(111);
        var length = encoder.Encode(new short[960], valid);
        Assert.Equal(-1, decoder.Decode(valid.AsSpan(0, length), new short[100])); // OPUS_BUFFER_TOO_SMALL
    }

    [Fact]
    public void Random_and_truncated_packets_never_throw()
    {
        using var encoder = new NativeOpusAudioEncoder(111, new OpusEncoderSettings { Channels = 2, UseInbandFec = true });
        using var decoder = new NativeOpusAudioDecoder(2);
        var pcm = new short[5760 * 2];
        var random = new Random(9);
        var rejected = 0;
        foreach (var packet in EncodeSyllables(encoder, 10, channels: 2))
        {
            for (var cut = 1; cut < packet.Length; cut++)
            {
                var result = decoder.Decode(packet.AsSpan(0, cut), pcm);
                Assert.True(result == -1 || result is >= 120 and <= 5760, $"truncated to {cut}: {result}");
                Assert.Equal(960, decoder.Conceal(packet.AsSpan(0, cut), pcm, out _));
            }
        }

        var garbage = new byte[400];
        for (var i = 0; i < 2000; i++)
        {
            var length = random.Next(1, garbage.Length);
            random.NextBytes(garbage.AsSpan(0, length));
            var result = decoder.Decode(garbage.AsSpan(0, length), pcm);
            Assert.True(result == -1 || result is >= 120 and <= 5760, $"random packet: {result}");
            rejected += result == -1 ? 1 : 0;
            Assert.Equal(960, decoder.Conceal(garbage.AsSpan(0, length), pcm, out _));
        }

        Assert.True(rejected > 100, $"only {rejected} of 2000 random packets were rejected");
    }

    [Fact]
    public async Task Dispose_during_concurrent_encodes_and_decodes_never_crashes()
    {
        var encoder = new NativeOpusAudioEncoder(111, new OpusEncoderSettings { UseInbandFec = true });
        var decoder = new NativeOpusAudioDecoder(1);
        var packet = EncodeSyllables(encoder, 1)[0];
        var encodes = 0;
        using var running = new CountdownEvent(4);
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            var pcm = new short[5760];
            var payload = new byte[1500];
            running.Signal();
            while (true)
            {
                if (w % 2 == 0)
                {
                    try
                    {
                        encoder.Encode(pcm.AsSpan(0, 960), payload);
                        Interlocked.Increment(ref encodes);
                    }
                    catch (ObjectDisposedException)
                    {
                        return;
                    }
                }
                else if (decoder.Decode(packet, pcm) == -1)
                {
                    Assert.Equal(960, decoder.Conceal(packet, pcm, out var recovered));
                    Assert.False(recovered);
                    Assert.Equal(0, AudioTestKit.Rms(pcm.AsSpan(0, 960))); // a disposed decoder gives silence
                    return;
                }
            }
        })).ToArray();

        running.Wait();
        SpinWait.SpinUntil(() => Volatile.Read(ref encodes) >= 20);
        encoder.Dispose();
        decoder.Dispose();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Throws<ObjectDisposedException>(() => encoder.Encode(new short[960], new byte[1500]));
        encoder.Dispose(); // twice is fine
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Native_and_Concentus_decode_each_other(bool nativeEncodes)
    {
        var settings = new OpusEncoderSettings { Bitrate = 32_000, UseInbandFec = true };
        using IAudioEncoder encoder = nativeEncodes ? new NativeOpusAudioEncoder(111, settings) : new OpusAudioEncoder(111, settings);
        using IAudioDecoder decoder = nativeEncodes ? new OpusAudioDecoder(1) : new NativeOpusAudioDecoder(1);
        var packets = EncodeSyllables(encoder, 50);
        var pcm = new short[5760];
        var output = new List<short>();
        var recovered = 0;
        for (var i = 0; i < packets.Count; i++)
        {
            if (i == 30)
            {
                // FEC written by one implementation and read by the other.
                Assert.Equal(960, decoder.Conceal(packets[i + 1], pcm, out var fromFec));
                recovered += fromFec ? 1 : 0;
            }
            else
            {
                Assert.Equal(960, decoder.Decode(packets[i], pcm));
            }

            output.AddRange(pcm.AsSpan(0, 960));
        }

        Assert.Equal(1, recovered);
        var steady = output.Skip(9600).ToArray();
        Assert.InRange(AudioTestKit.DominantFrequency(steady, 48_000), 435, 445);
        Assert.True(AudioTestKit.Rms(steady) > 1000, "the decoded tone is not silent");
    }

    [Fact]
    public void Encode_and_decode_allocate_nothing_per_frame()
    {
        using var encoder = new NativeOpusAudioEncoder(111, new OpusEncoderSettings { UseInbandFec = true });
        using var decoder = new NativeOpusAudioDecoder(1);
        var source = new SyllableToneSource();
        var frame = new short[960];
        var payload = new byte[1500];
        var pcm = new short[5760];
        for (var i = 0; i < 5; i++)
        {
            source.ReadFrame(frame);
            decoder.Decode(payload.AsSpan(0, encoder.Encode(frame, payload)), pcm);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            var length = encoder.Encode(frame, payload);
            decoder.Decode(payload.AsSpan(0, length), pcm);
            decoder.Conceal(payload.AsSpan(0, length), pcm, out _);
            decoder.Conceal(ReadOnlySpan<byte>.Empty, pcm, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void The_codec_factory_picks_native_by_default_and_obeys_a_forced_choice()
    {
        Assert.True(AudioCodecs.UsesNativeOpus(OpusImplementation.Auto));
        using (var auto = AudioCodecs.CreateEncoder(OpusFec))
        using (var autoDecoder = AudioCodecs.CreateDecoder(OpusFec))
        {
            Assert.IsType<NativeOpusAudioEncoder>(auto);
            Assert.True(((NativeOpusAudioEncoder)auto).UseInbandFec);
            Assert.IsType<NativeOpusAudioDecoder>(autoDecoder);
        }

        using (var managed = AudioCodecs.CreateEncoder(OpusFec, new AudioEncoderOptions { OpusImplementation = OpusImplementation.Managed }))
        using (var managedDecoder = AudioCodecs.CreateDecoder(OpusFec, new AudioDecoderOptions { OpusImplementation = OpusImplementation.Managed }))
        {
            Assert.IsType<OpusAudioEncoder>(managed);
            Assert.IsType<OpusAudioDecoder>(managedDecoder);
        }

        using var stereo = AudioCodecs.CreateEncoder(
            new RTCRtpCodecParameters(109, "audio/opus", 48_000, 2, "stereo=1"), new AudioEncoderOptions { OpusImplementation = OpusImplementation.Native });
        var native = Assert.IsType<NativeOpusAudioEncoder>(stereo);
        Assert.Equal(2, native.Channels);
        Assert.False(native.UseInbandFec);
        Assert.Equal(109, native.PayloadType);
        Assert.Equal(960, native.RtpTimestampIncrement);
    }

    [Theory]
    [InlineData(OpusImplementation.Auto, OpusImplementation.Auto, true, true)]
    [InlineData(OpusImplementation.Auto, OpusImplementation.Auto, false, false)] // the fallback to Concentus
    [InlineData(OpusImplementation.Auto, OpusImplementation.Managed, true, false)]
    [InlineData(OpusImplementation.Auto, OpusImplementation.Native, false, true)] // forced: creating the codec then throws
    [InlineData(OpusImplementation.Managed, OpusImplementation.Native, true, false)]
    [InlineData(OpusImplementation.Native, OpusImplementation.Managed, true, true)]
    [InlineData(OpusImplementation.Native, OpusImplementation.Auto, false, true)]
    public void The_option_wins_then_the_process_default_then_whether_libopus_loads(
        OpusImplementation requested, OpusImplementation processDefault, bool libraryAvailable, bool native)
    {
        Assert.Equal(native, AudioCodecs.Choose(requested, processDefault, libraryAvailable));
    }

    [Fact]
    public void Senders_without_options_use_the_process_default_encoder_settings()
    {
        var saved = AudioCodecs.DefaultEncoderOptions;
        try
        {
            AudioCodecs.DefaultEncoderOptions = new AudioEncoderOptions { OpusComplexity = 2 };
            using var sender = new AudioSender(new ToneAudioSource(440), new LoopbackAudioTransport([OpusFec]), null, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
            sender.Start();
            var encoder = Assert.IsType<NativeOpusAudioEncoder>(sender.Encoder);
            Assert.Equal(2, encoder.Get(OpusNative.GetComplexityRequest));
        }
        finally
        {
            AudioCodecs.DefaultEncoderOptions = saved;
        }

        Assert.Throws<ArgumentNullException>(() => AudioCodecs.DefaultEncoderOptions = null!);
    }

    private static short[] RoundTrip(IAudioEncoder encoder, IAudioDecoder decoder, int frames)
    {
        var source = new ToneAudioSource(440, 48_000, 1);
        var frame = new short[960];
        var payload = new byte[1500];
        var pcm = new short[5760];
        var output = new List<short>();
        for (var i = 0; i < frames; i++)
        {
            source.ReadFrame(frame);
            var length = encoder.Encode(frame, payload);
            Assert.InRange(length, 1, 1275);
            Assert.Equal(960, decoder.Decode(payload.AsSpan(0, length), pcm));
            output.AddRange(pcm.AsSpan(0, 960));
        }

        return output.Skip(9600).ToArray(); // skip the codec's first 200 ms
    }

    private static List<byte[]> EncodeSyllables(IAudioEncoder encoder, int frames, int channels = 1)
    {
        var source = new SyllableToneSource();
        var mono = new short[960];
        var frame = new short[960 * channels];
        var payload = new byte[1500];
        var packets = new List<byte[]>();
        for (var i = 0; i < frames; i++)
        {
            source.ReadFrame(mono);
            for (var s = 0; s < 960; s++)
            {
                for (var c = 0; c < channels; c++)
                {
                    frame[(s * channels) + c] = mono[s];
                }
            }

            packets.Add(payload.AsSpan(0, encoder.Encode(frame, payload)).ToArray());
        }

        return packets;
    }
}
