// Shared set-up for the simulated network tests: two hosts on one network and a recording handler.
using System.Net;
using Microsoft.Extensions.Time.Testing;
using P2PCall.WebRtc.Net;

namespace P2PCall.WebRtc.Tests.Net;

internal static class SimulatedTestNetwork
{
    public static readonly IPAddress AddressA = IPAddress.Parse("10.0.0.1");
    public static readonly IPAddress AddressB = IPAddress.Parse("10.0.0.2");

    public static (FakeTimeProvider Time, SimulatedNetwork Network, SimulatedHost A, SimulatedHost B) TwoHosts(LinkConditions conditions, int seed = 1)
    {
        var time = new FakeTimeProvider();
        var network = new SimulatedNetwork(time, seed) { DefaultLink = conditions };
        return (time, network, network.AddHost("a", AddressA), network.AddHost("b", AddressB));
    }

    public static List<Received> Record(IDatagramSocket socket, TimeProvider time)
    {
        var list = new List<Received>();
        socket.Start((datagram, from) => list.Add(new Received(time.GetUtcNow(), from, datagram.ToArray())));
        return list;
    }

    public sealed record Received(DateTimeOffset Time, IPEndPoint From, byte[] Payload);
}
