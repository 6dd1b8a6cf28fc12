using System.Text;
using P2PCall.WebRtc.Rtcp;

namespace P2PCall.WebRtc.Tests.Rtcp;

/// <summary>Hand-built RTCP packets following the RFC layouts, shaped like what Chromium sends.</summary>
internal static class RtcpTestData
{
    public const string ChromiumCName = "r5tMw0Zm1VAp8s1y";

    /// <summary>SR (RFC 3550 §6.4.1) with one report block, then SDES CNAME (§6.5) — a full compound packet.</summary>
    public static readonly byte[] SrAndSdes = Convert.FromHexString(
        "81C8000C" + "5A2B3C4D" + // V=2 RC=1 PT=200 length 12; sender SSRC
        "E94D9A10" + "80000000" + // NTP seconds, fraction 0.5
        "0001E240" + "00000064" + "00003A98" + // RTP ts 123456, 100 packets, 15000 octets
        "11223344" + "0AFFFFFE" + "00010005" + "00000020" + "9A108000" + "00008000" + // block
        "81CA0006" + "5A2B3C4D" + "0110" + Convert.ToHexString(Encoding.ASCII.GetBytes(ChromiumCName)) + "0000");

    /// <summary>RR with two blocks.</summary>
    public static readonly byte[] ReceiverReport = Convert.FromHexString(
        "82C9000D" + "00000001" +
        "00000002" + "00000003" + "00000004" + "00000005" + "00000006" + "00000007" +
        "00000008" + "FF800000" + "00000009" + "0000000A" + "0000000B" + "0000000C");

    /// <summary>BYE with two SSRCs and a reason.</summary>
    public static readonly byte[] GoodbyeWithReason = Convert.FromHexString(
        "82CB0005" + "00000001" + "00000002" + "0B" + Convert.ToHexString(Encoding.ASCII.GetBytes("camera off!")));

    /// <summary>Generic NACK: PID 100, BLP 0x0011 → 100, 101, 105.</summary>
    public static readonly byte[] Nack = Convert.FromHexString("81CD0003" + "00000001" + "00000002" + "00640011");

    /// <summary>PLI.</summary>
    public static readonly byte[] Pli = Convert.FromHexString("81CE0002" + "00000001" + "00000002");

    /// <summary>FIR with one entry (SSRC 2, seq 7).</summary>
    public static readonly byte[] Fir = Convert.FromHexString("84CE0004" + "00000001" + "00000000" + "00000002" + "07000000");

    /// <summary>REMB: 1 Mbit/s as mantissa 0x3D090 (250000) × 2^2, two SSRCs.</summary>
    public static readonly byte[] Remb = Convert.FromHexString("8FCE0006" + "00000001" + "00000000" + "52454D42" + "020BD090" + "00000002" + "00000003");

    /// <summary>A transport-wide CC feedback header with a made-up body (RTPFB FMT 15).</summary>
    public static readonly byte[] TransportCc = Convert.FromHexString("8FCD0004" + "00000001" + "00000002" + "00010002" + "00000100");

    /// <summary>A body-truncation probe: returns whether the typed parser accepts the packet.</summary>
    public delegate bool TypedParse(RtcpPacketView packet);

    /// <summary>Frames a single packet, failing the test if it does not frame.</summary>
    public static RtcpPacketView Frame(ReadOnlySpan<byte> bytes)
    {
        Assert.True(RtcpPacketView.TryRead(bytes, out RtcpPacketView packet, out RtcpParseError error), error.ToString());
        Assert.Equal(bytes.Length, packet.Bytes.Length);
        return packet;
    }

    /// <summary>
    /// Every byte-level truncation fails framing; every word-level truncation with a matching length field
    /// frames but fails the typed parser, except for body lengths listed in <paramref name="validBodyLengths"/>.
    /// </summary>
    public static void AssertEveryTruncationFails(byte[] bytes, TypedParse parse, params int[] validBodyLengths)
    {
        Assert.True(parse(Frame(bytes)));
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.False(RtcpPacketView.TryRead(bytes.AsSpan(0, length), out _, out RtcpParseError error));
            Assert.NotEqual(RtcpParseError.None, error);
        }

        for (int body = 0; body < bytes.Length - 4; body += 4)
        {
            byte[] shorter = bytes[..(4 + body)];
            shorter[2] = (byte)((body / 4) >> 8);
            shorter[3] = (byte)(body / 4);
            Assert.Equal(validBodyLengths.Contains(body), parse(Frame(shorter)));
        }
    }
}
