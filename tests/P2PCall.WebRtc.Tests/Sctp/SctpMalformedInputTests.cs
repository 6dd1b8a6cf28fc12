using System.Buffers.Binary;
using P2PCall.WebRtc.Sctp;

namespace P2PCall.WebRtc.Tests.Sctp;

/// <summary>Bad input is dropped and counted or answered as RFC 9260 says; it never throws or stalls the association.</summary>
public class SctpMalformedInputTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    /// <summary>Seals a packet with B's verification tag so that only the chunk content is under test.</summary>
    private static byte[] Packet(SctpPair pair, uint tag, params (byte Type, byte Flags, byte[] Value)[] chunks)
    {
        var packet = new byte[1500];
        var offset = SctpPacket.CommonHeaderLength;
        foreach (var (type, flags, value) in chunks)
        {
            offset = SctpPacket.WriteChunk(packet, offset, (SctpChunkType)type, flags, value);
        }

        SctpPacket.Seal(packet.AsSpan(0, offset), 5000, 5000, tag);
        return packet[..offset];
    }

    private static uint TagOf(byte[] packet) => BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(4));

    private static (SctpPair Pair, uint TagOfB) EstablishedPair()
    {
        var pair = new SctpPair { Record = true };
        pair.Establish();
        pair.A.Send(0, 51, [1], true);
        pair.RunUntil(() => !pair.A.HasOutstandingData, Limit);
        return (pair, TagOf(pair.SentToB[^1]));
    }

    private static void AssertStillWorks(SctpPair pair)
    {
        var got = false;
        pair.B.MessageReceived += (_, _, d) => got |= d.Length == 3000;
        pair.A.Send(9, 53, new byte[3000], true);
        Assert.True(pair.RunUntil(() => got, Limit), "the association still carries data");
    }

    [Fact]
    public void Bad_checksum_short_packets_and_wrong_tags_are_counted_drops()
    {
        var (pair, tag) = EstablishedPair();
        using var _ = pair;
        var good = Packet(pair, tag, ((byte)SctpChunkType.Heartbeat, 0, new byte[8]));
        var flipped = (byte[])good.Clone();
        flipped[^1] ^= 1;
        var before = pair.B.PacketsDropped;

        pair.B.OnPacket(flipped);
        pair.B.OnPacket(good[..15]);
        pair.B.OnPacket([]);
        pair.B.OnPacket(Packet(pair, tag + 1, ((byte)SctpChunkType.Sack, 0, new byte[12])));

        Assert.Equal(before + 4, pair.B.PacketsDropped);
        AssertStillWorks(pair);
    }

    [Fact]
    public void Truncated_chunks_of_every_kind_are_dropped()
    {
        var (pair, tag) = EstablishedPair();
        using var _ = pair;
        var kinds = new[] { SctpChunkType.Data, SctpChunkType.Sack, SctpChunkType.Init, SctpChunkType.InitAck, SctpChunkType.CookieEcho, SctpChunkType.ForwardTsn, SctpChunkType.ReConfig, SctpChunkType.Shutdown, SctpChunkType.HeartbeatAck };
        foreach (var kind in kinds)
        {
            for (var length = 0; length < 12; length++)
            {
                var exception = Record.Exception(() => pair.B.OnPacket(Packet(pair, kind == SctpChunkType.Init ? 0 : tag, ((byte)kind, 0, new byte[length]))));
                Assert.Null(exception);
            }
        }

        Assert.False(pair.B.IsClosed);
        AssertStillWorks(pair);
    }

    [Fact]
    public void A_chunk_length_beyond_the_packet_ends_the_walk_and_is_counted()
    {
        var (pair, tag) = EstablishedPair();
        using var _ = pair;
        var packet = Packet(pair, tag, ((byte)SctpChunkType.Heartbeat, 0, new byte[8]));
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(14), 400); // says 400 bytes, has 12
        SctpPacket.Seal(packet, 5000, 5000, tag);
        var before = pair.B.PacketsDropped;

        pair.B.OnPacket(packet);

        Assert.Equal(before + 1, pair.B.PacketsDropped);
        AssertStillWorks(pair);
    }

    [Fact]
    public void Unknown_chunk_types_follow_the_top_two_bits()
    {
        var (pair, tag) = EstablishedPair();
        using var _ = pair;
        var errors = pair.A.Counters.ErrorsReceived;
        var heartbeatAcks = pair.A.Counters.PacketsSent;

        // 0x3F: stop, no report.  0x7F: stop and report.  0xBF: skip, no report.  0xFF: skip and report (§3.2).
        foreach (var type in new byte[] { 0x3F, 0x7F, 0xBF, 0xFF })
        {
            pair.B.OnPacket(Packet(pair, tag, (type, 0, new byte[4])));
        }

        pair.RunUntil(() => false, TimeSpan.FromMilliseconds(100));
        Assert.Equal(errors + 2, pair.A.Counters.ErrorsReceived); // the two "report" kinds came back as ERROR
        Assert.Equal(4, pair.B.Counters.UnknownChunks);
        AssertStillWorks(pair);
    }

    [Fact]
    public void Empty_data_chunk_is_answered_with_an_abort_as_the_rfc_says()
    {
        var (pair, tag) = EstablishedPair();
        using var _ = pair;
        string? aAborted = null;
        pair.A.Aborted += r => aAborted = r;
        var value = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(value, 12345);

        pair.B.OnPacket(Packet(pair, tag, ((byte)SctpChunkType.Data, 3, value)));

        Assert.True(pair.B.IsClosed);
        Assert.True(pair.RunUntil(() => aAborted is not null, Limit));
    }

    [Fact]
    public void A_forged_cookie_is_discarded()
    {
        var (pair, tag) = EstablishedPair();
        using var _ = pair;
        var before = pair.B.PacketsDropped;

        pair.B.OnPacket(Packet(pair, tag, ((byte)SctpChunkType.CookieEcho, 0, new byte[37])));
        pair.B.OnPacket(Packet(pair, tag, ((byte)SctpChunkType.CookieEcho, 0, new byte[5])));

        Assert.Equal(before + 2, pair.B.PacketsDropped);
        AssertStillWorks(pair);
    }

    [Fact]
    public void Mutations_of_real_traffic_never_throw_or_wedge_the_association()
    {
        var (pair, tag) = EstablishedPair();
        pair.A.Send(3, 53, new byte[5000], false, maxRetransmits: 1);
        pair.A.ResetStream(0);
        pair.A.Shutdown();
        pair.RunUntil(() => false, TimeSpan.FromMilliseconds(50));
        var corpus = pair.SentToB.ToArray();
        pair.Dispose();
        (pair, tag) = EstablishedPair();
        var random = new Random(42);
        var ended = 0;

        for (var i = 0; i < 5000; i++)
        {
            var packet = (byte[])corpus[random.Next(corpus.Length)].Clone();
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                switch (random.Next(3))
                {
                    case 0:
                        packet[random.Next(12, packet.Length)] = (byte)random.Next(256);
                        break;
                    case 1:
                        packet = packet[..random.Next(16, packet.Length + 1)];
                        break;
                    default:
                        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(14), (ushort)random.Next(0, 2000));
                        break;
                }
            }

            SctpPacket.Seal(packet, 5000, 5000, TagOf(packet) == 0 ? 0 : tag); // a valid checksum: the chunks are under test
            pair.B.OnPacket(packet);
            pair.RunUntil(() => true, TimeSpan.Zero);
            if (pair.B.IsClosed)
            {
                // A mutated ABORT, SHUTDOWN or empty DATA may end it, as the RFC says: start over with a fresh pair.
                ended++;
                pair.Dispose();
                (pair, tag) = EstablishedPair();
            }
        }

        // Well-formed mutations (a DATA with a forged TSN, a FORWARD-TSN ahead) are, behind DTLS, the peer's own
        // word and may spoil the data flow; what is asserted is that nothing threw and the state machine answers.
        using (pair)
        {
            Assert.InRange(ended, 0, 2500);
            var sent = pair.B.Counters.PacketsSent;
            pair.B.OnPacket(Packet(pair, tag, ((byte)SctpChunkType.Heartbeat, 0, [0, 1, 0, 8, 1, 2, 3, 4])));
            Assert.Equal(sent + 1, pair.B.Counters.PacketsSent);
        }
    }
}
