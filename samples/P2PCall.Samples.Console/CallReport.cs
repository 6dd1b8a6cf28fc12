using System.Text.Json;
using System.Text.Json.Serialization;

namespace P2PCall.Samples.Cli;

/// <summary>What one side of a call saw, as printed by <c>--json</c> (one side) or inside the demo's report.</summary>
/// <param name="Role">caller or callee.</param>
/// <param name="User">This side's user id.</param>
/// <param name="Peer">The other side's user id.</param>
/// <param name="Connected">Whether the call connected.</param>
/// <param name="ConnectMs">Milliseconds from the start of the call (placed or rung) to connected; -1 when it never connected.</param>
/// <param name="AudioFramesReceived">Remote audio frames decoded.</param>
/// <param name="VideoFramesReceived">Remote video frames decoded.</param>
/// <param name="AudioPacketsReceived">Remote audio RTP packets received.</param>
/// <param name="VideoPacketsReceived">Remote video RTP packets received.</param>
/// <param name="PacketsSent">RTP packets this side sent.</param>
/// <param name="ChatSent"><c>ping:n</c> messages sent on this side's "chat" channel.</param>
/// <param name="ChatReceived"><c>pong:n</c> replies received to them.</param>
/// <param name="PongsSent"><c>pong:n</c> answers this side sent to the peer's pings.</param>
/// <param name="RttMs">The last RTCP round-trip time, if any.</param>
/// <param name="EndReason">How the call ended (a <c>CallEndReason</c>, or why it never started).</param>
/// <param name="EndDetail">More about the end, if anything.</param>
internal sealed record CallReport(
    string Role,
    string User,
    string Peer,
    bool Connected,
    double ConnectMs,
    long AudioFramesReceived,
    long VideoFramesReceived,
    long AudioPacketsReceived,
    long VideoPacketsReceived,
    long PacketsSent,
    int ChatSent,
    int ChatReceived,
    int PongsSent,
    double? RttMs,
    string EndReason,
    string? EndDetail)
{
    /// <summary>Connected, and media flowed both ways as far as this side can tell: it decoded the peer's audio and video and sent its own.</summary>
    public bool MediaFlowed => Connected && AudioFramesReceived > 0 && VideoFramesReceived > 0 && PacketsSent > 0;

    /// <summary>A report for a call that never got a session (server unreachable, bad arguments, no call came in).</summary>
    public static CallReport NotStarted(string role, string user, string peer, string endReason, string? detail) =>
        new(role, user, peer, false, -1, 0, 0, 0, 0, 0, 0, 0, 0, null, endReason, detail);
}

/// <summary>The one JSON object <c>--json</c> prints.</summary>
internal static class JsonReport
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>One side's report, with <c>ok</c> (the exit code's verdict) and <c>error</c> added.</summary>
    public static string Single(CallReport report, bool ok, string? error) =>
        JsonSerializer.Serialize(new SingleReport(report, ok, error), Options);

    /// <summary>
    /// The demo's report: the top-level fields hold for the call as a whole (connected = both sides connected, each
    /// count the smaller of the two sides', so &gt; 0 means it flowed both ways), then each side's own report.
    /// </summary>
    public static string Demo(CallReport caller, CallReport callee, bool ok, string? error) =>
        JsonSerializer.Serialize(
            new DemoReport(
                caller.Connected && callee.Connected,
                caller.Connected && callee.Connected ? Math.Max(caller.ConnectMs, callee.ConnectMs) : -1,
                Math.Min(caller.AudioFramesReceived, callee.AudioFramesReceived),
                Math.Min(caller.VideoFramesReceived, callee.VideoFramesReceived),
                Math.Min(caller.ChatSent, callee.ChatSent),
                Math.Min(caller.ChatReceived, callee.ChatReceived),
                caller.EndReason,
                ok,
                error,
                caller,
                callee),
            Options);

    private sealed record SingleReport(
        bool Connected,
        double ConnectMs,
        long AudioFramesReceived,
        long VideoFramesReceived,
        int ChatSent,
        int ChatReceived,
        string EndReason,
        bool Ok,
        string? Error,
        string Role,
        string User,
        string Peer,
        long AudioPacketsReceived,
        long VideoPacketsReceived,
        long PacketsSent,
        int PongsSent,
        double? RttMs,
        string? EndDetail)
    {
        public SingleReport(CallReport r, bool ok, string? error)
            : this(r.Connected, r.ConnectMs, r.AudioFramesReceived, r.VideoFramesReceived, r.ChatSent, r.ChatReceived, r.EndReason, ok, error,
                r.Role, r.User, r.Peer, r.AudioPacketsReceived, r.VideoPacketsReceived, r.PacketsSent, r.PongsSent, r.RttMs, r.EndDetail)
        {
        }
    }

    private sealed record DemoReport(
        bool Connected,
        double ConnectMs,
        long AudioFramesReceived,
        long VideoFramesReceived,
        int ChatSent,
        int ChatReceived,
        string EndReason,
        bool Ok,
        string? Error,
        CallReport Caller,
        CallReport Callee);
}
