namespace P2PCall.WebRtc;

/// <summary>A local ICE candidate, or the end of gathering (W3C RTCPeerConnectionIceEvent).</summary>
/// <param name="candidate">The candidate; null when gathering has finished.</param>
public sealed class RTCPeerConnectionIceEventArgs(RTCIceCandidateInit? candidate) : EventArgs
{
    /// <summary>The candidate; null when gathering has finished.</summary>
    public RTCIceCandidateInit? Candidate { get; } = candidate;
}

/// <summary>A remote track arrived (W3C RTCTrackEvent).</summary>
/// <param name="track">The remote track.</param>
/// <param name="streams">The remote streams the track belongs to (empty when the sender named none).</param>
/// <param name="mid">The mid of the transceiver that carries it.</param>
public sealed class RTCTrackEventArgs(IMediaStreamTrack track, IReadOnlyList<MediaStream> streams, string? mid) : EventArgs
{
    /// <summary>The remote track.</summary>
    public IMediaStreamTrack Track { get; } = track;

    /// <summary>The remote streams the track belongs to.</summary>
    public IReadOnlyList<MediaStream> Streams { get; } = streams;

    /// <summary>The mid of the transceiver that carries the track.</summary>
    public string? Mid { get; } = mid;
}

/// <summary>The remote side opened a data channel (W3C RTCDataChannelEvent).</summary>
/// <param name="channel">The new channel.</param>
public sealed class RTCDataChannelEventArgs(IDataChannel channel) : EventArgs
{
    /// <summary>The new channel.</summary>
    public IDataChannel Channel { get; } = channel;
}

/// <summary>A data channel message (W3C MessageEvent): text or binary.</summary>
public sealed class RTCDataChannelMessageEventArgs : EventArgs
{
    private RTCDataChannelMessageEventArgs(string? text, ReadOnlyMemory<byte> data)
    {
        Text = text;
        Data = data;
    }

    /// <summary>The text of a text message; null for a binary one.</summary>
    public string? Text { get; }

    /// <summary>The bytes of a binary message; empty for a text one.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Whether the message is binary.</summary>
    public bool IsBinary => Text is null;

    /// <summary>Creates a text message event.</summary>
    /// <param name="text">The text.</param>
    public static RTCDataChannelMessageEventArgs FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new RTCDataChannelMessageEventArgs(text, ReadOnlyMemory<byte>.Empty);
    }

    /// <summary>Creates a binary message event.</summary>
    /// <param name="data">The bytes; the event keeps the reference.</param>
    public static RTCDataChannelMessageEventArgs FromBinary(ReadOnlyMemory<byte> data) => new(null, data);
}

/// <summary>An error raised by a WebRTC object (W3C RTCErrorEvent).</summary>
/// <param name="error">The error.</param>
public sealed class RTCErrorEventArgs(Exception error) : EventArgs
{
    /// <summary>The error.</summary>
    public Exception Error { get; } = error;
}
