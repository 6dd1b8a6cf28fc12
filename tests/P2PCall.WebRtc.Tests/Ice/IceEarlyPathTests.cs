using System.Net;
using System.Text;
using P2PCall.WebRtc.Ice;
using P2PCall.WebRtc.Net;
using P2PCall.WebRtc.Stun;

namespace P2PCall.WebRtc.Tests.Ice;

/// <summary>
/// What lets a call start before nomination ends: triggered and nomination checks are not paced by Ta, the first
/// valid pair is announced (RFC 8445 §12.1), and data sent before any pair is valid is held, not lost.
/// </summary>
public class IceEarlyPathTests
{
    private const string RemoteUfrag = "rmtU";
    private const string RemotePassword = "remote-password-0123456789";
    private const string LocalPassword = "local-password-0123456789";
    private static readonly IPEndPoint Local = new(IPAddress.Parse("10.0.0.1"), 5000);
    private static readonly IPEndPoint Remote = new(IPAddress.Parse("10.0.0.2"), 6000);
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static IceAgentCore NewCore(bool controlling)
    {
        var core = new IceAgentCore(new IceAgentOptions
        {
            Controlling = controlling,
            LocalUfrag = "locU",
            LocalPassword = LocalPassword,
            RandomSeed = 3,
            Ta = TimeSpan.FromMilliseconds(50),
        });
        core.AddLocalBase(1, Local, T0);
        core.CompleteLocalBases(T0);
        core.SetRemoteCredentials(RemoteUfrag, RemotePassword, T0);
        Drain(core);
        return core;
    }

    private static List<IceTransmit> Drain(IceAgentCore core, List<IceEvent>? events = null)
    {
        var list = new List<IceTransmit>();
        while (core.TryDequeueTransmit(out IceTransmit t))
        {
            list.Add(t);
        }

        while (core.TryDequeueEvent(out IceEvent e))
        {
            events?.Add(e);
        }

        return list;
    }

    /// <summary>Runs the core the way the edge does: whatever is due at <paramref name="now"/>, at once.</summary>
    private static List<IceTransmit> RunDue(IceAgentCore core, DateTimeOffset now, List<IceEvent>? events = null)
    {
        var sent = new List<IceTransmit>();
        while (core.NextTimeout is DateTimeOffset due && due <= now)
        {
            core.OnTimeout(now);
            sent.AddRange(Drain(core, events));
        }

        sent.AddRange(Drain(core, events));
        return sent;
    }

