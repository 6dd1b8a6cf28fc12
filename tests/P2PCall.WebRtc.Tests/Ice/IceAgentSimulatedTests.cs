using System.Net;
using P2PCall.WebRtc.Ice;
using P2PCall.WebRtc.Net;
using P2PCall.WebRtc.Stun;

namespace P2PCall.WebRtc.Tests.Ice;

public class IceAgentSimulatedTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Connects_on_a_perfect_link_and_exchanges_an_application_datagram()
    {
        await using var pair = new SimulatedIcePair();
        var received = new List<(byte[] Data, IPEndPoint From)>();
        pair.B.DatagramReceived = (d, from) => received.Add((d.ToArray(), from));
        pair.ConnectSignaling();

        Assert.True(pair.RunUntil(() => pair.BothConnected, Limit));
        Assert.Equal([IceConnectionState.Checking, IceConnectionState.Connected], pair.StatesA.Take(2));
        Assert.Equal([IceConnectionState.Checking, IceConnectionState.Connected], pair.StatesB.Take(2));
        Assert.NotNull(pair.A.SelectedPair);
        Assert.Equal("10.0.0.2", pair.A.SelectedPair!.Remote.Address);
        Assert.Equal("10.0.0.1", pair.B.SelectedPair!.Remote.Address);
        Assert.Equal(IceRole.Controlling, pair.A.Role);
        Assert.Equal(IceRole.Controlled, pair.B.Role);

        byte[] rtp = [0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1];
        Assert.True(pair.A.Send(rtp));
        pair.Run(TimeSpan.FromMilliseconds(10));
        (byte[] data, IPEndPoint from) = Assert.Single(received);
        Assert.Equal(rtp, data);
        Assert.Equal(IPAddress.Parse("10.0.0.1"), from.Address);

        // With end-of-candidates on both sides and no checks left, both reach completed.
        Assert.True(pair.RunUntil(() => pair.A.ConnectionState == IceConnectionState.Completed
            && pair.B.ConnectionState == IceConnectionState.Completed, TimeSpan.FromSeconds(5)));
        Assert.Equal(0, pair.Network.Statistics.HandlerErrors);
        Assert.Equal(0, pair.A.Counters.StunDropped + pair.B.Counters.StunDropped);
    }

    [Fact]
    public async Task Gathers_one_host_candidate_per_address_then_signals_the_end()
    {
        await using var pair = new SimulatedIcePair();
        var order = new List<string>();
        pair.A.GatheringStateChanged += (_, e) => order.Add(e.State.ToString());
        pair.A.LocalCandidate += (_, e) => order.Add(e.Candidate is null ? "null" : "candidate");
        pair.A.StartGathering();
        Assert.Equal(["Gathering", "candidate", "Complete", "null"], order);
        IceCandidate host = Assert.IsType<IceCandidate>(pair.CandidatesA[0]);
        Assert.Equal(IceCandidateType.Host, host.Type);
        Assert.Equal("10.0.0.1", host.Address);
        Assert.Equal(IcePriority.Candidate(126, 65535, 1), host.Priority);
        Assert.Null(pair.CandidatesA[1]);
        Assert.Equal(IceGatheringState.Complete, pair.A.GatheringState);
    }

    [Fact]
    public async Task Connects_with_20_percent_loss_and_reordering()
    {
        var link = new LinkConditions
        {
            Delay = TimeSpan.FromMilliseconds(10),
            LossProbability = 0.2,
            ReorderProbability = 0.3,
            ReorderDelay = TimeSpan.FromMilliseconds(40),
        };
        await using var pair = new SimulatedIcePair(link: link, seed: 7);
        pair.ConnectSignaling();
        Assert.True(pair.RunUntil(() => pair.BothConnected, Limit));
        Assert.True(pair.Network.Statistics.Lost > 0);

        // Consent keeps the connection up through the loss.
        pair.Run(TimeSpan.FromSeconds(60));
        Assert.True(SimulatedIcePair.IsUp(pair.A.ConnectionState) || pair.A.ConnectionState == IceConnectionState.Disconnected);
        Assert.DoesNotContain(IceConnectionState.Failed, pair.StatesA);
        Assert.DoesNotContain(IceConnectionState.Failed, pair.StatesB);
    }

    [Fact]
    public async Task Connects_over_a_200_ms_one_way_delay()
    {
        await using var pair = new SimulatedIcePair(link: new LinkConditions { Delay = TimeSpan.FromMilliseconds(200) });
        pair.ConnectSignaling();
        Assert.True(pair.RunUntil(() => pair.BothConnected, Limit));
        Assert.True(pair.Time.GetUtcNow() - new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) >= TimeSpan.FromMilliseconds(800)); // two round trips at least
        pair.Run(TimeSpan.FromSeconds(40));
        Assert.True(SimulatedIcePair.IsUp(pair.A.ConnectionState));
        Assert.True(SimulatedIcePair.IsUp(pair.B.ConnectionState));
    }

    [Fact]
    public async Task Role_conflict_between_two_controlling_agents_resolves()
    {
        await using var pair = new SimulatedIcePair(
            new IceAgentOptions { Controlling = true, RandomSeed = 11 },
            new IceAgentOptions { Controlling = true, RandomSeed = 12 });
        pair.ConnectSignaling();
        Assert.True(pair.RunUntil(() => pair.BothConnected, Limit));
        Assert.NotEqual(pair.A.Role, pair.B.Role);
        IceAgent winner = pair.A.Core.TieBreaker >= pair.B.Core.TieBreaker ? pair.A : pair.B;
        Assert.Equal(IceRole.Controlling, winner.Role);
        Assert.Equal(pair.A.SelectedPair!.Local.Port, pair.B.SelectedPair!.Remote.Port);
    }

    [Fact]
    public async Task Role_conflict_between_two_controlled_agents_resolves()
    {
        await using var pair = new SimulatedIcePair(
            new IceAgentOptions { Controlling = false, RandomSeed = 21 },
            new IceAgentOptions { Controlling = false, RandomSeed = 22 });
        pair.ConnectSignaling();
        Assert.True(pair.RunUntil(() => pair.BothConnected, Limit));
        Assert.NotEqual(pair.A.Role, pair.B.Role);
    }

    [Fact]
    public async Task Trickled_candidates_and_credentials_added_late_still_connect()
    {
        await using var pair = new SimulatedIcePair();
        var fromA = new List<IceCandidate?>();
        var fromB = new List<IceCandidate?>();
        pair.A.LocalCandidate += (_, e) => fromA.Add(e.Candidate);
        pair.B.LocalCandidate += (_, e) => fromB.Add(e.Candidate);
        pair.A.StartGathering();
        pair.B.StartGathering();

        // B learns A's candidate before A's credentials (RFC 8838: queued), A learns nothing yet.
        pair.B.AddRemoteCandidate(fromA[0]!);
        pair.Run(TimeSpan.FromSeconds(2));
        Assert.Equal(IceConnectionState.New, pair.B.ConnectionState);

        pair.B.SetRemoteCredentials(pair.A.LocalUfrag, pair.A.LocalPassword);
        pair.A.SetRemoteCredentials(pair.B.LocalUfrag, pair.B.LocalPassword);

        // B checks A; A answers and learns B as peer-reflexive, then B's candidate arrives late.
        pair.Run(TimeSpan.FromSeconds(1));
        pair.A.AddRemoteCandidate(fromB[0]!);
        pair.A.AddRemoteEndOfCandidates();
        pair.B.AddRemoteEndOfCandidates();
        Assert.True(pair.RunUntil(() => pair.BothConnected, Limit));
        Assert.Equal(IceCandidateType.Host, pair.A.SelectedPair!.Remote.Type);
    }

    [Fact]
    public async Task Not_failed_before_end_of_candidates_even_when_every_pair_failed()
    {
        await using var pair = new SimulatedIcePair(link: LinkConditions.Disconnected);
        pair.ConnectSignaling(endOfCandidates: false);
        pair.Run(TimeSpan.FromSeconds(40));
        Assert.Equal(IceConnectionState.Checking, pair.A.ConnectionState);
        Assert.All(pair.A.Core.Pairs, p => Assert.Equal(IceCandidatePairState.Failed, p.State));

        pair.A.AddRemoteEndOfCandidates();
        Assert.Equal(IceConnectionState.Failed, pair.A.ConnectionState);
    }

    [Fact]
    public async Task Fails_without_end_of_candidates_when_the_option_assumes_it()
    {
        await using var pair = new SimulatedIcePair(
            new IceAgentOptions { Controlling = true, AssumeEndOfCandidatesAfter = TimeSpan.FromSeconds(15) },
            link: LinkConditions.Disconnected);
        pair.ConnectSignaling(endOfCandidates: false);
        pair.Run(TimeSpan.FromSeconds(14));
        Assert.Equal(IceConnectionState.Checking, pair.A.ConnectionState); // every pair failed by ~8 s, waiting
        Assert.True(pair.RunUntil(() => pair.A.ConnectionState == IceConnectionState.Failed, TimeSpan.FromSeconds(2)));
        Assert.Equal(IceConnectionState.Checking, pair.B.ConnectionState); // B keeps the RFC 8838 default
    }

    [Fact]
    public async Task Consent_expires_after_30_seconds_of_silence()
    {
        await using var pair = new SimulatedIcePair();
        pair.ConnectSignaling();
        Assert.True(pair.RunUntil(() => pair.BothConnected, Limit));
        pair.Run(TimeSpan.FromSeconds(20));
        Assert.True(SimulatedIcePair.IsUp(pair.A.ConnectionState));

        pair.Network.SetLinkBothWays(pair.HostA, pair.HostB, LinkConditions.Disconnected);
        pair.Run(TimeSpan.FromSeconds(15));
        Assert.Equal(IceConnectionState.Disconnected, pair.A.ConnectionState);
        Assert.Equal(IceConnectionState.Disconnected, pair.B.ConnectionState);

        Assert.True(pair.RunUntil(() => pair.A.ConnectionState == IceConnectionState.Failed, TimeSpan.FromSeconds(20)));
        Assert.True(pair.RunUntil(() => pair.B.ConnectionState == IceConnectionState.Failed, TimeSpan.FromSeconds(10)));
        Assert.False(pair.A.Send([0x80, 0]));
        Assert.Equal(
            [IceConnectionState.Checking, IceConnectionState.Connected, IceConnectionState.Completed, IceConnectionState.Disconnected, IceConnectionState.Failed],
            pair.StatesA);
    }

    [Fact]
    public async Task Consent_checks_run_every_5_seconds_randomised_by_20_percent()
    {
        await using var pair = new SimulatedIcePair();
        pair.ConnectSignaling();
        Assert.True(pair.RunUntil(() => pair.BothConnected, Limit));
        var times = new List<DateTimeOffset>();
        pair.Network.DatagramTraced += (_, from, _, payload) =>
        {
            if (from.Address.Equals(IPAddress.Parse("10.0.0.1"))
                && StunMessage.TryParse(payload, out StunMessage m) == StunParseResult.Ok && m.Type == StunMessageType.BindingRequest)
            {
                times.Add(pair.Time.GetUtcNow());
            }
        };
        pair.Run(TimeSpan.FromSeconds(120));
        Assert.InRange(times.Count, 20, 30);
        var gaps = times.Zip(times.Skip(1), (x, y) => y - x).ToList();
        Assert.All(gaps, g => Assert.InRange(g, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6)));
        Assert.True(gaps.Distinct().Count() > 5); // randomised, not a fixed period
    }

    [Fact]
    public async Task Disconnected_recovers_when_consent_responses_return()
    {
        await using var pair = new SimulatedIcePair();
        pair.ConnectSignaling();
        Assert.True(pair.RunUntil(() => pair.BothConnected, Limit));
        pair.Network.SetLinkBothWays(pair.HostA, pair.HostB, LinkConditions.Disconnected);
        Assert.True(pair.RunUntil(() => pair.A.ConnectionState == IceConnectionState.Disconnected, Limit));
        pair.Network.SetLinkBothWays(pair.HostA, pair.HostB, LinkConditions.Perfect);
        Assert.True(pair.RunUntil(() => SimulatedIcePair.IsUp(pair.A.ConnectionState), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Wrong_password_is_dropped_and_counted_and_never_connects()
    {
        await using var pair = new SimulatedIcePair();
        pair.A.SetRemoteCredentials(pair.B.LocalUfrag, "WrongPasswordWrongPassword");
        pair.B.SetRemoteCredentials(pair.A.LocalUfrag, "WrongPasswordWrongPassword");
        pair.A.LocalCandidate += (_, e) => { if (e.Candidate is { } c) pair.B.AddRemoteCandidate(c); };
        pair.B.LocalCandidate += (_, e) => { if (e.Candidate is { } c) pair.A.AddRemoteCandidate(c); };
        pair.A.StartGathering();
        pair.B.StartGathering();
        pair.Run(TimeSpan.FromSeconds(5));

        Assert.Equal(IceConnectionState.Checking, pair.A.ConnectionState);
        Assert.Equal(IceConnectionState.Checking, pair.B.ConnectionState);
        Assert.True(pair.A.Counters.IntegrityFailures > 0);
        Assert.True(pair.B.Counters.IntegrityFailures > 0);
        Assert.Equal(0, pair.A.Counters.RequestsAccepted);
        Assert.Null(pair.A.SelectedPair);
    }

    [Fact]
    public async Task Forged_requests_change_no_state()
    {
        await using var pair = new SimulatedIcePair();
        pair.ConnectSignaling();
        Assert.True(pair.RunUntil(() => pair.BothConnected, Limit));
        int pairsBefore = pair.A.Core.Pairs.Count;

        SimulatedHost attacker = pair.Network.AddHost("x", IPAddress.Parse("10.0.0.66"));
        IDatagramSocket socket = attacker.Bind(new IPEndPoint(IPAddress.Parse("10.0.0.66"), 0));
        int responses = 0, requests = 0;
        socket.Start((d, _) =>
        {
            Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(d, out StunMessage m));
            if (m.Type.Class == StunClass.SuccessResponse)
            {
                responses++;
            }
            else
            {
                requests++;
            }
        });
        IPEndPoint target = pair.A.SelectedPair!.Local.EndPoint!;
        string username = pair.A.LocalUfrag + ":" + pair.B.LocalUfrag;

        socket.Send(Request(username, "WrongPasswordWrongPassword"), target); // bad integrity
        socket.Send(Request("nope:" + pair.B.LocalUfrag, pair.A.LocalPassword), target); // bad username
        socket.Send(Request(username, null), target); // no integrity
        socket.Send([0x17, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], target); // DTLS from a stranger
        socket.Send([0, 1, 0, 3, 0x21, 0x12, 0xa4, 0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], target); // malformed STUN
        pair.Run(TimeSpan.FromMilliseconds(50));

        IceAgentCounters c = pair.A.Counters;
        Assert.Equal(2, c.IntegrityFailures);
        Assert.Equal(1, c.UsernameMismatches);
        Assert.Equal(1, c.UnauthenticatedDataDropped);
        Assert.Equal(1, c.MalformedStun);
        Assert.Equal(0, responses + requests);
        Assert.Equal(pairsBefore, pair.A.Core.Pairs.Count);

        // The right credentials from an unknown address create a peer-reflexive candidate (RFC 8445 §7.3.1.3).
        socket.Send(Request(username, pair.A.LocalPassword), target);
        pair.Run(TimeSpan.FromMilliseconds(50));
        Assert.Equal(1, responses);
        Assert.Equal(1, requests); // the triggered check back to the new candidate (RFC 8445 §7.3.1.4)
        Assert.Contains(pair.A.Core.Pairs, p => p.Remote.Candidate.Type == IceCandidateType.PeerReflexive
            && p.Remote.EndPoint.Equals(socket.LocalEndPoint));
        await socket.DisposeAsync();
    }

    [Fact]
    public async Task A_handler_may_dispose_the_agent_without_deadlock_and_nothing_runs_afterwards()
    {
        await using var pair = new SimulatedIcePair();
        var disposed = new List<ValueTask>();
        pair.A.ConnectionStateChanged += (_, e) =>
        {
            if (e.State == IceConnectionState.Connected)
            {
                ValueTask t = pair.A.DisposeAsync();
                Assert.True(t.IsCompleted); // simulated sockets dispose synchronously: no wait on the caller's thread
                disposed.Add(t);
            }
        };
        long sentByA = 0;
        bool closedSeen = false;
        pair.A.ConnectionStateChanged += (_, e) => closedSeen |= e.State == IceConnectionState.Closed;
        pair.ConnectSignaling();
        Assert.True(pair.RunUntil(() => disposed.Count == 1, Limit));
        Assert.True(closedSeen);
        Assert.Equal(IceConnectionState.Closed, pair.A.ConnectionState);

        pair.Network.DatagramTraced += (_, from, _, _) => { if (from.Address.Equals(IPAddress.Parse("10.0.0.1"))) sentByA++; };
        pair.Run(TimeSpan.FromSeconds(40));
        Assert.Equal(0, sentByA);
        Assert.False(pair.A.Send([0x80]));
        Assert.Equal(0, pair.Network.Statistics.HandlerErrors);

        // The socket is released: its port can be bound again.
        IPEndPoint local = pair.A.Core.Pairs[0].Local.EndPoint;
        IDatagramSocket again = pair.HostA.Bind(local);
        await again.DisposeAsync();
    }

    private static byte[] Request(string username, string? password)
    {
        var buffer = new byte[200];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        w.AddUsername(username);
        w.AddPriority(IcePriority.Candidate(110, 65535, 1));
        w.AddIceControlled(1);
        if (password is not null)
        {
            w.AddMessageIntegrity(System.Text.Encoding.UTF8.GetBytes(password));
        }

        w.AddFingerprint();
        w.TryComplete(out int length);
        return buffer[..length];
    }
}
