using System.Buffers.Binary;
using System.Text;
using P2PCall.WebRtc.Sctp;

namespace P2PCall.WebRtc.DataChannels;

/// <summary>
/// The data channels of one SCTP association: stream ids by DTLS role (RFC 8832 §6: client even, server odd),
/// the Data Channel Establishment Protocol (DATA_CHANNEL_OPEN / ACK, RFC 8832 §5), and message PPIDs
/// (RFC 8831 §8). Malformed DCEP messages are dropped and counted.
/// </summary>
internal sealed class DataChannelManager
{
    public const uint PpidDcep = 50;
    public const uint PpidString = 51;
    public const uint PpidBinary = 53;
    public const uint PpidStringEmpty = 56;
    public const uint PpidBinaryEmpty = 57;
    private const byte MessageOpen = 0x03;
    private const byte MessageAck = 0x02;
    private const byte ChannelReliable = 0x00;
    private const byte ChannelPartialReliableRexmit = 0x01;
    private const byte ChannelPartialReliableTimed = 0x02;
    private const byte UnorderedBit = 0x80;

    private readonly Lock _gate = new();
    private readonly Dictionary<ushort, RTCDataChannel> _channels = [];
    private readonly List<RTCDataChannel> _unassigned = [];
    private readonly Action<Action> _raise;
    private bool _isDtlsClient;
    private ushort _firstId;

    public DataChannelManager(SctpAssociation association, Action<Action> raise)
    {
        Association = association;
        _raise = raise;
        association.MessageReceived += OnMessage;
        association.Established += OnEstablished;
        association.BytesAcknowledged += (stream, ppid, bytes) =>
        {
            if (ppid == PpidDcep)
            {
                return; // DCEP messages are not the application's: they never counted in bufferedAmount
            }

            RTCDataChannel? channel;
            lock (_gate)
            {
                _channels.TryGetValue(stream, out channel);
            }

            channel?.OnAcknowledged(bytes);
        };
        association.Aborted += reason => CloseAll(new InvalidOperationException(reason));
        association.ShutDown += () => CloseAll(null);
        association.IncomingStreamsReset += OnIncomingReset;
        association.OutgoingStreamsReset += OnOutgoingReset;
    }

    public SctpAssociation Association { get; }

    /// <summary>The peer's a=max-message-size (RFC 8841 §6; 64 KiB when it gives none).</summary>
    public int RemoteMaxMessageSize { get; set; } = 65536;

    /// <summary>Sets the DTLS role once negotiation knows it: the client takes even stream ids (RFC 8832 §6).</summary>
    public void SetRole(bool isDtlsClient)
    {
        lock (_gate)
        {
            _isDtlsClient = isDtlsClient;
            _firstId = isDtlsClient ? (ushort)0 : (ushort)1;
        }
    }

    /// <summary>DCEP messages that could not be read.</summary>
    public long MalformedMessages { get; private set; }

    /// <summary>The remote side opened a channel (DATA_CHANNEL_OPEN).</summary>
    public event Action<RTCDataChannel>? RemoteChannelOpened;

    private RTCDataChannel[] Channels
    {
        get
        {
            lock (_gate)
            {
                return [.. _channels.Values, .. _unassigned];
            }
        }
    }

    internal void Raise(Action action) => _raise(action);

    /// <summary>Creates a channel; in-band ones send DATA_CHANNEL_OPEN once the association is up.</summary>
    public RTCDataChannel Create(string label, RTCDataChannelInit options)
    {
        if (options.MaxRetransmits is not null && options.MaxPacketLifeTime is not null)
        {
            throw new ArgumentException("A data channel takes maxRetransmits or maxPacketLifeTime, not both (W3C createDataChannel step 10: TypeError).", nameof(options));
        }

        if (options.MaxRetransmits < 0 || options.MaxPacketLifeTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "maxRetransmits and maxPacketLifeTime cannot be negative.");
        }

        if (Encoding.UTF8.GetByteCount(label) > ushort.MaxValue || Encoding.UTF8.GetByteCount(options.Protocol) > ushort.MaxValue)
        {
            throw new ArgumentException("A data channel label and protocol are at most 65535 UTF-8 bytes (RFC 8832 §5.1).");
        }

