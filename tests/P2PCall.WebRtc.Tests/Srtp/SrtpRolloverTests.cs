using P2PCall.WebRtc.Srtp;
using static P2PCall.WebRtc.Tests.Srtp.SrtpTestData;

namespace P2PCall.WebRtc.Tests.Srtp;

/// <summary>
/// Sequence-number wrap and rollover counter (RFC 3711 §3.3.1, Appendix A), per SSRC and per
/// direction: the bug that froze other stacks' video after a few minutes.
/// </summary>
public class SrtpRolloverTests
{
    [Theory]
    [InlineData((ushort)0x0001)]
    [InlineData((ushort)0x0007)]
    public void Seventy_thousand_packets_across_the_wrap_decode_for_two_ssrcs_in_both_directions(ushort profileId)
    {
        SrtpProfileParameters p = SrtpProfileParameters.Get((SrtpProtectionProfile)profileId);
        byte[] material = new byte[p.KeyingMaterialLength];
        for (int i = 0; i < material.Length; i++)
        {
            material[i] = (byte)(i * 31);
        }

        using SrtpSession client = SrtpSession.FromDtlsKeyingMaterial(p, material, isDtlsClient: true);
        using SrtpSession server = SrtpSession.FromDtlsKeyingMaterial(p, material, isDtlsClient: false);

        const int Count = 70_000;
        // Two SSRCs per direction that wrap at different moments, so their ROCs differ.
        (uint Ssrc, ushort Start)[] streams = [(0x1111_0001, 65_000), (0x2222_0002, 30_000)];
        byte[] buffer = new byte[12 + 20 + 16];
        foreach ((SrtpSession from, SrtpSession to) in new[] { (client, server), (server, client) })
        {
            for (int i = 0; i < Count; i++)
            {
                foreach ((uint ssrc, ushort start) in streams)
                {
                    ushort seq = (ushort)(start + i);
                    FillRtp(buffer, ssrc, seq);
                    Assert.Equal(SrtpStatus.Ok, from.ProtectRtp(buffer, 32, out int n));
                    SrtpStatus status = to.UnprotectRtp(buffer.AsSpan(0, n), out int plain);
                    if (status != SrtpStatus.Ok || plain != 32 || buffer[12] != (byte)seq || buffer[31] != (byte)(seq + 19))
                    {
                        Assert.Fail($"SSRC {ssrc:x8} packet {i} (seq {seq}): {status}");
                    }
                }
            }

            foreach ((uint ssrc, ushort start) in streams)
            {
                uint expectedRoc = (uint)((start + Count - 1) >> 16);
                Assert.True(from.Outbound.TryGetSendRolloverCounter(ssrc, out uint sendRoc));
                Assert.True(to.Inbound.TryGetReceiveRolloverCounter(ssrc, out uint receiveRoc));
                Assert.Equal(expectedRoc, sendRoc);
                Assert.Equal(expectedRoc, receiveRoc);
            }

            Assert.Equal(2 * Count, to.Inbound.Counters.RtpUnprotected);
            Assert.Equal(0, to.Inbound.Counters.AuthenticationFailures);
        }

        // 65000 + 69999 → ROC 2; 30000 + 69999 → ROC 1: independent per SSRC.
        Assert.True(server.Inbound.TryGetReceiveRolloverCounter(0x1111_0001, out uint a));
        Assert.True(server.Inbound.TryGetReceiveRolloverCounter(0x2222_0002, out uint b));
        Assert.Equal(2u, a);
        Assert.Equal(1u, b);
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Receiver_joining_mid_stream_follows_the_wrap(ushort profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            const uint Ssrc = 0xABCD_0001;
            // The sender has been running since seq 50000; the receiver hears nothing before 60000.
            for (int i = 0; i < 20_000; i++)
            {
                ushort seq = (ushort)(50_000 + i);
                byte[] wire = Protect(sender, Ssrc, seq, 8);
                if (i < 10_000)
                {
                    continue;
                }

                Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(wire, out _));
            }

            Assert.True(receiver.TryGetReceiveRolloverCounter(Ssrc, out uint roc));
            Assert.Equal(1u, roc); // 50000 + 19999 = 69999 → ROC 1, seq 4463
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Reordered_packets_around_the_wrap_decode(ushort profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            const uint Ssrc = 7;
            ushort[] sent = [65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3, 4, 5];
            Dictionary<ushort, byte[]> wire = sent.ToDictionary(s => s, s => Protect(sender, Ssrc, s));
            Assert.True(sender.TryGetSendRolloverCounter(Ssrc, out uint senderRoc));
            Assert.Equal(1u, senderRoc);

            // Arrival order: the late pre-wrap packets need ROC - 1, the early post-wrap ones ROC + 1.
            ushort[] arrival = [65530, 65531, 0, 65532, 2, 1, 65535, 65533, 3, 65534, 5, 4];
            foreach (ushort seq in arrival)
            {
                byte[] packet = wire[seq];
                Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(packet, out int n));
                Assert.Equal(RtpLength(SrtpTestData.Rtp(Ssrc, seq)), n);
                Assert.Equal(SrtpTestData.Rtp(Ssrc, seq).AsSpan(0, n).ToArray(), packet[..n]);
            }

            Assert.True(receiver.TryGetReceiveRolloverCounter(Ssrc, out uint roc));
            Assert.Equal(1u, roc);
            Assert.Equal(arrival.Length, receiver.Counters.RtpUnprotected);
        }
    }

    [Theory]
    [InlineData(0UL, (ushort)5, 5UL)]
    [InlineData(100UL, (ushort)30_000, 30_000UL)] // s_l < 2^15, forward by less than 2^15: same ROC
    [InlineData(65_500UL, (ushort)3, 65_539UL)] // just past the wrap: ROC + 1
    [InlineData(65_539UL, (ushort)65_520, 65_520UL)] // late packet from before the wrap: ROC - 1
    [InlineData((3UL << 16) | 60_000, (ushort)10, (4UL << 16) | 10)]
    [InlineData((3UL << 16) | 10, (ushort)60_000, (2UL << 16) | 60_000)]
    public void Index_estimate_follows_rfc3711_appendix_a(ulong highest, ushort seq, ulong expected)
    {
        Assert.True(SrtpContext.TryEstimateIndex(highest, seq, out ulong index));
        Assert.Equal(expected, index);
    }

    [Fact]
    public void Index_estimate_refuses_a_packet_from_before_the_stream_began()
    {
        // ROC 0, s_l 100: seq 40000 would need ROC -1.
        Assert.False(SrtpContext.TryEstimateIndex(100, 40_000, out _));
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Packet_from_before_the_first_received_one_is_dropped_as_too_old(ushort profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        (SrtpContext otherSender, SrtpContext unused) = Pair(profile); // same keys, its own ROC 0
        using (sender)
        using (receiver)
        using (otherSender)
        using (unused)
        {
            byte[] early = Protect(otherSender, 9, 40_000);
            byte[] first = Protect(sender, 9, 100);
            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(first, out _));
            Assert.Equal(SrtpStatus.TooOld, receiver.UnprotectRtp(early, out _));
            Assert.Equal(1, receiver.Counters.TooOld);
        }
    }

    private static void FillRtp(byte[] buffer, uint ssrc, ushort seq)
    {
        buffer[0] = 0x80;
        buffer[1] = 111;
        buffer[2] = (byte)(seq >> 8);
        buffer[3] = (byte)seq;
        buffer[8] = (byte)(ssrc >> 24);
        buffer[9] = (byte)(ssrc >> 16);
        buffer[10] = (byte)(ssrc >> 8);
        buffer[11] = (byte)ssrc;
        for (int i = 0; i < 20; i++)
        {
            buffer[12 + i] = (byte)(seq + i);
        }
    }
}
