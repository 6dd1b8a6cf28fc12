using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using P2PCall.Core.Signaling;
using P2PCall.Signaling.InMemory;

namespace P2PCall;

/// <summary>Options of <see cref="InMemorySignalingBuilderExtensions.AddInMemorySignaling"/>.</summary>
public sealed class InMemorySignalingOptions
{
    /// <summary>This app's user id. Required.</summary>
    public string UserId { get; set; } = string.Empty;

    /// <summary>The hub to join; when null, one hub registered in the container is shared.</summary>
    public InMemorySignalingHub? Hub { get; set; }
}

/// <summary>Adds in-process signaling to P2PCall.</summary>
public static class InMemorySignalingBuilderExtensions
{
    /// <summary>
    /// Uses an <see cref="InMemorySignalingHub"/> as the signaling relay: for tests and single-process demos.
    /// Two apps in one process call each other by giving both the same <see cref="InMemorySignalingOptions.Hub"/>.
    /// </summary>
    /// <param name="builder">The builder from <c>AddP2PCall</c>.</param>
    /// <param name="configure">Sets the user id and, optionally, the hub.</param>
    public static IP2PCallBuilder AddInMemorySignaling(this IP2PCallBuilder builder, Action<InMemorySignalingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new InMemorySignalingOptions();
        configure(options);
        if (string.IsNullOrEmpty(options.UserId))
        {
            throw new ArgumentException("InMemorySignalingOptions.UserId is required.", nameof(configure));
        }

        builder.Services.TryAddSingleton(sp => new InMemorySignalingHub(timeProvider: sp.GetService<TimeProvider>()));
        builder.Services.TryAddSingleton<ISignalingChannel>(sp =>
            (options.Hub ?? sp.GetRequiredService<InMemorySignalingHub>()).CreateChannel(options.UserId));
        return builder;
    }
}
