using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using P2PCall.Core.Calls;
using P2PCall.Core.Signaling;
using P2PCall.Core.Tests.Fakes;
using P2PCall.Signaling.InMemory;
using P2PCall.WebRtc;

namespace P2PCall.Core.Tests;

public class DependencyInjectionTests
{
    private static ServiceProvider Build(InMemorySignalingHub hub, string user, Action<P2PCallOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IPeerConnectionFactory>(new FakePeerConnectionFactory());
        services.AddSingleton<IMediaDevices>(new FakeMediaDevices());
        services.AddP2PCall(configure).AddInMemorySignaling(o =>
        {
            o.UserId = user;
            o.Hub = hub;
        });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Fact]
    public async Task AddP2PCall_with_in_memory_signaling_resolves_a_client_that_places_a_call()
    {
        var hub = new InMemorySignalingHub();
        await using var a = Build(hub, "A");
        await using var b = Build(hub, "B");
        var clientA = a.GetRequiredService<ICallClient>();
        var clientB = b.GetRequiredService<ICallClient>();
        await clientA.StartAsync();
        await clientB.StartAsync();
        clientB.IncomingCall += (_, e) => _ = e.Session.AcceptAsync();

        var call = await clientA.CallAsync("B");
        await call.WaitForConnectedAsync().WaitAsync(CallPair.Deadline);

        Assert.Equal("A", clientA.UserId);
        Assert.Same(clientA, a.GetRequiredService<ICallClient>());
        Assert.Equal(CallState.Connected, call.State);
        await call.HangupAsync();
    }

    [Fact]
    public async Task The_host_warms_the_stack_up_in_the_background_once()
    {
        var services = new ServiceCollection();
        services.AddP2PCall(o => o.LoopbackOnly = true);
        services.AddP2PCall();
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();

        var warmUp = Assert.Single(hosted, h => h.GetType().Name == "P2PCallWarmUpService");
        await warmUp.StartAsync(CancellationToken.None);
        await warmUp.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60)); // waits for the warm-up call
        await RTCPeerConnectionWarmUp.RunAsync().WaitAsync(TimeSpan.FromSeconds(1)); // done: the process is warm
    }

    [Fact]
    public void AddP2PCall_twice_registers_each_service_once()
    {
        var services = new ServiceCollection();
        services.AddP2PCall();
        services.AddP2PCall(o => o.Video = false);

        Assert.Single(services, d => d.ServiceType == typeof(ICallClient));
        Assert.Single(services, d => d.ServiceType == typeof(TimeProvider));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<P2PCallOptions>));
    }

    [Fact]
    public void Apps_can_override_the_clock()
    {
        var services = new ServiceCollection();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        services.AddSingleton<TimeProvider>(clock);
        services.AddP2PCall();

        using var provider = services.BuildServiceProvider();

        Assert.Same(clock, provider.GetRequiredService<TimeProvider>());
    }

    [Theory]
    [InlineData(0, "stun:127.0.0.1:3478", "chat", "RingTimeout")]
    [InlineData(30, "http://stun.example", "chat", "IceServers")]
    [InlineData(30, "stun:", "chat", "IceServers")]
    [InlineData(30, "stun:127.0.0.1", "", "ChatChannelLabel")]
    public async Task Invalid_options_are_refused_when_the_client_starts(int ringSeconds, string iceServer, string label, string expected)
    {
        await using var provider = Build(new InMemorySignalingHub(), "A", o =>
        {
            o.RingTimeout = TimeSpan.FromSeconds(ringSeconds);
            o.IceServers.Add(iceServer);
            o.ChatChannelLabel = label;
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => provider.GetRequiredService<ICallClient>().StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void In_memory_signaling_needs_a_user_id()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentException>(() => services.AddP2PCall().AddInMemorySignaling(_ => { }));
    }

    [Fact]
    public void Options_reach_the_peer_connection_configuration()
    {
        var options = new P2PCallOptions { LoopbackOnly = true };
        options.IceServers.Add("stun:127.0.0.1:3478");

        var config = options.ToRtcConfiguration();

        Assert.True(config.LoopbackOnly);
        Assert.Equal(["stun:127.0.0.1:3478"], config.IceServers.Single().Urls);
        _ = typeof(ISignalingChannel);
    }
}
