using Microsoft.Extensions.Time.Testing;
using P2PCall.WebRtc.Rtp;

namespace P2PCall.WebRtc.Tests.Rtp;

public sealed class RtpPacketHistoryTests
{
    private static byte[] Packet(ushort seq, int length = 100)
    {
        byte[] p = new byte[length];
        p.AsSpan().Fill((byte)seq);
        p[2] = (byte)(seq >> 8);
        p[3] = (byte)seq;
        return p;
    }

    [Fact]
    public void A_stored_packet_comes_back_byte_for_byte_across_the_sequence_wrap()
    {
        var time = new FakeTimeProvider();
        using var history = new RtpPacketHistory(time, capacity: 16);
        for (int i = 0; i < 10; i++)
        {
            ushort seq = (ushort)(65530 + i);
            history.Store(seq, Packet(seq, 90 + i));
        }

        byte[] buffer = new byte[1500];
        Assert.True(history.TryGetForResend(65535, buffer, out int length));
        Assert.Equal(Packet(65535, 95), buffer.AsSpan(0, length).ToArray());
        Assert.True(history.TryGetForResend(2, buffer, out length));
        Assert.Equal(Packet(2, 98), buffer.AsSpan(0, length).ToArray());
        Assert.Equal(2, history.Resent);
    }

    [Fact]
    public void Packets_overwritten_by_the_ring_or_never_sent_are_missed()
    {
        var time = new FakeTimeProvider();
        using var history = new RtpPacketHistory(time, capacity: 16);
        for (ushort seq = 0; seq < 20; seq++)
        {
            history.Store(seq, Packet(seq));
        }

        byte[] buffer = new byte[1500];
        Assert.False(history.TryGetForResend(3, buffer, out _)); // slot now holds 19
        Assert.False(history.TryGetForResend(25, buffer, out _)); // not sent yet
        Assert.True(history.TryGetForResend(4, buffer, out _));
        Assert.Equal(2, history.Missed);
    }

    [Fact]
    public void Packets_older_than_the_max_age_are_not_resent()
    {
        var time = new FakeTimeProvider();
        using var history = new RtpPacketHistory(time, maxAge: TimeSpan.FromSeconds(1));
        history.Store(1, Packet(1));
        time.Advance(TimeSpan.FromMilliseconds(900));
        history.Store(2, Packet(2));
        time.Advance(TimeSpan.FromMilliseconds(200));

        byte[] buffer = new byte[1500];
        Assert.False(history.TryGetForResend(1, buffer, out _));
        Assert.True(history.TryGetForResend(2, buffer, out _));
    }

    [Fact]
    public void A_packet_is_resent_at_most_once_per_min_interval()
    {
        var time = new FakeTimeProvider();
        using var history = new RtpPacketHistory(time, minResendInterval: TimeSpan.FromMilliseconds(10));
        history.Store(5, Packet(5));
        byte[] buffer = new byte[1500];

        Assert.True(history.TryGetForResend(5, buffer, out _));
        time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.False(history.TryGetForResend(5, buffer, out _));
        time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.True(history.TryGetForResend(5, buffer, out _));
        Assert.Equal(1, history.Throttled);
        Assert.Equal(2, history.Resent);
    }

    [Fact]
    public void A_slot_grows_for_a_larger_packet_and_a_too_small_destination_is_refused()
    {
        var time = new FakeTimeProvider();
        using var history = new RtpPacketHistory(time, capacity: 16);
        history.Store(1, Packet(1, 100));
        history.Store(17, Packet(17, 3000)); // same slot, larger than the default buffer

        Assert.False(history.TryGetForResend(17, new byte[1000], out _));
        byte[] buffer = new byte[4000];
        Assert.True(history.TryGetForResend(17, buffer, out int length));
        Assert.Equal(3000, length);
    }

    [Fact]
    public void Capacity_must_be_a_power_of_two()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RtpPacketHistory(new FakeTimeProvider(), capacity: 100));
    }
}
