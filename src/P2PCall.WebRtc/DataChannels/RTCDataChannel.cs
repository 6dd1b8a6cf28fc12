using System.Text;

namespace P2PCall.WebRtc.DataChannels;

/// <summary>
/// A WebRTC data channel (W3C RTCDataChannel, RFC 8831) on one SCTP stream. Events are raised on the owning
/// connection's event queue, so a handler may send or close.
/// </summary>
public sealed class RTCDataChannel : IDataChannel
{
    private readonly DataChannelManager _owner;
    private long _bufferedAmount;
    private RTCDataChannelState _state;

    internal RTCDataChannel(DataChannelManager owner, string label, RTCDataChannelInit options, ushort? id)
    {
        _owner = owner;
        Label = label;
        Protocol = options.Protocol;
        Ordered = options.Ordered;
        MaxRetransmits = options.MaxRetransmits;
        MaxPacketLifeTime = options.MaxPacketLifeTime;
        Negotiated = options.Negotiated;
        Id = id;
        _state = RTCDataChannelState.Connecting;
    }

    /// <inheritdoc />
    public string Label { get; }

    /// <inheritdoc />
    public string Protocol { get; }

    /// <inheritdoc />
    public ushort? Id { get; internal set; }

    /// <inheritdoc />
    public bool Ordered { get; }

    /// <inheritdoc />
    public int? MaxRetransmits { get; }

    /// <inheritdoc />
    public TimeSpan? MaxPacketLifeTime { get; }

    /// <inheritdoc />
    public bool Negotiated { get; }

    /// <inheritdoc />
    public RTCDataChannelState ReadyState => _state;

    /// <summary>Bytes accepted by <see cref="Send(string)"/> that the peer has not acknowledged yet.</summary>
    public long BufferedAmount => Interlocked.Read(ref _bufferedAmount);

    /// <inheritdoc />
    public long BufferedAmountLowThreshold { get; set; }

    /// <inheritdoc />
    public event EventHandler? Open;

    /// <inheritdoc />
    public event EventHandler<RTCDataChannelMessageEventArgs>? Message;

    /// <inheritdoc />
    public event EventHandler? BufferedAmountLow;

    /// <inheritdoc />
    public event EventHandler? Closed;

    /// <inheritdoc />
    public event EventHandler<RTCErrorEventArgs>? Error;

    /// <inheritdoc />
    /// <exception cref="InvalidStateException">The channel is not open.</exception>
    /// <exception cref="ArgumentException">The message is larger than the peer's maximum message size.</exception>
    public void Send(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var bytes = Encoding.UTF8.GetBytes(message);
        // RFC 8831 §8: PPID 51 for text, 56 for an empty text message.
        SendCore(bytes, bytes.Length == 0 ? DataChannelManager.PpidStringEmpty : DataChannelManager.PpidString);
    }

    /// <inheritdoc />
    public void Send(ReadOnlySpan<byte> message) =>
        SendCore(message, message.IsEmpty ? DataChannelManager.PpidBinaryEmpty : DataChannelManager.PpidBinary);

    /// <inheritdoc />
    public void Close()
    {
        if (_state is RTCDataChannelState.Closing or RTCDataChannelState.Closed)
        {
            return;
        }

        // W3C closing procedure: closing now, closed once both stream directions are reset (RFC 8831 §6.7).
        _state = RTCDataChannelState.Closing;
        _owner.Close(this);
    }

    /// <summary>Our outgoing stream was reset (RFC 6525).</summary>
    internal bool OutgoingReset { get; set; }

    /// <summary>The peer's outgoing stream (our incoming) was reset.</summary>
    internal bool IncomingReset { get; set; }

    internal void OnClosing()
    {
        if (_state is RTCDataChannelState.Connecting or RTCDataChannelState.Open)
        {
            _state = RTCDataChannelState.Closing;
        }
    }

    internal void OnOpen()
    {
        if (_state != RTCDataChannelState.Connecting)
        {
            return;
        }

        _state = RTCDataChannelState.Open;
        _owner.Raise(() => Open?.Invoke(this, EventArgs.Empty));
    }

    internal void OnMessage(RTCDataChannelMessageEventArgs message) => _owner.Raise(() => Message?.Invoke(this, message));

    internal void OnAcknowledged(int bytes)
    {
        var before = Interlocked.Read(ref _bufferedAmount);
        var after = Interlocked.Add(ref _bufferedAmount, -bytes);
        if (before > BufferedAmountLowThreshold && after <= BufferedAmountLowThreshold)
        {
            _owner.Raise(() => BufferedAmountLow?.Invoke(this, EventArgs.Empty));
        }
    }

    internal void OnClosed(Exception? error)
    {
        if (_state == RTCDataChannelState.Closed)
        {
            return;
        }

        _state = RTCDataChannelState.Closed;
        if (error is not null)
        {
            _owner.Raise(() => Error?.Invoke(this, new RTCErrorEventArgs(error)));
        }

        _owner.Raise(() => Closed?.Invoke(this, EventArgs.Empty));
    }

    private void SendCore(ReadOnlySpan<byte> data, uint ppid)
    {
        if (_state != RTCDataChannelState.Open || Id is not { } id)
        {
            throw new InvalidStateException($"Data channel '{Label}' is {_state}, not open (W3C InvalidStateError).");
        }

        if (data.Length > _owner.RemoteMaxMessageSize)
        {
            throw new ArgumentException($"The message of {data.Length} bytes exceeds the peer's max-message-size {_owner.RemoteMaxMessageSize} (RFC 8841 §6).", nameof(data));
        }

        Interlocked.Add(ref _bufferedAmount, Math.Max(1, data.Length));
        // An empty message still travels as one byte with the "empty" PPID (RFC 8831 §6.6).
        try
        {
            _owner.Association.Send(id, ppid, data.IsEmpty ? [0] : data, Ordered, MaxRetransmits, MaxPacketLifeTime);
        }
        catch (InvalidOperationException e)
        {
            Interlocked.Add(ref _bufferedAmount, -Math.Max(1, data.Length));
            throw new InvalidStateException($"Data channel '{Label}' cannot send: {e.Message}", e);
        }
    }
}
