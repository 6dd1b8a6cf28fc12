using P2PCall.WebRtc.Rtcp;

namespace P2PCall.WebRtc.Tests.Rtcp;

public class RtcpGenericNackTests
{
    private static List<ushort> Expand(byte[] packet)
    {
        Assert.True(RtcpGenericNack.TryParse(RtcpTestData.Frame(packet), out RtcpGenericNack nack, out _));
        var lost = new List<ushort>();
        foreach (ushort seq in nack.GetLostSequenceNumbers())
        {
            lost.Add(seq);
        }

        return lost;
    }

    private static byte[] Build(ushort[] lost)
    {
        byte[] buffer = new byte[RtcpGenericNack.GetSerializedLength(lost)];
        Assert.True(RtcpGenericNack.TryWrite(buffer, 0xAAAA, 0xBBBB, lost, out int written));
        Assert.Equal(buffer.Length, written);
        return buffer;
    }

    [Fact]
    public void Expands_pid_and_blp_into_lost_sequence_numbers()
    {
        Assert.Equal([100, 101, 105], Expand(RtcpTestData.Nack));
        Assert.True(RtcpGenericNack.TryParse(RtcpTestData.Frame(RtcpTestData.Nack), out RtcpGenericNack nack, out _));
        Assert.Equal(1u, nack.SenderSsrc);
        Assert.Equal(2u, nack.MediaSsrc);
        Assert.Equal((100, 0x0011), ((int)nack.GetPair(0).PacketId, (int)nack.GetPair(0).LostBitmask));
    }

    [Fact]
    public void Packs_up_to_sixteen_following_losses_into_one_pair()
    {
        ushort[] lost = [100, 101, 105, 116, 117, 200];
        byte[] packet = Build(lost);
        Assert.True(RtcpGenericNack.TryParse(RtcpTestData.Frame(packet), out RtcpGenericNack nack, out _));
        Assert.Equal(3, nack.PairCount);
        Assert.Equal(((ushort)100, (ushort)0b1000_0000_0001_0001), nack.GetPair(0)); // 101 → bit 0, 105 → bit 4, 116 → bit 15
        Assert.Equal(((ushort)117, (ushort)0), nack.GetPair(1));
        Assert.Equal(((ushort)200, (ushort)0), nack.GetPair(2));
        Assert.Equal(lost, Expand(packet));
    }

    [Fact]
    public void Wraps_at_65535_in_both_directions()
    {
        ushort[] lost = [65533, 65535, 0, 1, 12];
        byte[] packet = Build(lost);
        Assert.True(RtcpGenericNack.TryParse(RtcpTestData.Frame(packet), out RtcpGenericNack nack, out _));
        Assert.Equal(1, nack.PairCount); // 65533 + 2, +3, +4, +15 all fit one BLP
        Assert.Equal(lost, Expand(packet));

        // A hand-built pair whose BLP crosses the wrap.
        byte[] known = Convert.FromHexString("81CD0003" + "00000001" + "00000002" + "FFFF8001");
        Assert.Equal([65535, 0, 15], Expand(known));
    }

    [Fact]
    public void Duplicates_collapse_and_unsorted_input_stays_correct()
    {
        Assert.Equal([7, 8], Expand(Build([7, 7, 8, 8])));
        List<ushort> unsorted = Expand(Build([300, 10, 301, 11]));
        Assert.Equal(new ushort[] { 10, 11, 300, 301 }, unsorted.Order().ToArray());
    }

    [Fact]
    public void Round_trips_random_loss_patterns()
    {
        var random = new Random(4585);
        for (int round = 0; round < 200; round++)
        {
            ushort seq = (ushort)random.Next(65536);
            var lost = new List<ushort>();
            int count = random.Next(1, 80);
            for (int i = 0; i < count; i++)
            {
                seq = (ushort)(seq + random.Next(1, 30));
                lost.Add(seq);
            }

            Assert.Equal(lost, Expand(Build([.. lost])));
        }
    }

    [Fact]
    public void An_empty_loss_list_is_refused()
    {
        Assert.Throws<ArgumentException>(() => RtcpGenericNack.TryWrite(new byte[64], 1, 2, [], out _));
    }
}
