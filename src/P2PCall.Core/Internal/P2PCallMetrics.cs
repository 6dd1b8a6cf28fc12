using System.Diagnostics.Metrics;

namespace P2PCall.Core.Internal;

/// <summary>Counters of the call layer, on the <c>P2PCall</c> meter.</summary>
internal static class P2PCallMetrics
{
    public static readonly Meter Meter = new("P2PCall");

    public static readonly Counter<long> MalformedSignaling =
        Meter.CreateCounter<long>("p2pcall.signaling.malformed", description: "Signaling payloads dropped because they could not be read.");

    public static readonly Counter<long> IgnoredSignaling =
        Meter.CreateCounter<long>("p2pcall.signaling.ignored", description: "Signaling messages ignored because they were not from the current peer.");
}
