using Microsoft.Extensions.Options;

namespace P2PCall;

/// <summary>Options of the socket.io signaling channel (<c>AddSocketIOSignaling</c>).</summary>
public sealed class SocketIOSignalingOptions
{
    /// <summary>The signaling server, for example <c>http://127.0.0.1:3000</c>. Required; http, https, ws or wss.</summary>
    public Uri? ServerUri { get; set; }

    /// <summary>This app's user id, registered with the server on connect. Required.</summary>
    public string UserId { get; set; } = string.Empty;

    /// <summary>The handshake query parameter that carries <see cref="UserId"/>; the reference server reads <c>userId</c>.</summary>
    public string UserIdQueryName { get; set; } = "userId";

    /// <summary>How long one connection attempt may take before it fails with a <c>SignalingException</c>.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait before the first reconnection attempt after the server dropped the connection.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between reconnection attempts (the wait doubles after each failed attempt).</summary>
    public TimeSpan ReconnectDelayMax { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many messages may wait for a connection at once; a send beyond it fails at once.</summary>
    public int SendQueueLimit { get; set; } = 256;

    /// <summary>How long a message sent while disconnected waits for the connection before its send fails.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    internal SocketIOSignalingOptions Clone() => (SocketIOSignalingOptions)MemberwiseClone();

    /// <summary>The first problem with these options, or null when they are valid.</summary>
    internal string? Problem()
    {
        if (ServerUri is null || !ServerUri.IsAbsoluteUri || ServerUri.Scheme is not ("http" or "https" or "ws" or "wss"))
        {
            return "ServerUri must be an absolute http, https, ws or wss URI.";
        }

        if (string.IsNullOrEmpty(UserId))
        {
            return "UserId is required.";
        }

        if (string.IsNullOrEmpty(UserIdQueryName))
        {
            return "UserIdQueryName is required.";
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            return "ConnectTimeout must be positive.";
        }

        if (ReconnectDelay <= TimeSpan.Zero || ReconnectDelayMax < ReconnectDelay)
        {
            return "ReconnectDelay must be positive and ReconnectDelayMax at least ReconnectDelay.";
        }

        if (SendQueueLimit < 1)
        {
            return "SendQueueLimit must be at least 1.";
        }

        return SendTimeout <= TimeSpan.Zero ? "SendTimeout must be positive." : null;
    }
}

/// <summary>Validates <see cref="SocketIOSignalingOptions"/> when the host starts.</summary>
internal sealed class SocketIOSignalingOptionsValidator : IValidateOptions<SocketIOSignalingOptions>
{
    public ValidateOptionsResult Validate(string? name, SocketIOSignalingOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
