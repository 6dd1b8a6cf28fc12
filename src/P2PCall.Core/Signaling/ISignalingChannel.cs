namespace P2PCall.Core.Signaling;

/// <summary>
/// A connection to the signaling relay under one user id. Transport-agnostic: socket.io, in-memory or
/// anything that can carry the seed's seven events.
/// </summary>
/// <remarks>
/// <see cref="MessageReceived"/> and <see cref="ErrorReceived"/> are raised one at a time, in arrival order,
/// on the channel's receive loop. Handlers must not block: queue the work (P2PCall's call client does).
/// </remarks>
public interface ISignalingChannel : IAsyncDisposable
{
    /// <summary>The user id this channel is registered under.</summary>
    string LocalUserId { get; }

    /// <summary>Whether the channel is connected to the relay now.</summary>
    bool IsConnected { get; }

    /// <summary>A message for this user arrived.</summary>
    event EventHandler<SignalingMessageEventArgs>? MessageReceived;

    /// <summary>
    /// A payload could not be read (<see cref="SignalingFormatException"/>), or the relay could not deliver a
    /// message this channel sent (<see cref="SignalingRelayException"/>).
    /// </summary>
    event EventHandler<SignalingErrorEventArgs>? ErrorReceived;

    /// <summary>Connects and registers <see cref="LocalUserId"/> with the relay.</summary>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    Task ConnectAsync(CancellationToken cancellationToken = default);

    /// <summary>Sends a message to <see cref="SignalingMessage.TargetUid"/>.</summary>
    /// <param name="message">The message; its <see cref="SignalingMessage.UserId"/> must be <see cref="LocalUserId"/>.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <exception cref="SignalingException">The channel is not connected, or the transport failed.</exception>
    Task SendAsync(SignalingMessage message, CancellationToken cancellationToken = default);
}

/// <summary>A received signaling message.</summary>
/// <param name="message">The message.</param>
public sealed class SignalingMessageEventArgs(SignalingMessage message) : EventArgs
{
    /// <summary>The message.</summary>
    public SignalingMessage Message { get; } = message;
}

/// <summary>A signaling error reported by the channel.</summary>
/// <param name="error">The error.</param>
public sealed class SignalingErrorEventArgs(SignalingException error) : EventArgs
{
    /// <summary>The error.</summary>
    public SignalingException Error { get; } = error;
}
