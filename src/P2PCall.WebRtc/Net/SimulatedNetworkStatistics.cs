// What happened to the datagrams on a simulated network: counters, the fate of one datagram, and
// the trace callback that reports every fate as it is decided.
using System.Net;

namespace P2PCall.WebRtc.Net;

/// <summary>What became of one datagram on a <see cref="SimulatedNetwork"/>.</summary>
public enum SimulatedDatagramFate
{
    /// <summary>Handed to the destination socket's handler.</summary>
    Delivered,

    /// <summary>Lost on the link (<see cref="LinkConditions.LossProbability"/>).</summary>
    Lost,

    /// <summary>No host has the destination address, or no started socket is bound to the destination port.</summary>
    DroppedNoListener,

    /// <summary>The sending or the receiving host is down.</summary>
    DroppedHostDown,

    /// <summary>The link's queue was full (<see cref="LinkConditions.QueueLimitBytes"/>).</summary>
    DroppedQueueFull,

    /// <summary>Larger than the link carries (<see cref="LinkConditions.MaxDatagramSize"/>).</summary>
    DroppedTooLarge,
}

/// <summary>Reports the fate of a datagram: at send time when it is dropped or lost, at delivery time otherwise.</summary>
/// <param name="fate">What became of it.</param>
/// <param name="from">The sending socket's endpoint.</param>
/// <param name="to">The destination endpoint.</param>
/// <param name="payload">The bytes; valid only during the call.</param>
public delegate void SimulatedDatagramTraceHandler(SimulatedDatagramFate fate, IPEndPoint from, IPEndPoint to, ReadOnlySpan<byte> payload);

/// <summary>A snapshot of a <see cref="SimulatedNetwork"/>'s counters.</summary>
public readonly record struct SimulatedNetworkStatistics
{
    /// <summary>Datagrams given to a socket's Send, whatever became of them.</summary>
    public long Sent { get; init; }

    /// <summary>Datagrams handed to a handler, duplicates included.</summary>
    public long Delivered { get; init; }

    /// <summary>Datagrams lost on a link.</summary>
    public long Lost { get; init; }

    /// <summary>Extra copies scheduled by duplication.</summary>
    public long Duplicated { get; init; }

    /// <summary>Datagrams (or copies) held back so that later ones overtake them.</summary>
    public long Reordered { get; init; }

    /// <summary>Datagrams to an address no host has, or to a port with no started socket.</summary>
    public long DroppedNoListener { get; init; }

    /// <summary>Datagrams dropped because the sending or receiving host was down.</summary>
    public long DroppedHostDown { get; init; }

    /// <summary>Datagrams dropped because the link's queue was full.</summary>
    public long DroppedQueueFull { get; init; }

    /// <summary>Datagrams dropped because they were larger than the link carries.</summary>
    public long DroppedTooLarge { get; init; }

    /// <summary>Exceptions thrown by handlers or trace callbacks; each was caught and delivery went on.</summary>
    public long HandlerErrors { get; init; }
}
