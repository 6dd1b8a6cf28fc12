namespace P2PCall.WebRtc.Tests.PeerConnection;

public class WarmUpTests
{
    [Fact]
    public async Task Warm_up_runs_a_whole_loopback_call_once_per_process()
    {
        var first = RTCPeerConnectionWarmUp.RunAsync();
        var second = RTCPeerConnectionWarmUp.RunAsync();

        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(60));
        await RTCPeerConnectionWarmUp.RunAsync().WaitAsync(TimeSpan.FromSeconds(1)); // already done: completes at once
    }
}
