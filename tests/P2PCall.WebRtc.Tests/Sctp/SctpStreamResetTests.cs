using P2PCall.WebRtc.Sctp;

namespace P2PCall.WebRtc.Tests.Sctp;

/// <summary>RFC 6525 outgoing stream reset, the way data channels close (RFC 8831 §6.7).</summary>
public class SctpStreamResetTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData(0.0, 1)]
    [InlineData(0.2, 2)]
    [InlineData(0.2, 3)]
    public void Reset_arrives_after_every_message_sent_before_it_and_ssns_restart(double loss, int seed)
    {
        using var pair = new SctpPair(seed) { Loss = loss, Jitter = TimeSpan.FromMilliseconds(loss > 0 ? 10 : 0) };
        pair.Establish();
        var events = new List<string>();
        pair.B.MessageReceived += (s, _, d) => events.Add($"{s}:{d[0]}");
        pair.B.IncomingStreamsReset += streams => events.Add($"reset:{string.Join(',', streams)}");
        bool? outgoing = null;
        pair.A.OutgoingStreamsReset += (streams, ok) => outgoing = ok && streams.SequenceEqual(new ushort[] { 6 });

        for (var i = 0; i < 30; i++)
        {
            pair.A.Send(6, 53, new byte[2500].Select(_ => (byte)i).ToArray(), ordered: true);
        }

        Assert.True(pair.A.ResetStream(6));
        Assert.True(pair.RunUntil(() => outgoing is not null, Limit));
        Assert.True(outgoing);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"6:{i}").Append("reset:6"), events);

        // After the reset both sides count the stream's SSNs from 0 again: new ordered messages flow.
        pair.A.Send(6, 53, [99], ordered: true);
        Assert.True(pair.RunUntil(() => events.Count == 32, Limit));
        Assert.Equal("6:99", events[^1]);
    }

    [Fact]
    public void Both_directions_reset_close_a_stream_like_a_data_channel_does()
    {
        using var pair = new SctpPair();
        pair.Establish();
        var closedAtB = false;
        var closedAtA = false;
        // B answers an incoming reset by resetting its own outgoing stream (RFC 8831 §6.7).
        pair.B.IncomingStreamsReset += streams => Assert.True(pair.B.ResetStream(streams[0]));
        pair.B.OutgoingStreamsReset += (_, ok) => closedAtB = ok;
        pair.A.IncomingStreamsReset += _ => closedAtA = true;

        pair.A.ResetStream(2);

        Assert.True(pair.RunUntil(() => closedAtA && closedAtB, Limit));
        Assert.Equal(1, pair.A.Counters.StreamResetsSent);
        Assert.Equal(1, pair.B.Counters.StreamResetsReceived);
    }

    [Fact]
    public void A_reset_request_lost_is_retransmitted()
    {
        using var pair = new SctpPair();
        pair.Establish();
        var reset = false;
        pair.B.IncomingStreamsReset += _ => reset = true;
        pair.CutToB = true;
        pair.A.ResetStream(1);
        pair.RunUntil(() => false, TimeSpan.FromMilliseconds(300));
        pair.CutToB = false;

        Assert.True(pair.RunUntil(() => reset, Limit));
        Assert.True(pair.A.Counters.StreamResetsSent >= 2);
    }

    [Fact]
    public void A_reset_that_overtakes_its_data_is_deferred_answered_in_progress_and_completed_with_a_new_request()
    {
        using var pair = new SctpPair();
        pair.Establish();
        var droppedOnce = false;
        pair.DropIf = (toB, p) => toB && p[12] == 0 && !droppedOnce && (droppedOnce = true); // the last DATA before the RE-CONFIG
        var events = new List<string>();
        pair.B.MessageReceived += (s, _, d) => events.Add($"{s}:{d.Length}");
        pair.B.IncomingStreamsReset += streams => events.Add($"reset:{streams[0]}");
        bool? performed = null;
        pair.A.OutgoingStreamsReset += (_, ok) => performed = ok;

        pair.A.Send(6, 53, new byte[100], ordered: true);
        Assert.True(pair.A.ResetStream(6));

        Assert.True(pair.RunUntil(() => performed is not null, Limit));
        Assert.True(performed);
        Assert.Equal(["6:100", "reset:6"], events);
        Assert.True(pair.A.Counters.StreamResetsSent >= 2, "asked again after \"in progress\"");
        Assert.False(pair.A.IsClosed);
    }

    [Fact]
    public void A_stream_reset_with_an_idle_association_does_not_count_in_progress_answers_as_errors()
    {
        using var pair = new SctpPair();
        pair.Establish();
        pair.DropIf = (toB, p) => toB && p[12] == 0; // no DATA ever arrives: B keeps answering "in progress"
        pair.A.Send(6, 53, new byte[100], ordered: true);
        pair.A.ResetStream(6);

        pair.RunUntil(() => false, TimeSpan.FromSeconds(20));

        Assert.True(pair.A.Counters.StreamResetsSent > 3);
        pair.DropIf = null;
        var reset = false;
        pair.B.IncomingStreamsReset += _ => reset = true;
        Assert.True(pair.RunUntil(() => reset, TimeSpan.FromMinutes(5)));
    }
}
