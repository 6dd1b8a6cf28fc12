using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using P2PCall.Core.Internal;
using P2PCall.WebRtc;

namespace P2PCall.Core.DependencyInjection;

/// <summary>
/// Runs <see cref="RTCPeerConnectionWarmUp"/> in the background when the host starts (unless
/// <see cref="P2PCallOptions.WarmUpOnStart"/> is off or another peer connection factory is registered); start-up does
/// not wait for it.
/// </summary>
internal sealed class P2PCallWarmUpService(IOptions<P2PCallOptions> options, IPeerConnectionFactory factory, TimeProvider time, ILogger<P2PCallWarmUpService> logger) : IHostedService
{
    private Task _warmUp = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.WarmUpOnStart && factory is RTCPeerConnectionFactory)
        {
            _warmUp = Task.Run(WarmUpAsync, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) =>
        await _warmUp.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    private async Task WarmUpAsync()
    {
        var started = time.GetTimestamp();
        try
        {
            await RTCPeerConnectionWarmUp.RunAsync().ConfigureAwait(false);
            Log.WarmUpDone(logger, time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.WarmUpFailed(logger, e);
        }
    }
}