        RTCDataChannel channel;
        lock (_gate)
        {
            ushort? id = options.Negotiated ? options.Id ?? throw new ArgumentException("A negotiated data channel needs an id.", nameof(options)) : null;
            channel = new RTCDataChannel(this, label, options, id);
            if (id is { } fixedId)
            {
                if (!_channels.TryAdd(fixedId, channel))
                {
                    throw new ArgumentException($"Stream id {fixedId} is in use.", nameof(options));
                }
            }
            else
            {
                _unassigned.Add(channel);
            }
        }

        if (Association.IsEstablished)
        {
            OnEstablished();
        }

        return channel;
    }

    private void OnEstablished()
    {
        List<RTCDataChannel> toOpen;
        lock (_gate)
        {
            toOpen = [.. _unassigned];
            _unassigned.Clear();
            foreach (var channel in toOpen)
            {
                // The lowest free id of our parity (RFC 8832 §6), so the ids of closed channels are used again.
                var id = _firstId;
                while (_channels.ContainsKey(id))
                {
                    id += 2;
                }

                channel.Id = id;
                _channels[id] = channel;
            }

            foreach (var negotiated in _channels.Values.Where(c => c.Negotiated))
            {
                negotiated.OnOpen();
            }
        }

        foreach (var channel in toOpen)
        {
            SendOpen(channel);
        }
    }

    private void SendOpen(RTCDataChannel channel)
    {
        var label = Encoding.UTF8.GetBytes(channel.Label);
        var protocol = Encoding.UTF8.GetBytes(channel.Protocol);
        var message = new byte[12 + label.Length + protocol.Length];
        // RFC 8832 §5.1: message type, channel type, priority, reliability parameter, label and protocol lengths.
        var (type, reliability) = channel.MaxRetransmits is { } max ? (ChannelPartialReliableRexmit, (uint)max)
            : channel.MaxPacketLifeTime is { } life ? (ChannelPartialReliableTimed, (uint)Math.Min(uint.MaxValue, life.TotalMilliseconds))
            : (ChannelReliable, 0u);
        message[0] = MessageOpen;
        message[1] = (byte)(type | (channel.Ordered ? 0 : UnorderedBit));
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), 256); // priority: normal
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), reliability);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(8), (ushort)label.Length);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(10), (ushort)protocol.Length);
        label.CopyTo(message, 12);
        protocol.CopyTo(message, 12 + label.Length);
        // RFC 8832 §6: DCEP messages are sent ordered and reliably on the channel's stream.
        SendDcep(channel, message);
    }

    /// <summary>Sends a DCEP message; an association that closed meanwhile closes the channel instead of throwing
    /// into the association's timer or receive thread.</summary>
    private void SendDcep(RTCDataChannel channel, byte[] message)
    {
        try
        {
            Association.Send(channel.Id!.Value, PpidDcep, message, ordered: true);
        }
        catch (InvalidOperationException e)
        {
            channel.OnClosed(e);
        }
    }

    private void OnMessage(ushort stream, uint ppid, byte[] data)
    {
        RTCDataChannel? channel;
        lock (_gate)
        {
            _channels.TryGetValue(stream, out channel);
        }

        switch (ppid)
        {
            case PpidDcep:
                OnDcep(stream, channel, data);
                break;
            case PpidString or 52 when channel is not null:
                channel.OnOpen(); // RFC 8832 §6: data before the ACK also opens the channel
                channel.OnMessage(RTCDataChannelMessageEventArgs.FromText(Encoding.UTF8.GetString(data)));
                break;
            case PpidStringEmpty when channel is not null:
                channel.OnOpen();
                channel.OnMessage(RTCDataChannelMessageEventArgs.FromText(string.Empty));
                break;
            case PpidBinary or 54 when channel is not null:
                channel.OnOpen();
                channel.OnMessage(RTCDataChannelMessageEventArgs.FromBinary(data));
                break;
            case PpidBinaryEmpty when channel is not null:
                channel.OnOpen();
                channel.OnMessage(RTCDataChannelMessageEventArgs.FromBinary(ReadOnlyMemory<byte>.Empty));
                break;
            default:
                MalformedMessages++;
                break;
        }
    }

    private void OnDcep(ushort stream, RTCDataChannel? existing, byte[] data)
    {
        if (data.Length >= 1 && data[0] == MessageAck && data.Length == 1)
        {
            existing?.OnOpen();
            return;
        }

        if (data.Length < 12 || data[0] != MessageOpen || existing is not null || (stream % 2 == 0) == _isDtlsClient)
        {
            MalformedMessages++; // wrong type or length, a stream already in use, or the wrong parity for the peer's role
            return;
        }

        var labelLength = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(8));
        var protocolLength = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(10));
        if (12 + labelLength + protocolLength != data.Length)
        {
            MalformedMessages++;
            return;
        }

        var type = data[1];
        var reliability = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(4));
        var kind = (byte)(type & ~UnorderedBit);
        if (kind is not (ChannelReliable or ChannelPartialReliableRexmit or ChannelPartialReliableTimed))
        {
            MalformedMessages++; // RFC 8832 §5.1: an unknown channel type
            return;
        }

        var channel = new RTCDataChannel(this, Encoding.UTF8.GetString(data, 12, labelLength), new RTCDataChannelInit
        {
            Ordered = (type & UnorderedBit) == 0,
            Protocol = Encoding.UTF8.GetString(data, 12 + labelLength, protocolLength),
            MaxRetransmits = kind == ChannelPartialReliableRexmit ? (int)Math.Min(reliability, int.MaxValue) : null,
            MaxPacketLifeTime = kind == ChannelPartialReliableTimed ? TimeSpan.FromMilliseconds(reliability) : null,
        }, stream);
        lock (_gate)
        {
            _channels[stream] = channel;
        }

        SendDcep(channel, [MessageAck]);
        // The data-channel event first, then open: what the app subscribes there sees every later event.
        _raise(() => RemoteChannelOpened?.Invoke(channel));
        channel.OnOpen();
    }

    /// <summary>
    /// Closes a channel the RFC 8831 §6.7 way: reset our outgoing stream; the peer answers by resetting its own, and
    /// the channel is closed once both directions are reset. Without RE-CONFIG at the peer it closes locally.
    /// </summary>
    internal void Close(RTCDataChannel channel)
    {
        if (channel.Id is not { } id || !Association.ResetStream(id))
        {
            Forget(channel);
            channel.OnClosed(null);
        }
    }

    /// <summary>The peer reset its outgoing streams: for each channel, reset ours in turn (closing), or finish closing.</summary>
    private void OnIncomingReset(ushort[] streams)
    {
        foreach (var stream in streams)
        {
            RTCDataChannel? channel;
            lock (_gate)
            {
                _channels.TryGetValue(stream, out channel);
            }

            if (channel is null)
            {
                continue;
            }

            channel.IncomingReset = true;
            if (channel.OutgoingReset)
            {
                Forget(channel);
                channel.OnClosed(null);
            }
            else
            {
                channel.OnClosing();
                if (!Association.ResetStream(stream))
                {
                    Forget(channel);
                    channel.OnClosed(null);
                }
            }
        }
    }

    private void OnOutgoingReset(ushort[] streams, bool performed)
    {
        if (!performed)
        {
            // The peer refused: the stream's sequence numbers were not reset, so its id must not be used again.
            foreach (var stream in streams)
            {
                RTCDataChannel? refused;
                lock (_gate)
                {
                    _channels.TryGetValue(stream, out refused);
                }

                refused?.OnClosed(new InvalidOperationException($"The peer refused to reset stream {stream} (RFC 6525); its id stays reserved."));
            }

            return;
        }

        foreach (var stream in streams)
        {
            RTCDataChannel? channel;
            lock (_gate)
            {
                _channels.TryGetValue(stream, out channel);
            }

            if (channel is null)
            {
                continue;
            }

            channel.OutgoingReset = true;
            if (channel.IncomingReset)
            {
                Forget(channel);
                channel.OnClosed(null);
            }
        }
    }

    /// <summary>Frees the channel's stream id for reuse (RFC 8831 §6.7).</summary>
    private void Forget(RTCDataChannel channel)
    {
        lock (_gate)
        {
            if (channel.Id is { } id && _channels.TryGetValue(id, out var current) && current == channel)
            {
                _channels.Remove(id);
            }

            _unassigned.Remove(channel);
        }
    }

    private void CloseAll(Exception? error)
    {
        foreach (var channel in Channels)
        {
            channel.OnClosed(error);
        }
    }
}
