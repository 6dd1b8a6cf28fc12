using System.Buffers.Binary;
using P2PCall.WebRtc.Srtp;
using static P2PCall.WebRtc.Tests.Srtp.SrtpTestData;

namespace P2PCall.WebRtc.Tests.Srtp;

/// <summary>SRTCP (RFC 3711 §3.4; RFC 7714 §9): E flag, SRTCP index per SSRC, replay window, authentication.</summary>
public class SrtcpTests
{
    private static byte[] ProtectRtcp(SrtpContext sender, uint ssrc, byte fill = 0x5A)
    {
        byte[] buffer = SrtpTestData.Rtcp(ssrc, fill);
        Assert.Equal(SrtpStatus.Ok, sender.ProtectRtcp(buffer, 32, out int n));
        Assert.Equal(32 + sender.RtcpOverhead, n);
        return buffer[..n];
    }

    private static uint IndexWord(SrtpContext context, byte[] wire)
    {
        // AES-CM: packet || E+index || tag; AES-GCM: packet || tag || E+index.
        int offset = context.Parameters.IsAead ? wire.Length - 4 : wire.Length - 4 - context.Parameters.SrtcpAuthTagLength;
        return BinaryPrimitives.ReadUInt32BigEndian(wire.AsSpan(offset));
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Round_trip_encrypts_after_the_first_8_bytes_and_restores_the_packet(ushort profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] original = SrtpTestData.Rtcp(0xA1B2C3D4)[..32];
            byte[] wire = ProtectRtcp(sender, 0xA1B2C3D4);
            Assert.Equal(original[..8], wire[..8]);
            Assert.NotEqual(original[8..], wire[8..32]);
            Assert.Equal(sender.Parameters.IsAead ? 20 : 14, sender.RtcpOverhead); // SRTCP tag is 80 bits for both CM profiles

            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtcp(wire, out int n));
            Assert.Equal(original, wire[..n]);
            Assert.Equal(1, sender.Counters.RtcpProtected);
            Assert.Equal(1, receiver.Counters.RtcpUnprotected);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Unencrypted_srtcp_round_trips_with_the_E_flag_clear(ushort profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile, options: new SrtpContextOptions { EncryptRtcp = false });
        using (sender)
        using (receiver)
        {
            byte[] original = SrtpTestData.Rtcp(5)[..32];
            byte[] wire = ProtectRtcp(sender, 5);
            Assert.Equal(original, wire[..32]);
            Assert.Equal(0u, IndexWord(sender, wire));
            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtcp(wire, out int n));
            Assert.Equal(original, wire[..n]);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Index_starts_at_zero_and_increments_per_ssrc(ushort profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            Assert.Equal(0x8000_0000u, IndexWord(sender, ProtectRtcp(sender, 1)));
            Assert.Equal(0x8000_0001u, IndexWord(sender, ProtectRtcp(sender, 1)));
            Assert.Equal(0x8000_0000u, IndexWord(sender, ProtectRtcp(sender, 2)));
            Assert.Equal(0x8000_0002u, IndexWord(sender, ProtectRtcp(sender, 1)));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Replayed_srtcp_is_refused_and_reordered_srtcp_accepted(ushort profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] first = ProtectRtcp(sender, 3);
            byte[] second = ProtectRtcp(sender, 3);
            byte[] third = ProtectRtcp(sender, 3);
            byte[] copy = second.ToArray();

            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtcp(third, out _));
            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtcp(second, out _));
            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtcp(first, out _));
            Assert.Equal(SrtpStatus.Replayed, receiver.UnprotectRtcp(copy, out _));
            Assert.Equal(1, receiver.Counters.Replays);
        }
    }

    [Fact]
    public void Srtcp_older_than_the_window_is_dropped()
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(0x0007, options: new SrtpContextOptions { ReplayWindowSize = 64 });
        using (sender)
        using (receiver)
        {
            byte[] old = ProtectRtcp(sender, 3);
            for (int i = 0; i < 63; i++)
            {
                ProtectRtcp(sender, 3);
            }

            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtcp(ProtectRtcp(sender, 3), out _)); // index 64
            Assert.Equal(SrtpStatus.TooOld, receiver.UnprotectRtcp(old, out _)); // index 0
            Assert.Equal(1, receiver.Counters.TooOld);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Tampered_srtcp_fails_authentication_and_the_genuine_packet_still_decodes(ushort profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] wire = ProtectRtcp(sender, 8);
            foreach (int position in new[] { 1, 12, wire.Length - 1, wire.Length - 5 })
            {
                byte[] bad = wire.ToArray();
                bad[position] ^= 0x04;
                Assert.Equal(SrtpStatus.AuthenticationFailed, receiver.UnprotectRtcp(bad, out _));
            }

            Assert.Equal(4, receiver.Counters.AuthenticationFailures);
            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtcp(wire, out _));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Every_truncation_of_a_protected_rtcp_packet_fails_cleanly(ushort profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] wire = ProtectRtcp(sender, 0x33);
            for (int length = 0; length < wire.Length; length++)
            {
                SrtpStatus status = receiver.UnprotectRtcp(wire[..length], out int plain);
                Assert.True(status is SrtpStatus.Malformed or SrtpStatus.AuthenticationFailed, $"length {length}: {status}");
                Assert.Equal(0, plain);
            }

            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtcp(wire, out _));
        }
    }

    [Fact]
    public void Protect_refuses_malformed_rtcp_and_a_buffer_without_room()
    {
        (SrtpContext sender, SrtpContext unused) = Pair(0x0001);
        using (sender)
        using (unused)
        {
            var shortPacket = new byte[40];
            shortPacket[0] = 0x80;
            Assert.Equal(SrtpStatus.Malformed, sender.ProtectRtcp(shortPacket, 7, out _));
            byte[] notV2 = SrtpTestData.Rtcp(1);
            notV2[0] = 0x41;
            Assert.Equal(SrtpStatus.Malformed, sender.ProtectRtcp(notV2, 32, out _));
            byte[] tight = SrtpTestData.Rtcp(1, room: 13);
            Assert.Equal(SrtpStatus.BufferTooSmall, sender.ProtectRtcp(tight, 32, out _));
        }
    }

    [Fact]
    public void Srtcp_index_past_2_pow_31_reports_KeyExhausted()
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(0x0007);
        using (sender)
        using (receiver)
        {
            sender.SetNextSrtcpIndex(4, 0x7FFF_FFFF);
            byte[] last = ProtectRtcp(sender, 4);
            Assert.Equal(0xFFFF_FFFFu, IndexWord(sender, last));
            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtcp(last, out _));
            Assert.Equal(SrtpStatus.KeyExhausted, sender.ProtectRtcp(SrtpTestData.Rtcp(4), 32, out _));
        }
    }
}
