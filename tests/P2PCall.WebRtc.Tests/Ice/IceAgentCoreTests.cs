using System.Net;
using System.Text;
using P2PCall.WebRtc.Ice;
using P2PCall.WebRtc.Stun;

namespace P2PCall.WebRtc.Tests.Ice;

/// <summary>The sans-I/O core driven directly: datagrams and time in, datagrams out.</summary>
public class IceAgentCoreTests
{
    private const string RemoteUfrag = "rmtU";
    private const string RemotePassword = "remote-password-0123456789";
    private static readonly IPEndPoint Local = new(IPAddress.Parse("10.0.0.1"), 5000);
    private static readonly IPEndPoint Remote = new(IPAddress.Parse("10.0.0.2"), 6000);
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static IceAgentCore NewCore(bool controlling, ulong tieBreaker = 1000, bool credentials = true, TimeSpan? ta = null)
    {
        var core = new IceAgentCore(new IceAgentOptions
        {
            Controlling = controlling,
            LocalUfrag = "locU",
            LocalPassword = "local-password-0123456789",
            RandomSeed = 3,
            Ta = ta ?? TimeSpan.FromMilliseconds(50),
        })
        {
            TieBreaker = tieBreaker,
        };
        core.AddLocalBase(1, Local, T0);
        core.CompleteLocalBases(T0);
        if (credentials)
        {
            core.SetRemoteCredentials(RemoteUfrag, RemotePassword, T0);
        }

        Drain(core);
        return core;
    }

    private static List<IceTransmit> Drain(IceAgentCore core)
    {
        var list = new List<IceTransmit>();
        while (core.TryDequeueTransmit(out IceTransmit t))
        {
            list.Add(t);
        }

        while (core.TryDequeueEvent(out _))
        {
        }

        return list;
    }

    private static byte[] Request(Action<StunWriterSteps>? extra = null, string username = "locU:" + RemoteUfrag, string password = "local-password-0123456789", StunTransactionId? id = null)
    {
        var steps = new StunWriterSteps();
        extra?.Invoke(steps);
        var buffer = new byte[300];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingRequest, id ?? StunTransactionId.NewRandom());
        w.AddUsername(username);
        w.AddPriority(IcePriority.Candidate(110, 65535, 1));
        if (steps.Controlling is ulong c)
        {
            w.AddIceControlling(c);
        }

        if (steps.Controlled is ulong d)
        {
            w.AddIceControlled(d);
        }

        if (steps.UseCandidate)
        {
            w.AddUseCandidate();
        }

        if (steps.Unknown is ushort u)
        {
            w.AddRaw(u, [1, 2, 3, 4]);
        }

