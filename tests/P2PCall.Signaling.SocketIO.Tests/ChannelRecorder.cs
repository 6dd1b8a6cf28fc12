using System.Threading.Channels;
using P2PCall.Core.Signaling;

namespace P2PCall.Signaling.SocketIO.Tests;

/// <summary>Records what a channel raises, in order, for tests to await.</summary>
internal sealed class ChannelRecorder
{
    private readonly Channel<object> _events = Channel.CreateUnbounded<object>();

    public ChannelRecorder(SocketIOSignalingChannel channel)
    {
        channel.MessageReceived += (_, e) => _events.Writer.TryWrite(e.Message);
        channel.ErrorReceived += (_, e) => _events.Writer.TryWrite(e.Error);
        channel.ConnectionChanged += (_, e) => _events.Writer.TryWrite(e);
    }

    /// <summary>The next raised item of type <typeparamref name="T"/>; items of other types are skipped.</summary>
    public async Task<T> NextAsync<T>(Func<T, bool>? filter = null)
    {
        using var timeout = new CancellationTokenSource(NodeProcess.Deadline);
        while (true)
        {
            var item = await _events.Reader.ReadAsync(timeout.Token);
            if (item is T match && (filter is null || filter(match)))
            {
                return match;
            }
        }
    }

    /// <summary>The next raised message or error (connection changes skipped).</summary>
    public async Task<object> NextSignalAsync()
    {
        using var timeout = new CancellationTokenSource(NodeProcess.Deadline);
        while (true)
        {
            var item = await _events.Reader.ReadAsync(timeout.Token);
            if (item is SignalingMessage or SignalingException)
            {
                return item;
            }
        }
    }
}
