using P2PCall.WebRtc.Sctp;

namespace P2PCall.WebRtc.Tests.Sctp;

public class SctpShutdownAndHeartbeatTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    [Fact]
    public void Graceful_shutdown_delivers_what_was_queued_then_closes_both_sides()
    {
        using var pair = new SctpPair(3) { Loss = 0.1 };
        pair.Establish();
        var received = 0;
        var shutDown = 0;
        pair.B.MessageReceived += (_, _, _) => received++;
        pair.A.ShutDown += () => shutDown++;
        pair.B.ShutDown += () => shutDown++;
        for (var i = 0; i < 50; i++)
        {
            pair.A.Send(0, 53, new byte[5000], ordered: true);
        }

        pair.A.Shutdown();
        Assert.Throws<InvalidOperationException>(() => pair.A.Send(0, 53, [1], true)); // §9.2: no new data

        Assert.True(pair.RunUntil(() => shutDown == 2, Limit), $"shut down {shutDown}, received {received}");
        Assert.Equal(50, received);
        Assert.True(pair.A.IsClosed && pair.B.IsClosed);
    }

    [Fact]
    public void Heartbeats_are_sent_when_idle_and_answered()
    {
        using var pair = new SctpPair();
        pair.Establish();

        pair.RunUntil(() => false, TimeSpan.FromSeconds(95));

        Assert.InRange(pair.A.Counters.HeartbeatsSent, 2, 4);
        Assert.Equal(pair.A.Counters.HeartbeatsSent, pair.A.Counters.HeartbeatAcksReceived);
        Assert.NotNull(pair.A.SmoothedRoundTripTime);
        Assert.False(pair.A.IsClosed);
    }

    [Fact]
    public void A_peer_that_stops_answering_ends_the_association_after_max_retransmissions()
    {
        var options = new SctpAssociationOptions { HeartbeatInterval = TimeSpan.FromSeconds(1), RtoMax = TimeSpan.FromSeconds(2) };
        using var pair = new SctpPair(options: options);
        pair.Establish();
        string? reason = null;
        pair.A.Aborted += r => reason = r;
        pair.CutToA = true;

        Assert.True(pair.RunUntil(() => reason is not null, TimeSpan.FromMinutes(5)));
        Assert.Contains("Max.Retrans", reason);
        Assert.True(pair.A.Counters.HeartbeatsSent > 10);
    }

    [Fact]
    public void An_idle_association_survives_a_minute_long_outage()
    {
        using var pair = new SctpPair();
        pair.Establish();
        pair.CutToA = pair.CutToB = true;

        pair.RunUntil(() => false, TimeSpan.FromSeconds(60));
        pair.CutToA = pair.CutToB = false;
        var got = false;
        pair.B.MessageReceived += (_, _, _) => got = true;
        pair.A.Send(0, 51, [1], true);

        Assert.True(pair.RunUntil(() => got, Limit));
        Assert.False(pair.A.IsClosed || pair.B.IsClosed);
    }
}
