using System.Net;
using Microsoft.Extensions.Time.Testing;
using P2PCall.WebRtc.Ice;
using P2PCall.WebRtc.Net;

namespace P2PCall.WebRtc.Tests.Ice;

/// <summary>Two ICE agents on a simulated network with a fake clock, and the signaling between them.</summary>
internal sealed class SimulatedIcePair : IAsyncDisposable
{
    public SimulatedIcePair(IceAgentOptions? a = null, IceAgentOptions? b = null, LinkConditions? link = null, int seed = 1)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Network = new SimulatedNetwork(Time, seed);
        HostA = Network.AddHost("a", IPAddress.Parse("10.0.0.1"));
        HostB = Network.AddHost("b", IPAddress.Parse("10.0.0.2"));
        if (link is not null)
        {
            Network.SetLinkBothWays(HostA, HostB, link);
        }

        A = new IceAgent(a ?? new IceAgentOptions { Controlling = true, RandomSeed = seed }, HostA, Time);
        B = new IceAgent(b ?? new IceAgentOptions { Controlling = false, RandomSeed = seed + 1 }, HostB, Time);
        Record(A, StatesA, CandidatesA);
        Record(B, StatesB, CandidatesB);
    }

    public FakeTimeProvider Time { get; }

    public SimulatedNetwork Network { get; }

    public SimulatedHost HostA { get; }

    public SimulatedHost HostB { get; }

    public IceAgent A { get; }

    public IceAgent B { get; }

    public List<IceConnectionState> StatesA { get; } = [];

    public List<IceConnectionState> StatesB { get; } = [];

    public List<IceCandidate?> CandidatesA { get; } = [];

    public List<IceCandidate?> CandidatesB { get; } = [];

    public bool BothConnected => IsUp(A.ConnectionState) && IsUp(B.ConnectionState);

    public static bool IsUp(IceConnectionState s) => s is IceConnectionState.Connected or IceConnectionState.Completed;

    /// <summary>Gathers on both, exchanges credentials, then trickles every candidate and end-of-candidates.</summary>
    public void ConnectSignaling(bool endOfCandidates = true)
    {
        A.SetRemoteCredentials(B.LocalUfrag, B.LocalPassword);
        B.SetRemoteCredentials(A.LocalUfrag, A.LocalPassword);
        Trickle(A, B, endOfCandidates);
        Trickle(B, A, endOfCandidates);
        A.StartGathering();
        B.StartGathering();
    }

    /// <summary>Advances the fake clock in small steps until <paramref name="done"/> or <paramref name="limit"/> of simulated time.</summary>
    public bool RunUntil(Func<bool> done, TimeSpan limit, TimeSpan? step = null)
    {
        TimeSpan elapsed = TimeSpan.Zero;
        TimeSpan s = step ?? TimeSpan.FromMilliseconds(5);
        while (!done())
        {
            if (elapsed >= limit)
            {
                return false;
            }

            Time.Advance(s);
            elapsed += s;
            AssertNoBusyTimer(A);
            AssertNoBusyTimer(B);
        }

        return true;
    }

    public void Run(TimeSpan duration) => RunUntil(() => false, duration, TimeSpan.FromMilliseconds(10));

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        Network.Dispose();
    }

    /// <summary>The core must never ask to be woken in the past: that would spin the timer.</summary>
    private void AssertNoBusyTimer(IceAgent agent)
    {
        DateTimeOffset? next = agent.Core.NextTimeout;
        Assert.True(next is null || next > Time.GetUtcNow(), $"timer due in the past: {next}");
    }

    private static void Trickle(IceAgent from, IceAgent to, bool endOfCandidates) =>
        from.LocalCandidate += (_, e) =>
        {
            if (e.Candidate is not null)
            {
                to.AddRemoteCandidate(IceCandidate.Parse(e.Candidate.ToString()));
            }
            else if (endOfCandidates)
            {
                to.AddRemoteEndOfCandidates();
            }
        };

    private static void Record(IceAgent agent, List<IceConnectionState> states, List<IceCandidate?> candidates)
    {
        agent.ConnectionStateChanged += (_, e) => states.Add(e.State);
        agent.LocalCandidate += (_, e) => candidates.Add(e.Candidate);
    }
}
