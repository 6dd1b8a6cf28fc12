using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using P2PCall.Core;
using P2PCall.Core.Calls;
using P2PCall.Core.DependencyInjection;

namespace P2PCall;

/// <summary>Registers P2PCall in a service collection.</summary>
public static class P2PCallServiceCollectionExtensions
{
    /// <summary>
    /// Registers the call client (<see cref="ICallClient"/>), its options (validated on start) and the clock.
    /// Safe to call more than once. Peer connections come from P2PCall's own stack (<c>RTCPeerConnectionFactory</c>)
    /// unless the app registers another <c>IPeerConnectionFactory</c>. A signaling package
    /// (<c>.AddInMemorySignaling()</c>, <c>.AddSocketIOSignaling()</c>) and local media (<c>IMediaDevices</c>) complete it.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures <see cref="P2PCallOptions"/>.</param>
    /// <returns>A builder that signaling packages extend.</returns>
    public static IP2PCallBuilder AddP2PCall(this IServiceCollection services, Action<P2PCallOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions();
        services.AddLogging();
        services.AddOptionsWithValidateOnStart<P2PCallOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<P2PCallOptions>, P2PCallOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        // Our own stack, unless the app registers another peer connection factory.
        services.TryAddSingleton<P2PCall.WebRtc.IPeerConnectionFactory>(sp => new P2PCall.WebRtc.RTCPeerConnectionFactory(null, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ICallClient, CallClient>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, P2PCallWarmUpService>());
        return new P2PCallBuilder(services);
    }

    private sealed class P2PCallBuilder(IServiceCollection services) : IP2PCallBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}

/// <summary>Returned by <see cref="P2PCallServiceCollectionExtensions.AddP2PCall"/>; signaling packages add their registrations through it.</summary>
public interface IP2PCallBuilder
{
    /// <summary>The service collection P2PCall is registered in.</summary>
    IServiceCollection Services { get; }
}