        w.AddMessageIntegrity(Encoding.UTF8.GetBytes(password));
        w.AddFingerprint();
        w.TryComplete(out int length);
        return buffer[..length];
    }

    private static byte[] Response(ReadOnlySpan<byte> request, IPEndPoint mapped, int? errorCode = null, string password = RemotePassword)
    {
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(request, out StunMessage m));
        var buffer = new byte[200];
        var w = new StunMessageWriter(buffer, errorCode is null ? StunMessageType.BindingSuccess : StunMessageType.BindingError, m.TransactionId);
        if (errorCode is int code)
        {
            w.AddErrorCode(code, "Role Conflict");
        }
        else
        {
            w.AddXorMappedAddress(mapped);
        }

        w.AddMessageIntegrity(Encoding.UTF8.GetBytes(password));
        w.AddFingerprint();
        w.TryComplete(out int length);
        return buffer[..length];
    }

    private sealed class StunWriterSteps
    {
        public ulong? Controlling { get; set; }

        public ulong? Controlled { get; set; }

        public bool UseCandidate { get; set; }

        public ushort? Unknown { get; set; }
    }

    private static IceCandidate RemoteHost(IPEndPoint ep, uint priority = 2130706431) =>
        IceCandidate.Parse($"candidate:99 1 udp {priority} {ep.Address} {ep.Port} typ host");

    [Fact]
    public void Answers_a_valid_request_with_a_signed_xor_mapped_address()
    {
        IceAgentCore core = NewCore(controlling: false);
        Assert.Equal(IceReceiveResult.Stun, core.Receive(1, Request(), Remote, T0));
        IceTransmit response = Drain(core)[0];
        Assert.Equal(Remote, response.Remote);
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(response.Datagram, out StunMessage m));
        Assert.Equal(StunMessageType.BindingSuccess, m.Type);
        Assert.True(m.TryGetXorMappedAddress(out IPEndPoint? mapped));
        Assert.Equal(Remote, mapped);
        Assert.True(m.VerifyMessageIntegrity("local-password-0123456789"u8));
        Assert.True(m.HasFingerprint);
    }

    [Fact]
    public void Unknown_comprehension_required_attribute_gets_420_with_the_list()
    {
        IceAgentCore core = NewCore(controlling: false);
        core.Receive(1, Request(s => s.Unknown = 0x0003), Remote, T0);
        IceTransmit t = Assert.Single(Drain(core));
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(t.Datagram, out StunMessage m));
        Assert.True(m.TryGetErrorCode(out int code, out _));
        Assert.Equal(420, code);
        Span<ushort> types = stackalloc ushort[4];
        Assert.Equal(1, m.CopyUnknownAttributes(types));
        Assert.Equal(0x0003, types[0]);
        Assert.Empty(core.Pairs); // no state changed
    }

    [Fact]
    public void Controlling_agent_with_the_larger_tie_breaker_answers_487()
    {
        IceAgentCore core = NewCore(controlling: true, tieBreaker: 500);
        core.Receive(1, Request(s => s.Controlling = 400), Remote, T0);
        IceTransmit t = Assert.Single(Drain(core));
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(t.Datagram, out StunMessage m));
        Assert.True(m.TryGetErrorCode(out int code, out _));
        Assert.Equal(StunErrorCode.RoleConflict, code);
        Assert.Equal(IceRole.Controlling, core.Role);
    }

    [Fact]
    public void Controlling_agent_with_the_smaller_tie_breaker_switches_to_controlled()
    {
        IceAgentCore core = NewCore(controlling: true, tieBreaker: 300);
        core.Receive(1, Request(s => s.Controlling = 400), Remote, T0);
        Assert.Equal(IceRole.Controlled, core.Role);
        IceTransmit t = Assert.Single(Drain(core));
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(t.Datagram, out StunMessage m));
        Assert.Equal(StunMessageType.BindingSuccess, m.Type);
    }

    [Fact]
    public void Controlled_agent_with_the_larger_tie_breaker_switches_to_controlling()
    {
        IceAgentCore core = NewCore(controlling: false, tieBreaker: 500);
        core.Receive(1, Request(s => s.Controlled = 400), Remote, T0);
        Assert.Equal(IceRole.Controlling, core.Role);
    }

    [Fact]
    public void Role_conflict_error_response_switches_role_and_retries_the_check()
    {
        IceAgentCore core = NewCore(controlling: true);
        core.AddRemoteCandidate(RemoteHost(Remote), T0);
        core.OnTimeout(T0);
        IceTransmit check = Assert.Single(Drain(core));
        core.Receive(1, Response(check.Datagram, Local, errorCode: 487), Remote, T0.AddMilliseconds(10));
        Assert.Equal(IceRole.Controlled, core.Role);
        core.OnTimeout(T0.AddMilliseconds(60));
        IceTransmit retry = Assert.Single(Drain(core));
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(retry.Datagram, out StunMessage m));
        Assert.True(m.TryGetIceControlled(out _));
    }

    [Fact]
    public void Request_from_an_unknown_address_creates_a_peer_reflexive_pair_and_a_triggered_check()
    {
        IceAgentCore core = NewCore(controlling: false);
        core.Receive(1, Request(), Remote, T0);
        IceCandidatePair pair = Assert.Single(core.Pairs);
        Assert.Equal(IceCandidateType.PeerReflexive, pair.Remote.Candidate.Type);
        Assert.Equal(IcePriority.Candidate(110, 65535, 1), pair.Remote.Candidate.Priority);
        Assert.Equal(IceCandidatePairState.Waiting, pair.State);
        Drain(core);
        core.OnTimeout(T0);
        IceTransmit check = Assert.Single(Drain(core));
        Assert.Equal(Remote, check.Remote);
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(check.Datagram, out StunMessage m));
        Assert.True(m.UsernameEquals("rmtU:locU"u8));
        Assert.True(m.VerifyMessageIntegrity(Encoding.UTF8.GetBytes(RemotePassword)));
    }

    [Fact]
    public void Requests_before_the_remote_credentials_are_answered_and_acted_on_later()
    {
        IceAgentCore core = NewCore(controlling: false, credentials: false);
        core.Receive(1, Request(s => s.UseCandidate = true), Remote, T0);
        Assert.Single(Drain(core)); // answered at once (RFC 8838)
        Assert.Empty(core.Pairs);

        core.SetRemoteCredentials(RemoteUfrag, RemotePassword, T0.AddSeconds(1));
        IceCandidatePair pair = Assert.Single(core.Pairs);
        Assert.True(pair.NominateOnSuccess);

        // The triggered check succeeds, and the earlier USE-CANDIDATE nominates the pair (RFC 8445 §7.3.1.5).
        core.OnTimeout(T0.AddSeconds(1));
        IceTransmit check = Drain(core).Single(t => t.Datagram[1] == 0x01);
        core.Receive(1, Response(check.Datagram, Local), Remote, T0.AddSeconds(1.01));
        Assert.Same(pair, core.Selected);
        Assert.Equal(IceConnectionState.Connected, core.State);
    }

    [Fact]
    public void Checks_are_paced_one_per_ta_in_priority_order()
    {
        IceAgentCore core = NewCore(controlling: true, ta: TimeSpan.FromMilliseconds(20));
        for (int i = 0; i < 3; i++)
        {
            core.AddRemoteCandidate(RemoteHost(new IPEndPoint(IPAddress.Parse("10.0.0." + (10 + i)), 7000), (uint)(1000 + i)), T0);
        }

        var sent = new List<(DateTimeOffset At, IPEndPoint To)>();
        for (DateTimeOffset now = T0; now < T0.AddMilliseconds(100); now = now.AddMilliseconds(1))
        {
            if (core.NextTimeout is DateTimeOffset due && due <= now)
            {
                core.OnTimeout(now);
                sent.AddRange(Drain(core).Select(t => (now, t.Remote)));
            }
        }

        Assert.Equal(3, sent.Count);
        Assert.Equal(["10.0.0.12", "10.0.0.11", "10.0.0.10"], sent.Select(s => s.To.Address.ToString()));
        Assert.Equal(TimeSpan.FromMilliseconds(20), sent[1].At - sent[0].At);
        Assert.Equal(TimeSpan.FromMilliseconds(20), sent[2].At - sent[1].At);
    }

    [Fact]
    public void Unanswered_check_is_retransmitted_with_doubling_rto_then_fails()
    {
        IceAgentCore core = NewCore(controlling: true);
        core.AddRemoteCandidate(RemoteHost(Remote), T0);
        core.AddRemoteEndOfCandidates(T0);
        var times = new List<double>();
        for (DateTimeOffset now = T0; now < T0.AddSeconds(20); now = now.AddMilliseconds(10))
        {
            if (core.NextTimeout is DateTimeOffset due && due <= now)
            {
                core.OnTimeout(now);
                times.AddRange(Drain(core).Select(_ => (now - T0).TotalMilliseconds));
            }
        }

        // RFC 8489 §6.2.1: 7 transmissions, RTO 500 ms doubling (capped at 1.6 s here).
        Assert.Equal([0, 500, 1500, 3100, 4700, 6300, 7900], times);
        Assert.Equal(IceCandidatePairState.Failed, Assert.Single(core.Pairs).State);
        Assert.Equal(IceConnectionState.Failed, core.State);
        Assert.Null(core.NextTimeout);
    }

    [Fact]
    public void Response_from_another_address_fails_the_pair()
    {
        IceAgentCore core = NewCore(controlling: true);
        core.AddRemoteCandidate(RemoteHost(Remote), T0);
        core.OnTimeout(T0);
        IceTransmit check = Assert.Single(Drain(core));
        core.Receive(1, Response(check.Datagram, Local), new IPEndPoint(IPAddress.Parse("10.0.0.9"), 6000), T0.AddMilliseconds(5));
        Assert.Equal(IceCandidatePairState.Failed, Assert.Single(core.Pairs).State); // RFC 8445 §7.2.5.2.1
    }

    [Fact]
    public void Response_signed_with_the_wrong_password_is_dropped_and_counted()
    {
        IceAgentCore core = NewCore(controlling: true);
        core.AddRemoteCandidate(RemoteHost(Remote), T0);
        core.OnTimeout(T0);
        IceTransmit check = Assert.Single(Drain(core));
        core.Receive(1, Response(check.Datagram, Local, password: "not-the-remote-password-x"), Remote, T0.AddMilliseconds(5));
        Assert.Equal(IceCandidatePairState.InProgress, Assert.Single(core.Pairs).State);
        Assert.Equal(1, core.Counters.IntegrityFailures);
    }

    [Fact]
    public void Controlling_agent_nominates_with_use_candidate_after_a_successful_check()
    {
        IceAgentCore core = NewCore(controlling: true);
        core.AddRemoteCandidate(RemoteHost(Remote), T0);
        core.OnTimeout(T0);
        IceTransmit check = Assert.Single(Drain(core));
        core.Receive(1, Response(check.Datagram, Local), Remote, T0.AddMilliseconds(5));
        Assert.Null(core.Selected);

        core.OnTimeout(T0.AddMilliseconds(50));
        IceTransmit nomination = Assert.Single(Drain(core));
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(nomination.Datagram, out StunMessage m));
        Assert.True(m.UseCandidate);
        core.Receive(1, Response(nomination.Datagram, Local), Remote, T0.AddMilliseconds(55));
        Assert.NotNull(core.Selected);
        Assert.True(core.Selected!.Nominated);
        Assert.Equal(IceConnectionState.Connected, core.State);
    }

    [Fact]
    public void Non_stun_from_an_authenticated_peer_goes_to_the_upper_layer()
    {
        IceAgentCore core = NewCore(controlling: false);
        byte[] dtls = [22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        Assert.Equal(IceReceiveResult.Dropped, core.Receive(1, dtls, Remote, T0));
        core.Receive(1, Request(), Remote, T0);
        Assert.Equal(IceReceiveResult.Application, core.Receive(1, dtls, Remote, T0));
        Assert.Equal(IceReceiveResult.Application, core.Receive(1, [0x80, 0x60, 0, 1], Remote, T0));
        Assert.Equal(1, core.Counters.UnauthenticatedDataDropped);
    }

    [Fact]
    public void Tcp_and_mdns_remote_candidates_are_ignored_without_failing()
    {
        IceAgentCore core = NewCore(controlling: true);
        Assert.False(core.AddRemoteCandidate(IceCandidate.Parse("candidate:1 1 tcp 1518280447 10.0.0.2 9 typ host tcptype active"), T0));
        Assert.False(core.AddRemoteCandidate(IceCandidate.Parse("candidate:2 1 udp 2122252543 abc.local 5000 typ host"), T0));
        Assert.Empty(core.Pairs);
        Assert.Equal(2, core.Counters.RemoteCandidatesIgnored);
        Assert.Equal(IceConnectionState.New, core.State);
    }
}
