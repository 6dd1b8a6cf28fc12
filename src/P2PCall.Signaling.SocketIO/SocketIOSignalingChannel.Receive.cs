using System.Text.Json;
using P2PCall.Core.Signaling;
using SocketIOClient;

namespace P2PCall.Signaling.SocketIO;

/// <summary>The receive side: SocketIOClient's handlers only queue; one loop of our own parses and raises.</summary>
public sealed partial class SocketIOSignalingChannel
{
    private void OnSocketEvent(string eventName, SocketIOResponse response)
    {
        // Runs on SocketIOClient's thread: copy the payload and return at once.
        JsonElement? payload = null;
        try
        {
            if (response.Count > 0)
            {
                payload = response.GetValue(0).Clone();
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            payload = null;
        }

        _inbox.Writer.TryWrite(new Inbound(eventName, payload, null));
    }

    private async Task ReceiveLoopAsync()
    {
        _onReceiveLoop.Value = true;
        var stop = _stop.Token;
        try
        {
            await foreach (var item in _inbox.Reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                if (stop.IsCancellationRequested)
                {
                    return; // disposed, possibly from a handler of the previous item: raise nothing more
                }

                Raise(item);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private void Raise(Inbound item)
    {
        try
        {
            if (item.Connection is { } change)
            {
                ConnectionChanged?.Invoke(this, change);
                return;
            }

            var eventName = item.EventName!;
            try
            {
                if (item.Payload is not { } payload)
                {
                    throw new SignalingFormatException(eventName, "the event carries no payload");
                }

                if (eventName == SignalingEvents.RelayError)
                {
                    SignalingRelayException relayError;
                    try
                    {
                        relayError = ReadRelayError(payload);
                    }
                    catch (InvalidOperationException ex)
                    {
                        throw new SignalingFormatException(eventName, "a string cannot be read: " + ex.Message, ex);
                    }

                    ErrorReceived?.Invoke(this, new SignalingErrorEventArgs(relayError));
                }
                else
                {
                    MessageReceived?.Invoke(this, new SignalingMessageEventArgs(SignalingJson.Read(eventName, payload)));
                }
            }
            catch (SignalingFormatException formatError)
            {
                Interlocked.Increment(ref _malformed);
                Log.Malformed(_logger, LocalUserId, eventName, formatError);
                ErrorReceived?.Invoke(this, new SignalingErrorEventArgs(formatError));
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A throwing handler must not stop delivery of the next message; handlers should not throw.
            Log.HandlerThrew(_logger, LocalUserId, ex);
        }
    }

    /// <summary>Reads the reference server's <c>{ targetUid, event, reason }</c>.</summary>
    private static SignalingRelayException ReadRelayError(JsonElement payload)
    {
        const string name = SignalingEvents.RelayError;
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new SignalingFormatException(name, $"expected a JSON object, got {payload.ValueKind}");
        }

        static string? Text(JsonElement obj, string property) =>
            obj.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        var eventName = Text(payload, "event") ?? throw new SignalingFormatException(name, "'event' must be a string");
        var reason = Text(payload, "reason") ?? throw new SignalingFormatException(name, "'reason' must be a string");
        return new SignalingRelayException(Text(payload, "targetUid") ?? string.Empty, eventName, reason);
    }

    /// <summary>A received event (payload copied off SocketIOClient's thread) or a change of the connection.</summary>
    private sealed record Inbound(string? EventName, JsonElement? Payload, SignalingConnectionChangedEventArgs? Connection);
}
