using P2PCall.WebRtc.Media.Audio;

namespace P2PCall.WebRtc.Tests.Media.Audio;

/// <summary>Signal analysis and a packet-level loopback for the audio tests.</summary>
internal static class AudioTestKit
{
    /// <summary>Goertzel power of one frequency in one channel of interleaved samples.</summary>
    public static double Power(ReadOnlySpan<short> samples, int sampleRate, int channels, int channel, double frequency)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * frequency / sampleRate);
        double s1 = 0, s2 = 0;
        for (var i = channel; i < samples.Length; i += channels)
        {
            var s0 = samples[i] + (coefficient * s1) - s2;
            s2 = s1;
            s1 = s0;
        }

        return (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2);
    }

    /// <summary>The strongest frequency between 50 Hz and 3,000 Hz, to 1 Hz.</summary>
    public static double DominantFrequency(ReadOnlySpan<short> samples, int sampleRate, int channels = 1, int channel = 0)
    {
        var best = 0.0;
        var bestPower = -1.0;
        for (var f = 50.0; f <= 3000; f += 10)
        {
            var p = Power(samples, sampleRate, channels, channel, f);
            if (p > bestPower)
            {
                (best, bestPower) = (f, p);
            }
        }

        var coarse = best;
        for (var f = coarse - 10; f <= coarse + 10; f += 1)
        {
            var p = Power(samples, sampleRate, channels, channel, f);
            if (p > bestPower)
            {
                (best, bestPower) = (f, p);
            }
        }

        return best;
    }

    /// <summary>Root mean square level of one channel.</summary>
    public static double Rms(ReadOnlySpan<short> samples, int channels = 1, int channel = 0)
    {
        double sum = 0;
        var n = 0;
        for (var i = channel; i < samples.Length; i += channels)
        {
            sum += (double)samples[i] * samples[i];
            n++;
        }

        return n == 0 ? 0 : Math.Sqrt(sum / n);
    }

    public static short[] Concat(IEnumerable<AudioFrame> frames) => frames.SelectMany(f => f.Samples.ToArray()).ToArray();

    /// <summary>Encodes 1 s of stereo (440 Hz left, 880 Hz right) and decodes it; returns the output after the first 200 ms.</summary>
    public static short[] StereoToneRoundTrip(IAudioEncoder encoder, IAudioDecoder decoder)
    {
        var frame = new short[1920];
        var payload = new byte[1500];
        var pcm = new short[5760 * 2];
        var output = new List<short>();
        var n = 0;
        for (var i = 0; i < 50; i++)
        {
            for (var s = 0; s < 960; s++, n++)
            {
                frame[2 * s] = (short)(10_000 * Math.Sin(2 * Math.PI * 440 * n / 48_000));
                frame[(2 * s) + 1] = (short)(10_000 * Math.Sin(2 * Math.PI * 880 * n / 48_000));
            }

            var length = encoder.Encode(frame, payload);
            Assert.Equal(960, decoder.Decode(payload.AsSpan(0, length), pcm));
            output.AddRange(pcm.AsSpan(0, 1920));
        }

        var steady = output.Skip(19_200).ToArray();
        return steady;
    }

    public static RemoteMediaStreamTrack NewRemoteTrack() => new("remote-audio", MediaKind.Audio, "0");
}

/// <summary>A captured RTP packet.</summary>
internal sealed record SentPacket(byte PayloadType, ushort Sequence, uint Timestamp, bool Marker, byte[] Payload);

/// <summary>
/// An in-memory transport: what the sender sends is recorded and, unless <see cref="Drop"/> says no,
/// delivered straight to a remote track with consecutive sequence numbers (no network).
/// </summary>
internal sealed class LoopbackAudioTransport(IReadOnlyList<RTCRtpCodecParameters> codecs, RemoteMediaStreamTrack? track = null) : IAudioRtpTransport
{
    private ushort _sequence = 65_500; // wraps during a one-second test

    public IReadOnlyList<RTCRtpCodecParameters> Codecs => codecs;

    public List<SentPacket> Sent { get; } = [];

    public Func<SentPacket, bool>? Drop { get; set; }

    public bool SendRtp(byte payloadType, uint timestamp, bool marker, ReadOnlySpan<byte> payload)
    {
        var packet = new SentPacket(payloadType, _sequence++, timestamp, marker, payload.ToArray());
        Sent.Add(packet);
        if (track is not null && Drop?.Invoke(packet) != true)
        {
            track.Deliver(new RtpPacketInfo(payloadType, packet.Sequence, timestamp, marker, 0x1234), payload);
        }

        return true;
    }
}

/// <summary>A 440 Hz tone whose level rises and falls four times a second, like syllables, so Opus's voice activity detector keeps it active.</summary>
internal sealed class SyllableToneSource(double frequency = 440) : IAudioSource
{
    private long _n;

    public int SampleRate => 48_000;

    public int Channels => 1;

    public AudioReadResult ReadFrame(Span<short> frame)
    {
        for (var i = 0; i < 960; i++, _n++)
        {
            var t = (double)_n / SampleRate;
            var envelope = 0.2 + (0.8 * Math.Abs(Math.Sin(Math.PI * 4 * t)));
            frame[i] = (short)(12_000 * envelope * Math.Sin(2 * Math.PI * frequency * t));
        }

        return AudioReadResult.Frame;
    }
}
