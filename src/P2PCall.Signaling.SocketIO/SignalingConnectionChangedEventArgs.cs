namespace P2PCall.Signaling.SocketIO;

/// <summary>The socket.io signaling channel connected or lost its connection.</summary>
/// <param name="isConnected">Whether the channel is connected now.</param>
/// <param name="reason">Why the connection was lost (socket.io's reason), or null when connected.</param>
/// <param name="willReconnect">Whether the channel is trying to reconnect.</param>
public sealed class SignalingConnectionChangedEventArgs(bool isConnected, string? reason, bool willReconnect) : EventArgs
{
    /// <summary>Whether the channel is connected now.</summary>
    public bool IsConnected { get; } = isConnected;

    /// <summary>Why the connection was lost (for example <c>transport close</c>), or null when connected.</summary>
    public string? Reason { get; } = reason;

    /// <summary>
    /// Whether the channel is trying to reconnect. False after the server disconnected it on purpose (another
    /// connection registered the same user id): sends then fail until a new channel connects.
    /// </summary>
    public bool WillReconnect { get; } = willReconnect;
}
