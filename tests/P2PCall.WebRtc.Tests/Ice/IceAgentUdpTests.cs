using System.Net;
using System.Net.Sockets;
using P2PCall.WebRtc.Ice;
using P2PCall.WebRtc.Net;

namespace P2PCall.WebRtc.Tests.Ice;

/// <summary>Real UDP on loopback only (127.0.0.1, ::1): every agent gathers with LoopbackOnly.</summary>
public class IceAgentUdpTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static IceAgentOptions Options(bool controlling, IReadOnlyList<string>? stun = null) => new()
    {
        Controlling = controlling,
        AddressFilter = new HostAddressFilter { LoopbackOnly = true },
        StunServers = stun ?? [],
    };

    [Fact]
    public async Task Two_agents_connect_over_ipv4_loopback_and_exchange_a_datagram()
    {
        await ConnectAndExchange(AddressFamily.InterNetwork);
    }

    [Fact]
    public async Task Two_agents_connect_over_ipv6_loopback_when_bindable()
    {
        if (!UdpNetwork.Default.GetLocalAddresses(new HostAddressFilter { LoopbackOnly = true }).Contains(IPAddress.IPv6Loopback))
        {
            return; // no ::1 on this machine: nothing to test
        }

        await ConnectAndExchange(AddressFamily.InterNetworkV6);
    }

    [Fact]
    public async Task A_handler_may_dispose_the_agent_on_a_socket_thread_and_its_sockets_are_released()
    {
        var a = new IceAgent(Options(true), UdpNetwork.Default);
        await using var b = new IceAgent(Options(false), UdpNetwork.Default);
        var disposing = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        a.ConnectionStateChanged += (_, e) =>
        {
            if (e.State == IceConnectionState.Connected)
            {
                disposing.TrySetResult(a.DisposeAsync().AsTask()); // not awaited here: the handler returns
            }
        };
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        a.ConnectionStateChanged += (_, e) => { if (e.State == IceConnectionState.Closed) closed.TrySetResult(); };
        Wire(a, b, AddressFamily.InterNetwork);
        Wire(b, a, AddressFamily.InterNetwork);
        a.SetRemoteCredentials(b.LocalUfrag, b.LocalPassword);
        b.SetRemoteCredentials(a.LocalUfrag, a.LocalPassword);
        a.StartGathering();
        b.StartGathering();

        Task dispose = await disposing.Task.WaitAsync(Patience);
        await dispose.WaitAsync(Patience);
        await closed.Task.WaitAsync(Patience);
        Assert.Equal(IceConnectionState.Closed, a.ConnectionState);
        Assert.False(a.Send([0x80]));

        // Every socket of the disposed agent is closed: its ports can be bound again.
        Assert.NotEmpty(a.Core.Pairs);
        foreach (IceCandidatePair p in a.Core.Pairs)
        {
            await using IDatagramSocket again = UdpNetwork.Default.Bind(p.Local.EndPoint);
        }
    }

    [Fact]
    public async Task Gathers_a_server_reflexive_candidate_from_a_stun_server_on_loopback()
    {
        // The responder pretends a NAT maps every source to 127.0.0.42 with the port + 1.
        await using var server = new LoopbackStunResponder(IPAddress.Loopback, from => new IPEndPoint(IPAddress.Parse("127.0.0.42"), from.Port + 1));
        await using var agent = new IceAgent(Options(true, [server.Url]), UdpNetwork.Default);
        var candidates = new List<IceCandidate?>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        agent.LocalCandidate += (_, e) =>
        {
            lock (candidates)
            {
                candidates.Add(e.Candidate);
            }

            if (e.Candidate is null)
            {
                done.TrySetResult();
            }
        };
        agent.StartGathering();
        await done.Task.WaitAsync(Patience);

        IceCandidate host = candidates.OfType<IceCandidate>().Single(c => c.Type == IceCandidateType.Host && c.IPAddress!.Equals(IPAddress.Loopback));
        IceCandidate srflx = Assert.Single(candidates.OfType<IceCandidate>(), c => c.Type == IceCandidateType.ServerReflexive);
        Assert.Equal("127.0.0.42", srflx.Address);
        Assert.Equal(host.Port + 1, srflx.Port);
        Assert.Equal("127.0.0.1", srflx.RelatedAddress);
        Assert.Equal(host.Port, srflx.RelatedPort);
        Assert.Equal(IcePriority.Candidate(100, 65535, 1), srflx.Priority);
        Assert.NotEqual(host.Foundation, srflx.Foundation);
        Assert.Null(candidates[^1]);
        Assert.Equal(IceCandidate.Parse(srflx.ToString()).ToString(), srflx.ToString());
        Assert.Equal(IceGatheringState.Complete, agent.GatheringState);
    }

    [Fact]
    public async Task A_stun_server_that_reports_the_base_gives_no_redundant_candidate()
    {
        await using var server = new LoopbackStunResponder(IPAddress.Loopback, from => from);
        await using var agent = new IceAgent(Options(true, [server.Url]), UdpNetwork.Default);
        var candidates = new List<IceCandidate?>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        agent.LocalCandidate += (_, e) =>
        {
            lock (candidates)
            {
                candidates.Add(e.Candidate);
            }

            if (e.Candidate is null)
            {
                done.TrySetResult();
            }
        };
        agent.StartGathering();
        await done.Task.WaitAsync(Patience);
        Assert.True(server.Requests >= 1);
        Assert.DoesNotContain(candidates, c => c?.Type == IceCandidateType.ServerReflexive); // RFC 8445 §5.1.3
    }

    [Fact]
    public async Task Resolves_a_stun_server_host_name_before_completing_gathering()
    {
        await using var server = new LoopbackStunResponder(IPAddress.Loopback, from => new IPEndPoint(IPAddress.Parse("127.0.0.9"), 4242));
        var options = new IceAgentOptions
        {
            AddressFilter = new HostAddressFilter { LoopbackOnly = true, IncludeIPv6 = false },
            StunServers = [$"stun:localhost:{server.EndPoint.Port}"],
        };
        await using var agent = new IceAgent(options, UdpNetwork.Default);
        var srflx = new TaskCompletionSource<IceCandidate>(TaskCreationOptions.RunContinuationsAsynchronously);
        var end = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        agent.LocalCandidate += (_, e) =>
        {
            if (e.Candidate is null)
            {
                end.TrySetResult();
            }
            else if (e.Candidate.Type == IceCandidateType.ServerReflexive)
            {
                srflx.TrySetResult(e.Candidate);
            }
        };
        agent.StartGathering();
        await end.Task.WaitAsync(Patience);
        Assert.True(srflx.Task.IsCompleted); // raised before the end of gathering
        Assert.Equal("127.0.0.9", (await srflx.Task).Address);
    }

    private static async Task ConnectAndExchange(AddressFamily family)
    {
        await using var a = new IceAgent(Options(true), UdpNetwork.Default);
        await using var b = new IceAgent(Options(false), UdpNetwork.Default);
        var connectedA = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var connectedB = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new TaskCompletionSource<(byte[], IPEndPoint)>(TaskCreationOptions.RunContinuationsAsynchronously);
        a.ConnectionStateChanged += (_, e) => { if (e.State == IceConnectionState.Connected) connectedA.TrySetResult(); };
        b.ConnectionStateChanged += (_, e) => { if (e.State == IceConnectionState.Connected) connectedB.TrySetResult(); };
        b.DatagramReceived = (d, from) => received.TrySetResult((d.ToArray(), from));
        Wire(a, b, family);
        Wire(b, a, family);
        a.SetRemoteCredentials(b.LocalUfrag, b.LocalPassword);
        b.SetRemoteCredentials(a.LocalUfrag, a.LocalPassword);
        a.StartGathering();
        b.StartGathering();

        await Task.WhenAll(connectedA.Task, connectedB.Task).WaitAsync(Patience);
        IceSelectedPair selected = a.SelectedPair!;
        Assert.Equal(family, selected.Remote.IPAddress!.AddressFamily);
        Assert.True(IPAddress.IsLoopback(selected.Remote.IPAddress!));

        byte[] payload = [0x17, 0xfe, 0xfd, 1, 2, 3]; // looks like DTLS (RFC 7983: 20-63)
        Assert.True(a.Send(payload));
        (byte[] data, IPEndPoint from) = await received.Task.WaitAsync(Patience);
        Assert.Equal(payload, data);
        Assert.Equal(selected.Local.Port, from.Port);
        // Nothing failed authentication (late duplicate responses to retransmissions may count as unmatched).
        foreach (IceAgentCounters c in new[] { a.Counters, b.Counters })
        {
            Assert.Equal(0, c.IntegrityFailures + c.UsernameMismatches + c.MalformedStun);
        }
    }

    private static void Wire(IceAgent from, IceAgent to, AddressFamily family) =>
        from.LocalCandidate += (_, e) =>
        {
            if (e.Candidate is null)
            {
                to.AddRemoteEndOfCandidates();
            }
            else if (e.Candidate.IPAddress?.AddressFamily == family)
            {
                to.AddRemoteCandidate(IceCandidate.Parse(e.Candidate.ToString()));
            }
        };
}
