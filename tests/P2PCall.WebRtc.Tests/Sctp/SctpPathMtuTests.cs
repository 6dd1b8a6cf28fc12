using System.Buffers.Binary;
using P2PCall.WebRtc.Sctp;

namespace P2PCall.WebRtc.Tests.Sctp;

/// <summary>Path MTU discovery (RFC 8899 §6.2): HEARTBEAT + PAD probes raise the packet size the path proves it carries.</summary>
public class SctpPathMtuTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static bool IsProbe(byte[] packet) =>
        packet.Length > 16 && packet[12] == 4 /* HEARTBEAT */ && BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(14)) == 4 + 24;

    [Fact]
    public void An_unlimited_path_is_raised_to_the_largest_dtls_record_and_bulk_data_uses_it()
    {
        using var pair = new SctpPair();
        var largest = 0;
        pair.Tap = (toB, p) =>
        {
            if (toB && !IsProbe(p))
            {
                largest = Math.Max(largest, p.Length);
            }
        };
        pair.Establish();

        Assert.True(pair.RunUntil(() => pair.A.PathMtu == SctpAssociationOptions.LargestPathMtu, Limit));
        var received = 0;
        pair.B.MessageReceived += (_, _, d) => received += d.Length;
        pair.A.Send(1, 53, new byte[200_000], true);
        Assert.True(pair.RunUntil(() => received == 200_000, Limit));

        Assert.Equal(4, pair.A.Counters.PathMtuProbesSent); // 1400, 4096, 8192, 16384: each answered at once
        Assert.Equal(0, pair.A.Counters.PathMtuProbesLost);
        Assert.True(largest > 8192, $"largest DATA packet {largest}");
        Assert.True(largest <= SctpAssociationOptions.LargestPathMtu);
    }

    [Fact]
    public void A_path_that_drops_large_datagrams_settles_on_the_largest_size_it_carried()
    {
        using var pair = new SctpPair { DropIf = (_, p) => p.Length > 1500 };
        pair.Establish();

        Assert.True(pair.RunUntil(() => pair.A.Counters.PathMtuProbesLost > 0, Limit));
        Assert.Equal(1400, pair.A.PathMtu);
        Assert.Equal(3, pair.A.Counters.PathMtuProbesLost); // RFC 8899 MAX_PROBES for 4096, then the search completes
        var received = 0;
        pair.B.MessageReceived += (_, _, d) => received += d.Length;
        pair.A.Send(1, 53, new byte[100_000], true);
        Assert.True(pair.RunUntil(() => received == 100_000, Limit));
        Assert.Equal(0, pair.A.Counters.RetransmissionTimeouts);

        // The path grows: the raise timer (RFC 8899 PMTU_RAISE_TIMER, 600 s) searches up again, once.
        pair.DropIf = null;
        Assert.True(pair.RunUntil(() => pair.A.PathMtu == SctpAssociationOptions.LargestPathMtu, TimeSpan.FromSeconds(650)));
    }

    [Fact]
    public void Discovery_can_be_turned_off_and_then_packets_stay_at_the_base_size()
    {
        using var pair = new SctpPair(options: new SctpAssociationOptions { PathMtuDiscovery = false });
        var largest = 0;
        pair.Tap = (toB, p) => largest = toB ? Math.Max(largest, p.Length) : largest;
        pair.Establish();
        var received = 0;
        pair.B.MessageReceived += (_, _, d) => received += d.Length;

        pair.A.Send(1, 53, new byte[50_000], true);
        Assert.True(pair.RunUntil(() => received == 50_000, Limit));

        Assert.Equal(SctpAssociation.BasePathMtu, pair.A.PathMtu);
        Assert.Equal(0, pair.A.Counters.PathMtuProbesSent);
        Assert.True(largest <= SctpAssociation.BasePathMtu);
    }

    [Fact]
    public void A_path_that_shrinks_falls_back_to_the_base_size_after_consecutive_timeouts_and_delivers_what_was_in_flight()
    {
        using var pair = new SctpPair();
        pair.Establish();
        Assert.True(pair.RunUntil(() => pair.A.PathMtu == SctpAssociationOptions.LargestPathMtu, Limit));
        pair.DropIf = (toB, p) => toB && p.Length > 1500; // a new route with a smaller MTU (RFC 8899 §4.3 black hole)
        var received = 0;
        pair.B.MessageReceived += (_, _, d) => received += d.Length;

        pair.A.Send(1, 53, new byte[20_000], true);
        Assert.True(pair.RunUntil(() => pair.A.Counters.PathMtuBlackHoles == 1, Limit));

        Assert.Equal(SctpAssociation.BasePathMtu, pair.A.PathMtu);
        // Chunks are base-sized whatever the packet size: everything in flight gets through the smaller path alone.
        Assert.True(pair.RunUntil(() => received == 20_000, Limit));
        Assert.False(pair.A.IsClosed);
    }

    [Fact]
    public void A_forged_probe_acknowledgement_is_dropped_and_does_not_raise_the_size()
    {
        using var pair = new SctpPair { DropIf = (toB, p) => toB && IsProbe(p) }; // B never sees a probe
        uint tagOfA = 0;
        byte[]? probe = null;
        pair.Tap = (toB, p) =>
        {
            if (!toB)
            {
                tagOfA = BinaryPrimitives.ReadUInt32BigEndian(p.AsSpan(4)); // packets towards A carry A's tag
            }
            else if (probe is null && IsProbe(p))
            {
                probe = p;
            }
        };
        pair.Establish();
        Assert.True(pair.RunUntil(() => probe is not null, Limit));

        // Answer the probe as B would, but with a wrong nonce.
        var ack = new byte[12 + 4 + 24];
        ack[12] = 5; // HEARTBEAT-ACK
        BinaryPrimitives.WriteUInt16BigEndian(ack.AsSpan(14), 4 + 24);
        probe!.AsSpan(16, 24).CopyTo(ack.AsSpan(16));
        ack[16 + 12] ^= 0xFF;
        SctpPacket.Seal(ack, 5000, 5000, tagOfA);
        var dropped = pair.A.Counters.PacketsDropped;
        pair.A.OnPacket(ack);

        Assert.Equal(dropped + 1, pair.A.Counters.PacketsDropped);
        Assert.True(pair.RunUntil(() => pair.A.Counters.PathMtuProbesLost > 0, Limit));
        Assert.Equal(SctpAssociation.BasePathMtu, pair.A.PathMtu);
    }
}
