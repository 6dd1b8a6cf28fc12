using System.Text.Json;

namespace P2PCall.Signaling.SocketIO.Tests;

/// <summary>The real reference server (samples/signaling-server/server.js) on 127.0.0.1, with wire logging on.</summary>
internal sealed class SignalingServer : IAsyncDisposable
{
    private NodeProcess _node;

    private readonly IReadOnlyDictionary<string, string> _environment;

    private SignalingServer(NodeProcess node, int port, IReadOnlyDictionary<string, string> environment)
    {
        _node = node;
        Port = port;
        _environment = environment;
    }

    public int Port { get; }

    public Uri Uri => new($"http://127.0.0.1:{Port}");

    public NodeProcess Node => _node;

    /// <summary>Starts node server.js with HOST=127.0.0.1 and PORT=0 (or the given port) and reads its port from the log.</summary>
    public static async Task<SignalingServer> StartAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        environment ??= new Dictionary<string, string>();
        var node = StartNode(0, environment);
        var listening = await node.WaitForAsync(IsListening);
        return new SignalingServer(node, listening.GetProperty("port").GetInt32(), environment);
    }

    /// <summary>Stops the server (SIGTERM) without restarting it.</summary>
    public Task StopAsync() => _node.StopAsync();

    /// <summary>Starts the server again on the same port after <see cref="StopAsync"/>.</summary>
    public async Task StartAgainAsync()
    {
        await _node.DisposeAsync();
        _node = StartNode(Port, _environment);
        await _node.WaitForAsync(IsListening);
    }

    /// <summary>The next raw socket.io packet the server received from <paramref name="userId"/>.</summary>
    public async Task<string> NextWirePacketAsync(string userId)
    {
        var line = await _node.WaitForAsync(l =>
            l.TryGetProperty("msg", out var msg) && msg.GetString() == "wire"
            && l.GetProperty("userId").GetString() == userId);
        return line.GetProperty("data").GetString()!;
    }

    /// <summary>Waits until the server logs that <paramref name="userId"/> connected.</summary>
    public Task WaitConnectedAsync(string userId) =>
        _node.WaitForAsync(l => l.TryGetProperty("msg", out var msg) && msg.GetString() == "connected"
            && l.GetProperty("userId").GetString() == userId);

    public ValueTask DisposeAsync() => _node.DisposeAsync();

    private static NodeProcess StartNode(int port, IReadOnlyDictionary<string, string> environment)
    {
        var env = new Dictionary<string, string>(environment)
        {
            ["HOST"] = "127.0.0.1",
            ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LOG_WIRE"] = "1",
        };
        return NodeProcess.Start("server.js", [], env);
    }

    private static bool IsListening(JsonElement line) =>
        line.TryGetProperty("msg", out var msg) && msg.GetString() == "listening";
}

/// <summary>A raw socket.io-client peer (TestData/raw-peer.js): emits exactly what a test gives it.</summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly NodeProcess _node;

    private RawPeer(NodeProcess node) => _node = node;

    public static async Task<RawPeer> ConnectAsync(SignalingServer server, string userId)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "TestData", "raw-peer.js");
        var node = NodeProcess.Start(script, [server.Uri.ToString(), userId], new Dictionary<string, string>());
        await node.WaitForAsync(l => l.TryGetProperty("connected", out _));
        return new RawPeer(node);
    }

    /// <summary>Emits <paramref name="payloadJson"/> (any JSON) under <paramref name="eventName"/>.</summary>
    public async Task EmitAsync(string eventName, string payloadJson)
    {
        await _node.WriteLineAsync($"{{\"emit\":{JsonSerializer.Serialize(eventName)},\"payload\":{payloadJson}}}");
        await _node.WaitForAsync(l => l.TryGetProperty("emitted", out _));
    }

    /// <summary>The payload of the next <paramref name="eventName"/> the peer receives.</summary>
    public async Task<JsonElement> NextAsync(string eventName) =>
        (await _node.WaitForAsync(l => l.TryGetProperty("event", out var e) && e.GetString() == eventName)).GetProperty("payload");

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}
