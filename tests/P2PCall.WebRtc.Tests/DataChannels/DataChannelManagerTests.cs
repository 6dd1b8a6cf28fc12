using System.Text;
using P2PCall.WebRtc.DataChannels;
using P2PCall.WebRtc.Tests.Sctp;

namespace P2PCall.WebRtc.Tests.DataChannels;

/// <summary>DCEP (RFC 8832) and channel closing (RFC 8831 §6.7) over two associations on the simulated link.</summary>
public class DataChannelManagerTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    private sealed class Peers : IDisposable
    {
        public Peers()
        {
            // Events run inline: the simulated link is single-threaded and deterministic.
            A = new DataChannelManager(Pair.A, action => action());
            B = new DataChannelManager(Pair.B, action => action());
            A.SetRole(isDtlsClient: true);
            B.SetRole(isDtlsClient: false);
            A.RemoteMaxMessageSize = B.RemoteMaxMessageSize = 262144;
            B.RemoteChannelOpened += c => OpenedAtB.Add(c);
            A.RemoteChannelOpened += c => OpenedAtA.Add(c);
            Pair.Establish();
        }

        public SctpPair Pair { get; } = new();

        public DataChannelManager A { get; }

        public DataChannelManager B { get; }

        public List<RTCDataChannel> OpenedAtB { get; } = [];

        public List<RTCDataChannel> OpenedAtA { get; } = [];

        public bool Run(Func<bool> until) => Pair.RunUntil(until, Limit);

        public void Dispose() => Pair.Dispose();
    }

    [Fact]
    public void Channel_options_travel_in_data_channel_open()
    {
        using var peers = new Peers();
        var reliable = peers.A.Create("chat", new RTCDataChannelInit());
        var rexmit = peers.A.Create("rexmit", new RTCDataChannelInit { Ordered = false, MaxRetransmits = 3, Protocol = "p1" });
        var timed = peers.A.Create("timed", new RTCDataChannelInit { MaxPacketLifeTime = TimeSpan.FromMilliseconds(750) });

        Assert.True(peers.Run(() => peers.OpenedAtB.Count == 3 && timed.ReadyState == RTCDataChannelState.Open));

        var byLabel = peers.OpenedAtB.ToDictionary(c => c.Label);
        Assert.True(byLabel["chat"].Ordered && byLabel["chat"].MaxRetransmits is null && byLabel["chat"].MaxPacketLifeTime is null);
        Assert.False(byLabel["rexmit"].Ordered);
        Assert.Equal(3, byLabel["rexmit"].MaxRetransmits);
        Assert.Equal("p1", byLabel["rexmit"].Protocol);
        Assert.Equal(TimeSpan.FromMilliseconds(750), byLabel["timed"].MaxPacketLifeTime);
        Assert.All([reliable, rexmit, timed], c => Assert.Equal(0, c.Id!.Value % 2)); // the DTLS client's ids are even
        Assert.Equal(reliable.Id, byLabel["chat"].Id);
    }

    [Fact]
    public void Both_retransmits_and_lifetime_is_a_type_error()
    {
        using var peers = new Peers();
        Assert.Throws<ArgumentException>(() => peers.A.Create("x", new RTCDataChannelInit { MaxRetransmits = 1, MaxPacketLifeTime = TimeSpan.FromSeconds(1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => peers.A.Create("x", new RTCDataChannelInit { MaxRetransmits = -1 }));
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x03 })] // OPEN cut short
    [InlineData(new byte[] { 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, (byte)'a' })] // label length 5, one byte
    [InlineData(new byte[] { 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte)'x' })] // a byte more than the lengths say
    [InlineData(new byte[] { 0x03, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })] // unknown channel type
    [InlineData(new byte[] { 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })] // unknown message type
    [InlineData(new byte[] { 0x02, 0x00 })] // ACK with a trailing byte
    public void Malformed_dcep_messages_are_counted_and_open_nothing(byte[] message)
    {
        using var peers = new Peers();

        peers.Pair.A.Send(1, DataChannelManager.PpidDcep, message.Length == 0 ? [0] : message, true); // odd id from the client: wrong parity too

        Assert.True(peers.Run(() => peers.B.MalformedMessages == 1));
        Assert.Empty(peers.OpenedAtB);
        Assert.False(peers.Pair.B.IsClosed);
    }

    [Fact]
    public void Data_on_a_stream_without_a_channel_is_counted()
    {
        using var peers = new Peers();
        peers.Pair.A.Send(40, DataChannelManager.PpidString, "orphan"u8, true);
        Assert.True(peers.Run(() => peers.B.MalformedMessages == 1));
    }

    [Fact]
    public void Closing_resets_both_directions_closes_both_ends_and_frees_the_id()
    {
        using var peers = new Peers();
        var chat = peers.A.Create("chat", new RTCDataChannelInit());
        Assert.True(peers.Run(() => peers.OpenedAtB.Count == 1 && chat.ReadyState == RTCDataChannelState.Open));
        var remote = peers.OpenedAtB[0];
        var events = new List<string>();
        remote.Message += (_, m) => events.Add(m.Text!);
        remote.Closed += (_, _) => events.Add("closed at B");
        chat.Closed += (_, _) => events.Add("closed at A");

        chat.Send("last words");
        chat.Close();
        Assert.Equal(RTCDataChannelState.Closing, chat.ReadyState);
        Assert.Throws<InvalidStateException>(() => chat.Send("too late"));

        Assert.True(peers.Run(() => events.Count == 3));
        Assert.Equal("last words", events[0]); // delivered before the reset (RFC 6525 §5.2.2)
        Assert.Contains("closed at A", events);
        Assert.Contains("closed at B", events);
        Assert.Equal(RTCDataChannelState.Closed, remote.ReadyState);

        var again = peers.A.Create("again", new RTCDataChannelInit());
        Assert.True(peers.Run(() => peers.OpenedAtB.Count == 2 && again.ReadyState == RTCDataChannelState.Open));
        Assert.Equal(chat.Id, again.Id); // the stream id is free for a new channel
        var text = "";
        peers.OpenedAtB[1].Message += (_, m) => text = m.Text!;
        again.Send("hello again");
        Assert.True(peers.Run(() => text == "hello again"));
    }

    [Fact]
    public void The_remote_side_may_close_from_inside_a_message_handler()
    {
        using var peers = new Peers();
        var chat = peers.A.Create("chat", new RTCDataChannelInit());
        Assert.True(peers.Run(() => peers.OpenedAtB.Count == 1 && chat.ReadyState == RTCDataChannelState.Open));
        var remote = peers.OpenedAtB[0];
        remote.Message += (_, _) => remote.Close();
        var closedAtA = false;
        chat.Closed += (_, _) => closedAtA = true;

        chat.Send(Encoding.UTF8.GetBytes("close it"));

        Assert.True(peers.Run(() => closedAtA && remote.ReadyState == RTCDataChannelState.Closed));
    }

    [Fact]
    public void Buffered_amount_falls_when_a_partially_reliable_message_is_abandoned()
    {
        using var peers = new Peers();
        var lossy = peers.A.Create("lossy", new RTCDataChannelInit { Ordered = false, MaxRetransmits = 0 });
        Assert.True(peers.Run(() => lossy.ReadyState == RTCDataChannelState.Open && peers.OpenedAtB.Count == 1));
        peers.Pair.CutToB = true;

        lossy.Send(new byte[10_000]);
        Assert.Equal(10_000, lossy.BufferedAmount);

        Assert.True(peers.Run(() => lossy.BufferedAmount == 0));
        Assert.True(peers.Pair.A.Counters.MessagesAbandoned > 0);
    }
}
