using Microsoft.Extensions.DependencyInjection;
using P2PCall.Core.Calls;
using P2PCall.Core.Tests.Fakes;
using P2PCall.Signaling.InMemory;
using P2PCall.WebRtc;
using P2PCall.WebRtc.Media;

namespace P2PCall.Core.Tests;

/// <summary>
/// The seed's call on the real stack: AddP2PCall + in-memory signaling, our RTCPeerConnection over loopback UDP
/// (ICE, DTLS, SRTP, SCTP), a tone as the microphone, a test pattern as the camera, and the "chat" channels both ways.
/// </summary>
public class RealStackCallTests
{
    private static ServiceProvider Build(InMemorySignalingHub hub, string user)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IMediaDevices>(new MediaDevices());
        services.AddP2PCall(o =>
        {
            o.LoopbackOnly = true;
        }).AddInMemorySignaling(o =>
        {
            o.UserId = user;
            o.Hub = hub;
        });
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Caller_and_callee_connect_hear_audio_and_chat_both_ways()
    {
        var hub = new InMemorySignalingHub();
        await using var a = Build(hub, "A");
        await using var b = Build(hub, "B");
        var clientA = a.GetRequiredService<ICallClient>();
        var clientB = b.GetRequiredService<ICallClient>();
        await clientA.StartAsync();
        await clientB.StartAsync();
        var chatAtB = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var chatAtA = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var audioAtA = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var videoAtA = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        clientB.IncomingCall += (_, e) =>
        {
            e.Session.DataChannelReceived += (_, d) => d.Channel.Message += (_, m) => chatAtB.TrySetResult(m.Text!);
            _ = e.Session.AcceptAsync();
        };

        var caller = await clientA.CallAsync("B", s =>
        {
            s.DataChannelReceived += (_, d) => d.Channel.Message += (_, m) => chatAtA.TrySetResult(m.Text!);
            s.RemoteTrack += (_, t) => ((RemoteMediaStreamTrack)t.Track).RtpReceived += (_, _) =>
                (t.Track.Kind == MediaKind.Audio ? audioAtA : videoAtA).TrySetResult();
        });
        await caller.WaitForConnectedAsync().WaitAsync(CallPair.Deadline);
        var callee = Assert.IsType<CalleeSession>(clientB.ActiveCall);
        await callee.WaitForConnectedAsync().WaitAsync(CallPair.Deadline);
        await WhenOpen(caller.ChatChannel!);
        await WhenOpen(callee.ChatChannel!);

        caller.ChatChannel!.Send("hello B");
        callee.ChatChannel!.Send("hello A");

        Assert.Equal("hello B", await chatAtB.Task.WaitAsync(CallPair.Deadline));
        Assert.Equal("hello A", await chatAtA.Task.WaitAsync(CallPair.Deadline));
        await audioAtA.Task.WaitAsync(CallPair.Deadline); // B's tone reaches A as authenticated Opus RTP
        await videoAtA.Task.WaitAsync(CallPair.Deadline); // and B's test pattern as VP8
        await caller.HangupAsync();
        Assert.Equal(CallEndReason.RemoteHangup, (await callee.Completion.WaitAsync(CallPair.Deadline)).Reason);
    }

    [Fact]
    public async Task A_message_sent_the_moment_a_channel_opens_reaches_a_handler_subscribed_in_DataChannelReceived()
    {
        var hub = new InMemorySignalingHub();
        await using var a = Build(hub, "A");
        await using var b = Build(hub, "B");
        var clientA = a.GetRequiredService<ICallClient>();
        var clientB = b.GetRequiredService<ICallClient>();
        await clientA.StartAsync();
        await clientB.StartAsync();
        var first = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var accepted = new TaskCompletionSource<CallSession>(TaskCreationOptions.RunContinuationsAsynchronously);
        clientB.IncomingCall += async (_, e) =>
        {
            await e.Session.AcceptAsync();
            // B sends in its channel's Open handler: the message can reach A together with the channel itself.
            e.Session.ChatChannel!.Open += (_, _) => e.Session.ChatChannel.Send("first words");
            accepted.TrySetResult(e.Session);
        };

        var caller = await clientA.CallAsync("B", s => s.DataChannelReceived += (_, d) => d.Channel.Message += (_, m) => first.TrySetResult(m.Text!));

        await accepted.Task.WaitAsync(CallPair.Deadline);
        Assert.Equal("first words", await first.Task.WaitAsync(CallPair.Deadline));
        await caller.HangupAsync();
    }

    private static Task WhenOpen(IDataChannel channel)
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.Open += (_, _) => open.TrySetResult();
        if (channel.ReadyState == RTCDataChannelState.Open)
        {
            open.TrySetResult();
        }

        return open.Task.WaitAsync(CallPair.Deadline);
    }
}
