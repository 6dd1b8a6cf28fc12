using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using P2PCall.Core.Signaling;
using P2PCall.Signaling.SocketIO;

namespace P2PCall;

/// <summary>Adds socket.io signaling to P2PCall.</summary>
public static class SocketIOSignalingBuilderExtensions
{
    /// <summary>
    /// Uses a socket.io server (such as <c>samples/signaling-server</c>) as the signaling relay: registers a
    /// <see cref="SocketIOSignalingChannel"/> as the <see cref="ISignalingChannel"/> unless one is registered already.
    /// The options are validated when the host starts.
    /// </summary>
    /// <param name="builder">The builder from <c>AddP2PCall</c>.</param>
    /// <param name="configure">Sets the server URI, the user id and, optionally, timeouts.</param>
    /// <returns>The builder.</returns>
    public static IP2PCallBuilder AddSocketIOSignaling(this IP2PCallBuilder builder, Action<SocketIOSignalingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptionsWithValidateOnStart<SocketIOSignalingOptions>().Configure(configure);
        builder.Services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<SocketIOSignalingOptions>, SocketIOSignalingOptionsValidator>());
        builder.Services.TryAddSingleton<ISignalingChannel>(sp => new SocketIOSignalingChannel(
            sp.GetRequiredService<IOptions<SocketIOSignalingOptions>>().Value,
            sp.GetService<ILogger<SocketIOSignalingChannel>>(),
            sp.GetService<TimeProvider>()));
        return builder;
    }
}
