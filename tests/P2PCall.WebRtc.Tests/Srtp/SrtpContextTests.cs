using P2PCall.WebRtc.Srtp;
using static P2PCall.WebRtc.Tests.Srtp.SrtpTestData;

namespace P2PCall.WebRtc.Tests.Srtp;

/// <summary>SRTP protect/unprotect: round trips, replay, authentication, malformed input (RFC 3711 §3.3).</summary>
public class SrtpContextTests
{
    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Round_trip_restores_the_packet_and_keeps_the_header_clear(ushort profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            // Two CSRCs and a 3-word header extension: all of it is header, none of it is encrypted.
            byte[] buffer = SrtpTestData.Rtp(0x0102_0304, 1000, payloadLength: 160, csrcCount: 2, extensionWords: 3);
            int length = RtpLength(buffer);
            byte[] original = buffer[..length];
            int headerLength = 12 + 8 + 4 + 12;

            Assert.Equal(SrtpStatus.Ok, sender.ProtectRtp(buffer, length, out int n));
            Assert.Equal(length + sender.RtpOverhead, n);
            Assert.Equal(sender.Parameters.SrtpAuthTagLength, sender.RtpOverhead);
            Assert.Equal(original[..headerLength], buffer[..headerLength]);
            Assert.NotEqual(original[headerLength..], buffer[headerLength..length]);

            byte[] wire = buffer[..n];
            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(wire, out int plain));
            Assert.Equal(original, wire[..plain]);
            Assert.Equal(1, sender.Counters.RtpProtected);
            Assert.Equal(1, receiver.Counters.RtpUnprotected);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Empty_payload_round_trips(ushort profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] wire = Protect(sender, 5, 77, payloadLength: 0);
            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(wire, out int plain));
            Assert.Equal(12, plain);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Same_packet_twice_is_dropped_as_a_replay(ushort profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] wire = Protect(sender, 11, 500);
            byte[] copy = wire.ToArray();
            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(wire, out _));
            Assert.Equal(SrtpStatus.Replayed, receiver.UnprotectRtp(copy, out int length));
            Assert.Equal(0, length);
            Assert.Equal(1, receiver.Counters.Replays);
            Assert.Equal(1, receiver.Counters.RtpUnprotected);
        }
    }

    [Theory]
    [InlineData(64)]
    [InlineData(128)]
    [InlineData(1024)]
    public void Packet_older_than_the_window_is_dropped_and_one_inside_it_decodes(int windowSize)
    {
        var options = new SrtpContextOptions { ReplayWindowSize = windowSize };
        (SrtpContext sender, SrtpContext receiver) = Pair(0x0001, options: options);
        using (sender)
        using (receiver)
        {
            var packets = new Dictionary<int, byte[]>();
            for (int seq = 0; seq <= windowSize + 100; seq++)
            {
                packets[seq] = Protect(sender, 3, (ushort)seq);
            }

            int newest = windowSize + 100;
            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(packets[newest], out _));
            Assert.Equal(SrtpStatus.TooOld, receiver.UnprotectRtp(packets[newest - windowSize], out _));
            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(packets[newest - windowSize + 1], out _));
            Assert.Equal(1, receiver.Counters.TooOld);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Tampered_payload_or_tag_fails_authentication_and_leaves_state_unchanged(ushort profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            const uint Ssrc = 0xFEED;
            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(Protect(sender, Ssrc, 65_500), out _));
            byte[] next = Protect(sender, Ssrc, 65_501);

            byte[] badPayload = next.ToArray();
            badPayload[20] ^= 0x01;
            Assert.Equal(SrtpStatus.AuthenticationFailed, receiver.UnprotectRtp(badPayload, out _));

            byte[] badTag = next.ToArray();
            badTag[^1] ^= 0x80;
            Assert.Equal(SrtpStatus.AuthenticationFailed, receiver.UnprotectRtp(badTag, out _));

            // A forgery whose sequence number would move ROC forward must not move it.
            byte[] forged = next.ToArray();
            forged[2] = 0;
            forged[3] = 100;
            Assert.Equal(SrtpStatus.AuthenticationFailed, receiver.UnprotectRtp(forged, out _));

            Assert.Equal(3, receiver.Counters.AuthenticationFailures);
            Assert.True(receiver.TryGetReceiveRolloverCounter(Ssrc, out uint roc));
            Assert.Equal(0u, roc);

            // The genuine packet still decodes: neither the window nor ROC took the forgeries.
            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(next, out _));
            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(Protect(sender, Ssrc, 65_502), out _));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Packet_from_a_context_with_other_keys_fails_authentication(ushort profile)
    {
        (SrtpContext sender, SrtpContext unused) = Pair(profile, seed: 1);
        (SrtpContext unused2, SrtpContext receiver) = Pair(profile, seed: 2);
        using (sender)
        using (unused)
        using (unused2)
        using (receiver)
        {
            Assert.Equal(SrtpStatus.AuthenticationFailed, receiver.UnprotectRtp(Protect(sender, 1, 1), out _));
            Assert.False(receiver.TryGetReceiveRolloverCounter(1, out _)); // no state for an unauthenticated SSRC
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Every_truncation_of_a_protected_packet_fails_cleanly(ushort profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] buffer = SrtpTestData.Rtp(21, 4242, payloadLength: 30, csrcCount: 1, extensionWords: 1);
            Assert.Equal(SrtpStatus.Ok, sender.ProtectRtp(buffer, RtpLength(buffer), out int n));
            byte[] wire = buffer[..n];

            for (int length = 0; length < wire.Length; length++)
            {
                byte[] truncated = wire[..length];
                SrtpStatus status = receiver.UnprotectRtp(truncated, out int plain);
                Assert.True(
                    status is SrtpStatus.Malformed or SrtpStatus.AuthenticationFailed,
                    $"length {length}: {status}");
                Assert.Equal(0, plain);
            }

            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(wire, out _));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Every_single_bit_flip_is_refused(ushort profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] wire = Protect(sender, 99, 12, payloadLength: 24);
            for (int bit = 0; bit < wire.Length * 8; bit++)
            {
                byte[] flipped = wire.ToArray();
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                SrtpStatus status = receiver.UnprotectRtp(flipped, out _);
                Assert.NotEqual(SrtpStatus.Ok, status);
            }

            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(wire, out _));
        }
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(0x0007);
        using (sender)
        using (receiver)
        {
            var random = new Random(1234);
            for (int i = 0; i < 2000; i++)
            {
                var junk = new byte[random.Next(0, 200)];
                random.NextBytes(junk);
                if (junk.Length > 0 && i % 2 == 0)
                {
                    junk[0] = (byte)(0x80 | (junk[0] & 0x3F)); // half of them look like RTP v2
                }

                Assert.NotEqual(SrtpStatus.Ok, receiver.UnprotectRtp(junk, out _));
                Assert.NotEqual(SrtpStatus.Ok, receiver.UnprotectRtcp(junk, out _));
            }
        }
    }

    [Theory]
    [InlineData("4000000000000000000000000000000000")] // version 1
    [InlineData("8300000000000000000000000000000000")] // three CSRCs promised, none present
    [InlineData("900000000000000000000000BEDE")] // extension header cut short
    [InlineData("900000000000000000000000BEDE0004AABBCCDD")] // extension longer than the packet
    [InlineData("8000")] // shorter than the fixed header
    public void Protect_refuses_a_malformed_rtp_header(string hex)
    {
        (SrtpContext sender, SrtpContext unused) = Pair(0x0001);
        using (sender)
        using (unused)
        {
            byte[] packet = Hex(hex);
            var buffer = new byte[packet.Length + 64];
            packet.CopyTo(buffer, 0);
            Assert.Equal(SrtpStatus.Malformed, sender.ProtectRtp(buffer, packet.Length, out int n));
            Assert.Equal(0, n);
            Assert.Equal(packet, buffer[..packet.Length]);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Protect_without_room_for_the_tag_reports_BufferTooSmall_and_leaves_the_buffer(ushort profile)
    {
        (SrtpContext sender, SrtpContext unused) = Pair(profile);
        using (sender)
        using (unused)
        {
            byte[] full = SrtpTestData.Rtp(1, 1, room: 0);
            byte[] before = full.ToArray();
            Assert.Equal(SrtpStatus.BufferTooSmall, sender.ProtectRtp(full, full.Length, out _));
            Assert.Equal(before, full);
            Assert.Equal(SrtpStatus.Malformed, sender.ProtectRtp(full, full.Length + 1, out _));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Protect_and_unprotect_do_not_allocate(ushort profile)
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] buffer = new byte[1200 + 64];
            byte[] rtcp = SrtpTestData.Rtcp(77);
            // Warm up: JIT, and the per-SSRC state created on first use.
            for (int i = 0; i < 64; i++)
            {
                Cycle(sender, receiver, buffer, rtcp, i);
            }

            // Three windows of 512 cycles: a per-packet allocation shows in every one of them (>= 24 B x 512); the
            // runtime's own one-off bookkeeping (seen once in a full parallel run, never alone) shows in one at most.
            var windows = new List<long>();
            for (int window = 0; window < 3 && (windows.Count == 0 || windows[^1] != 0); window++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 512; i++)
                {
                    Cycle(sender, receiver, buffer, rtcp, 64 + (window * 512) + i);
                }

                windows.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            }

            Assert.True(windows[^1] == 0, "bytes allocated per window of 512 cycles: " + string.Join(", ", windows));
        }

        static void Cycle(SrtpContext sender, SrtpContext receiver, byte[] buffer, byte[] rtcp, int i)
        {
            buffer[0] = 0x80;
            buffer[2] = (byte)(i >> 8);
            buffer[3] = (byte)i;
            buffer[11] = 1;
            if (sender.ProtectRtp(buffer, 1200, out int n) != SrtpStatus.Ok
                || receiver.UnprotectRtp(buffer.AsSpan(0, n), out _) != SrtpStatus.Ok)
            {
                throw new InvalidOperationException("RTP cycle failed");
            }

            if (sender.ProtectRtcp(rtcp, 32, out int m) != SrtpStatus.Ok
                || receiver.UnprotectRtcp(rtcp.AsSpan(0, m), out _) != SrtpStatus.Ok)
            {
                throw new InvalidOperationException("RTCP cycle failed");
            }
        }
    }

    [Fact]
    public void Disposed_context_reports_Disposed_and_disposes_once()
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(0x0007);
        byte[] wire = Protect(sender, 1, 1);
        sender.Dispose();
        sender.Dispose();
        receiver.Dispose();

        byte[] buffer = SrtpTestData.Rtp(1, 2);
        Assert.Equal(SrtpStatus.Disposed, sender.ProtectRtp(buffer, RtpLength(buffer), out _));
        Assert.Equal(SrtpStatus.Disposed, receiver.UnprotectRtp(wire, out _));
        Assert.Equal(SrtpStatus.Disposed, sender.ProtectRtcp(SrtpTestData.Rtcp(1), 32, out _));
        Assert.Equal(SrtpStatus.Disposed, receiver.UnprotectRtcp(wire, out _));
    }

    [Fact]
    public void Malformed_packets_are_counted()
    {
        (SrtpContext sender, SrtpContext receiver) = Pair(0x0001);
        using (sender)
        using (receiver)
        {
            Assert.Equal(SrtpStatus.Malformed, receiver.UnprotectRtp(new byte[5], out _));
            Assert.Equal(SrtpStatus.Malformed, receiver.UnprotectRtcp(new byte[5], out _));
            Assert.Equal(2, receiver.Counters.Malformed);
        }
    }

    [Fact]
    public void Replay_window_size_is_validated()
    {
        SrtpProfileParameters p = SrtpProfileParameters.Aes128CmHmacSha1_80;
        using SrtpMasterKey key = MasterKey(p, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SrtpContext(p, key, new SrtpContextOptions { ReplayWindowSize = 32 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SrtpContext(p, key, new SrtpContextOptions { ReplayWindowSize = 100 }));
    }
}
