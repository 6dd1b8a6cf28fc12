using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using P2PCall.Core.Signaling;

namespace P2PCall.Signaling.SocketIO.Tests;

public sealed class SocketIOSignalingRegistrationTests
{
    [Fact]
    public async Task AddSocketIOSignaling_registers_the_socket_io_channel_with_the_options()
    {
        var services = new ServiceCollection();
        services.AddP2PCall().AddSocketIOSignaling(o =>
        {
            o.ServerUri = new Uri("http://127.0.0.1:3000");
            o.UserId = "A";
        });
        await using var provider = services.BuildServiceProvider();

        var channel = Assert.IsType<SocketIOSignalingChannel>(provider.GetRequiredService<ISignalingChannel>());
        Assert.Equal("A", channel.LocalUserId);
        Assert.False(channel.IsConnected);
    }

    [Fact]
    public async Task AddSocketIOSignaling_does_not_replace_a_channel_the_app_registered()
    {
        var mine = NSubstitute.Substitute.For<ISignalingChannel>();
        var services = new ServiceCollection();
        services.AddSingleton(mine);
        services.AddP2PCall().AddSocketIOSignaling(o =>
        {
            o.ServerUri = new Uri("http://127.0.0.1:3000");
            o.UserId = "A";
        });
        await using var provider = services.BuildServiceProvider();

        Assert.Same(mine, provider.GetRequiredService<ISignalingChannel>());
    }

    [Fact]
    public async Task Invalid_options_fail_validation()
    {
        var services = new ServiceCollection();
        services.AddP2PCall().AddSocketIOSignaling(o => o.UserId = "A");
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SocketIOSignalingOptions>>().Value);
        Assert.Contains("ServerUri", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> InvalidOptions => ["no-uri", "ftp", "no-user", "no-query-name", "zero-connect-timeout", "max-below-delay", "zero-queue", "zero-send-timeout"];

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Channel_refuses_invalid_options(string problem)
    {
        var options = new SocketIOSignalingOptions { ServerUri = new Uri("http://127.0.0.1:3000"), UserId = "A" };
        switch (problem)
        {
            case "no-uri": options.ServerUri = null; break;
            case "ftp": options.ServerUri = new Uri("ftp://127.0.0.1/"); break;
            case "no-user": options.UserId = ""; break;
            case "no-query-name": options.UserIdQueryName = ""; break;
            case "zero-connect-timeout": options.ConnectTimeout = TimeSpan.Zero; break;
            case "max-below-delay": options.ReconnectDelayMax = TimeSpan.FromMilliseconds(1); break;
            case "zero-queue": options.SendQueueLimit = 0; break;
            case "zero-send-timeout": options.SendTimeout = TimeSpan.Zero; break;
        }

        Assert.Throws<ArgumentException>(() => new SocketIOSignalingChannel(options));
    }
}
