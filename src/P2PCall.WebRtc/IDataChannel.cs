namespace P2PCall.WebRtc;

/// <summary>Options of a new data channel (W3C RTCDataChannelInit, RFC 8831 §6.1).</summary>
public sealed class RTCDataChannelInit
{
    /// <summary>Deliver messages in order (the default).</summary>
    public bool Ordered { get; init; } = true;

    /// <summary>Give up on a message after this long (partial reliability, RFC 3758); null for none.</summary>
    public TimeSpan? MaxPacketLifeTime { get; init; }

    /// <summary>Give up on a message after this many retransmissions; null for none.</summary>
    public int? MaxRetransmits { get; init; }

    /// <summary>The sub-protocol name.</summary>
    public string Protocol { get; init; } = string.Empty;

    /// <summary>The application negotiates the channel itself (no DCEP) and gives <see cref="Id"/>.</summary>
    public bool Negotiated { get; init; }

    /// <summary>The SCTP stream id of a negotiated channel.</summary>
    public ushort? Id { get; init; }
}

/// <summary>A bidirectional message channel to the remote peer (W3C RTCDataChannel, RFC 8831).</summary>
/// <remarks>Events are raised on the owning connection's event dispatcher; a handler may close the channel.</remarks>
public interface IDataChannel
{
    /// <summary>The channel's label, for example <c>chat</c>.</summary>
    string Label { get; }

    /// <summary>The sub-protocol name.</summary>
    string Protocol { get; }

    /// <summary>The SCTP stream id, null until it is assigned.</summary>
    ushort? Id { get; }

    /// <summary>Whether messages are delivered in order.</summary>
    bool Ordered { get; }

    /// <summary>The retransmission limit, if any.</summary>
    int? MaxRetransmits { get; }

    /// <summary>The lifetime limit, if any.</summary>
    TimeSpan? MaxPacketLifeTime { get; }

    /// <summary>Whether the channel was negotiated by the application.</summary>
    bool Negotiated { get; }

    /// <summary>The channel's state.</summary>
    RTCDataChannelState ReadyState { get; }

    /// <summary>Bytes queued for sending and not yet handed to the transport.</summary>
    long BufferedAmount { get; }

    /// <summary><see cref="BufferedAmountLow"/> is raised when <see cref="BufferedAmount"/> falls to this value or below.</summary>
    long BufferedAmountLowThreshold { get; set; }

    /// <summary>The channel opened.</summary>
    event EventHandler? Open;

    /// <summary>A message arrived.</summary>
    event EventHandler<RTCDataChannelMessageEventArgs>? Message;

    /// <summary>The buffered amount fell to the threshold.</summary>
    event EventHandler? BufferedAmountLow;

    /// <summary>The channel closed.</summary>
    event EventHandler? Closed;

    /// <summary>The channel failed.</summary>
    event EventHandler<RTCErrorEventArgs>? Error;

    /// <summary>Sends a text message.</summary>
    /// <param name="message">The text.</param>
    void Send(string message);

    /// <summary>Sends a binary message.</summary>
    /// <param name="message">The bytes.</param>
    void Send(ReadOnlySpan<byte> message);

    /// <summary>Closes the channel; idempotent.</summary>
    void Close();
}
