using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using P2PCall.WebRtc.Rtp;
using P2PCall.WebRtc.Sdp;
using P2PCall.WebRtc.Stun;

namespace P2PCall.Benchmarks;

/// <summary>Packet and description parsing on the receive path: STUN with integrity, RTP, SDP.</summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("0123456789abcdefghijklmn");
    private readonly byte[] _stun = new byte[256];
    private readonly byte[] _stunOut = new byte[256];
    private readonly byte[] _rtp = new byte[1212];
    private int _stunLength;
    private string _offer = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _stunLength = WriteStun(_stun);
        var writer = new RtpPacketWriter { PayloadType = 96, SequenceNumber = 1, Timestamp = 2, Ssrc = 3, Payload = new byte[1200] };
        writer.TryWrite(_rtp, out _);
        _offer = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "chromium-156-offer.sdp"));
    }

    [Benchmark(Description = "STUN binding request parse + MESSAGE-INTEGRITY check")]
    public bool StunParseVerify() =>
        StunMessage.TryParse(_stun.AsSpan(0, _stunLength), out var message) == StunParseResult.Ok && message.VerifyMessageIntegrity(Key);

    [Benchmark(Description = "STUN binding request write with integrity + fingerprint")]
    public int StunWrite() => WriteStun(_stunOut);

    [Benchmark(Description = "RTP parse 1212 B")]
    public int RtpParse() => RtpPacket.TryParse(_rtp, out var packet, out _) ? packet.Payload.Length : -1;

    [Benchmark(Description = "SDP parse of Chromium 156's offer")]
    public int SdpParse() => SessionDescription.Parse(_offer).Media.Count;

    private static int WriteStun(Span<byte> buffer)
    {
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, default);
        writer.AddUsername("abcd:efgh");
        writer.AddPriority(2122260223);
        writer.AddIceControlling(42);
        writer.AddUseCandidate();
        writer.AddMessageIntegrity(Key);
        writer.AddFingerprint();
        writer.TryComplete(out var length);
        return length;
    }
}