    private static byte[] SuccessFor(ReadOnlySpan<byte> request)
    {
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(request, out StunMessage m));
        var buffer = new byte[200];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingSuccess, m.TransactionId);
        w.AddXorMappedAddress(Local);
        w.AddMessageIntegrity(Encoding.UTF8.GetBytes(RemotePassword));
        w.AddFingerprint();
        w.TryComplete(out int length);
        return buffer[..length];
    }

    private static byte[] CheckFromPeer()
    {
        var buffer = new byte[300];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        w.AddUsername("locU:" + RemoteUfrag);
        w.AddPriority(IcePriority.Candidate(110, 65535, 1));
        w.AddIceControlling(1);
        w.AddMessageIntegrity(Encoding.UTF8.GetBytes(LocalPassword));
        w.AddFingerprint();
        w.TryComplete(out int length);
        return buffer[..length];
    }

    private static bool HasUseCandidate(IceTransmit t) =>
        StunMessage.TryParse(t.Datagram, out StunMessage m) == StunParseResult.Ok && m.UseCandidate;

    private static IceCandidate RemoteHost(IPEndPoint ep) =>
        IceCandidate.Parse($"candidate:99 1 udp 2130706431 {ep.Address} {ep.Port} typ host");

    [Fact]
    public void Controlling_agent_sends_the_nomination_check_as_soon_as_the_pair_is_valid_not_a_ta_later()
    {
        IceAgentCore core = NewCore(controlling: true);
        core.AddRemoteCandidate(RemoteHost(Remote), T0);
        IceTransmit check = Assert.Single(RunDue(core, T0));
        Assert.False(HasUseCandidate(check));

        // The response arrives 1 ms later, well inside Ta (50 ms) of the first check.
        DateTimeOffset t1 = T0.AddMilliseconds(1);
        core.Receive(1, SuccessFor(check.Datagram), Remote, t1);
        IceTransmit nomination = Assert.Single(RunDue(core, t1));
        Assert.True(HasUseCandidate(nomination)); // RFC 8445 §8.1.1, on the pair just validated

        core.Receive(1, SuccessFor(nomination.Datagram), Remote, t1.AddMilliseconds(1));
        Assert.NotNull(core.Selected);
        Assert.Equal(IceConnectionState.Connected, core.State);
    }

    [Fact]
    public void Triggered_check_goes_out_at_once_while_ordinary_checks_stay_paced()
    {
        IceAgentCore core = NewCore(controlling: false);
        var second = new IPEndPoint(IPAddress.Parse("10.0.0.3"), 6000);
        core.AddRemoteCandidate(RemoteHost(Remote), T0);
        core.AddRemoteCandidate(RemoteHost(second), T0);
        Assert.Single(RunDue(core, T0)); // the first ordinary check; the next one waits for Ta

        // An authenticated check from a third address 1 ms later: its triggered check is not paced (RFC 8445 §7.3.1.4).
        var third = new IPEndPoint(IPAddress.Parse("10.0.0.4"), 6000);
        DateTimeOffset t1 = T0.AddMilliseconds(1);
        core.Receive(1, CheckFromPeer(), third, t1);
        List<IceTransmit> sent = RunDue(core, t1);
        Assert.Equal(2, sent.Count); // the success response and the triggered check
        Assert.All(sent, t => Assert.Equal(third, t.Remote));
        Assert.Equal(T0 + TimeSpan.FromMilliseconds(50), core.NextTimeout); // the second ordinary check keeps its pacing
    }

    [Fact]
    public void First_valid_pair_is_announced_once_before_nomination()
    {
        IceAgentCore core = NewCore(controlling: false);
        core.AddRemoteCandidate(RemoteHost(Remote), T0);
        IceTransmit check = Assert.Single(RunDue(core, T0));
        Assert.False(core.HasValidPair);

        var events = new List<IceEvent>();
        core.Receive(1, SuccessFor(check.Datagram), Remote, T0.AddMilliseconds(1));
        RunDue(core, T0.AddMilliseconds(1), events);
        IceEvent valid = Assert.Single(events, e => e.Kind == IceEventKind.ValidPair);
        Assert.Equal("10.0.0.2", valid.Pair!.Remote.Address);
        Assert.True(core.HasValidPair);
        Assert.Null(core.Selected); // controlled: nothing nominated yet
        Assert.Equal(IceConnectionState.Checking, core.State);
        Assert.True(core.TryGetSendPath(out int baseId, out IPEndPoint? path)); // RFC 8445 §12.1
        Assert.Equal((1, Remote), (baseId, path));
    }

    [Fact]
    public async Task Datagram_sent_before_any_pair_is_valid_is_held_and_delivered_once_one_is()
    {
        await using var pair = new SimulatedIcePair(link: new LinkConditions { Delay = TimeSpan.FromMilliseconds(20) });
        var received = new List<byte[]>();
        pair.B.DatagramReceived = (d, _) => received.Add(d.ToArray());
        var validWhileUnselected = false;
        pair.A.ValidPairFound += (_, _) => validWhileUnselected = pair.A.SelectedPair is null;
        pair.ConnectSignaling();
        Assert.Equal(IceConnectionState.Checking, pair.A.ConnectionState);
        Assert.False(pair.A.HasValidPair);

        byte[] clientHello = [22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        Assert.True(pair.A.Send(clientHello)); // held: no pair is valid yet
        Assert.True(pair.RunUntil(() => pair.BothConnected, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(1)));
        pair.Run(TimeSpan.FromMilliseconds(100));
        Assert.Equal(clientHello, Assert.Single(received));
        Assert.True(validWhileUnselected);
    }

    [Fact]
    public async Task Held_datagrams_are_bounded_and_dropped_when_the_agent_closes()
    {
        await using var pair = new SimulatedIcePair(link: LinkConditions.Disconnected);
        pair.ConnectSignaling();
        int held = 0;
        for (int i = 0; i < 100; i++)
        {
            held += pair.A.Send([22, 0xfe, 0xfd, (byte)i]) ? 1 : 0;
        }

        Assert.InRange(held, 1, 32); // a few, not everything
        await pair.A.DisposeAsync();
        Assert.False(pair.A.Send([22, 0xfe, 0xfd, 0]));
    }
}
