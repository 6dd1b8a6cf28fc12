using BenchmarkDotNet.Attributes;
using P2PCall.WebRtc.Media.Audio;
using P2PCall.WebRtc.Media.Audio.Opus.Native;
using P2PCall.WebRtc.Media.Video;

namespace P2PCall.Benchmarks;

/// <summary>
/// The media hot paths: VP8 RTP packetize and depacketize (RFC 7741) of a 5,000-byte frame (5 packets) and Opus
/// encode and decode of one 20 ms mono frame, managed (Concentus) and native (libopus). Packetize/depacketize and the
/// native Opus calls should allocate 0 B per frame once warm (issues 6 and 9).
/// </summary>
[MemoryDiagnoser]
public class MediaBenchmarks
{
    private const int PacketsPerFrame = 5;
    private readonly byte[] _frame = new byte[5000];
    private readonly byte[] _packet = new byte[1100];
    private readonly byte[][] _payloads = new byte[PacketsPerFrame][];
    private readonly int[] _lengths = new int[PacketsPerFrame];
    private readonly short[] _pcm = new short[960];
    private readonly byte[] _opus = new byte[1500];
    private Vp8Packetizer _packetizer = null!;
    private Vp8Depacketizer _depacketizer = null!;
    private OpusAudioEncoder _encoder = null!;
    private OpusAudioDecoder _decoder = null!;
    private NativeOpusAudioEncoder _nativeEncoder = null!;
    private NativeOpusAudioDecoder _nativeDecoder = null!;
    private readonly short[] _decoded = new short[5760];
    private byte[] _packet20ms = [];
    private ushort _sequence;
    private uint _timestamp;

    [GlobalSetup]
    public void Setup()
    {
        Random.Shared.NextBytes(_frame);
        _frame[0] = 0x10; // keyframe (RFC 7741 §4.3)
        _packetizer = new Vp8Packetizer(1100);
        var source = new Vp8Packetizer(1100);
        for (int i = 0; i < PacketsPerFrame; i++)
        {
            _payloads[i] = new byte[1100];
            _lengths[i] = source.WritePacket(_frame, i, _payloads[i], out _);
        }

        _depacketizer = new Vp8Depacketizer();
        var settings = new OpusEncoderSettings { Channels = 1, UseInbandFec = true };
        _encoder = new OpusAudioEncoder(111, settings);
        _decoder = new OpusAudioDecoder(1);
        _nativeEncoder = new NativeOpusAudioEncoder(111, settings);
        _nativeDecoder = new NativeOpusAudioDecoder(1);
        for (int i = 0; i < _pcm.Length; i++)
        {
            _pcm[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 48_000));
        }

        // One steady-state packet (after the encoder's first frames) for the decode benchmarks; both decode the same bytes.
        int length = 0;
        for (int i = 0; i < 20; i++)
        {
            length = _nativeEncoder.Encode(_pcm, _opus);
        }

        _packet20ms = _opus.AsSpan(0, length).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _depacketizer.Dispose();
        _encoder.Dispose();
        _decoder.Dispose();
        _nativeEncoder.Dispose();
        _nativeDecoder.Dispose();
    }

    [Benchmark(Description = "VP8 packetize 5,000 B frame into 5 packets (caller buffer)")]
    public int Vp8Packetize()
    {
        int total = 0;
        int count = _packetizer.GetPacketCount(_frame.Length);
        for (int i = 0; i < count; i++)
        {
            total += _packetizer.WritePacket(_frame, i, _packet, out _);
        }

        return total;
    }

    [Benchmark(Description = "VP8 depacketize 5 packets into one 5,000 B frame")]
    public int Vp8Depacketize()
    {
        int size = 0;
        for (int i = 0; i < PacketsPerFrame; i++)
        {
            if (_depacketizer.Push(_sequence++, _timestamp, i == PacketsPerFrame - 1, _payloads[i].AsSpan(0, _lengths[i]), out var frame))
            {
                size = frame.Data.Length;
            }
        }

        _timestamp += 3000;
        return size;
    }

    [Benchmark(Description = "Opus encode 20 ms mono 48 kHz (Concentus, FEC on)")]
    public int OpusEncode() => _encoder.Encode(_pcm, _opus);

    [Benchmark(Description = "Opus encode 20 ms mono 48 kHz (libopus, FEC on)")]
    public int OpusEncodeNative() => _nativeEncoder.Encode(_pcm, _opus);

    [Benchmark(Description = "Opus decode 20 ms mono 48 kHz (Concentus)")]
    public int OpusDecode() => _decoder.Decode(_packet20ms, _decoded);

    [Benchmark(Description = "Opus decode 20 ms mono 48 kHz (libopus)")]
    public int OpusDecodeNative() => _nativeDecoder.Decode(_packet20ms, _decoded);
}
