using Microsoft.Extensions.Logging;

namespace P2PCall.Signaling.SocketIO;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Signaling of {UserId} connected to {ServerUri}")]
    public static partial void Connected(ILogger logger, string userId, Uri serverUri);

    [LoggerMessage(2, LogLevel.Warning, "Signaling of {UserId} disconnected ({Reason}); reconnecting: {WillReconnect}")]
    public static partial void Disconnected(ILogger logger, string userId, string reason, bool willReconnect);

    [LoggerMessage(3, LogLevel.Information, "Signaling of {UserId}: reconnection attempt {Attempt} failed, next in {Delay}")]
    public static partial void ReconnectFailed(ILogger logger, string userId, int attempt, TimeSpan delay, Exception error);

    [LoggerMessage(4, LogLevel.Warning, "Signaling of {UserId} received a malformed '{EventName}' payload")]
    public static partial void Malformed(ILogger logger, string userId, string eventName, Exception error);

    [LoggerMessage(5, LogLevel.Warning, "Signaling handler of {UserId} threw")]
    public static partial void HandlerThrew(ILogger logger, string userId, Exception error);

    [LoggerMessage(6, LogLevel.Warning, "Signaling of {UserId} could not emit '{EventName}'")]
    public static partial void EmitFailed(ILogger logger, string userId, string eventName, Exception error);

    [LoggerMessage(7, LogLevel.Debug, "Signaling of {UserId} stopped")]
    public static partial void Stopped(ILogger logger, string userId);
}
