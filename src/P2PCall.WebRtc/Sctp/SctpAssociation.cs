using System.Buffers.Binary;
using System.Security.Cryptography;

namespace P2PCall.WebRtc.Sctp;

/// <summary>
/// An SCTP association over DTLS (RFC 8261, RFC 9260): four-way setup with an HMAC'd state cookie (§5.1),
/// DATA with fragmentation and reassembly (§6.9), ordered and unordered delivery (§6.6), SACK with gap blocks
/// sent for every packet that carries DATA (§6.2, no delayed-ack stall), retransmission on T3-rtx with RTO
/// estimation and backoff (§6.3), slow start and congestion avoidance (§7.2), and fast retransmit after three
/// miss indications with cwnd = ssthresh (§7.2.4). One lock guards the state; packets leave through the send
/// delegate and messages are handed out after the lock is released.
/// </summary>
/// <remarks>Not yet: partial reliability (RFC 3758), stream reset (RFC 6525), heartbeats, graceful SHUTDOWN.</remarks>
internal sealed partial class SctpAssociation : IDisposable
{
    public const int Mtu = 1200;
    private const int MaxDataPerChunk = Mtu - SctpPacket.CommonHeaderLength - SctpPacket.ChunkHeaderLength - 12;
    private const uint LocalWindow = 4 * 1024 * 1024;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);

    private readonly Lock _gate = new();
    private readonly Action<ReadOnlySpan<byte>> _send;
    private readonly TimeProvider _time;
    private readonly byte[] _cookieKey = RandomNumberGenerator.GetBytes(32);
    private readonly uint _myTag = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);
    private readonly uint _myInitialTsn = (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
    private readonly ITimer _timer;
    private readonly List<Action> _deliveries = [];
    private State _state = State.Closed;
    private uint _peerTag;
    private long _setupDeadline;
    private int _setupAttempts;

    public SctpAssociation(Action<ReadOnlySpan<byte>> send, ushort localPort, int maxMessageSize, TimeProvider timeProvider)
    {
        _send = send;
        LocalPort = localPort;
        RemotePort = localPort;
        MaxMessageSize = maxMessageSize;
        _time = timeProvider;
        _nextTsn = _myInitialTsn;
        _timer = _time.CreateTimer(_ => OnTick(), null, Tick, Tick);
    }

    private enum State
    {
        Closed,
        CookieWait,
        CookieEchoed,
        Established,
        Aborted,
    }

    public bool IsClient { get; private set; }

    public ushort LocalPort { get; }

    public ushort RemotePort { get; private set; }

    public int MaxMessageSize { get; }

    public bool IsEstablished
    {
        get
        {
            lock (_gate)
            {
                return _state == State.Established;
            }
        }
    }

    /// <summary>Packets dropped: bad checksum, wrong verification tag, malformed chunks.</summary>
    public long PacketsDropped { get; private set; }

    /// <summary>The association is up. Raised outside the lock.</summary>
    public event Action? Established;

    /// <summary>The peer aborted, or setup gave up. Raised outside the lock.</summary>
    public event Action? Aborted;

    /// <summary>A whole message arrived (stream, PPID, bytes). Raised outside the lock, in delivery order.</summary>
    public event Action<ushort, uint, byte[]>? MessageReceived;

    /// <summary>Bytes of a stream were acknowledged by the peer (for bufferedAmount). Raised outside the lock.</summary>
    public event Action<ushort, int>? BytesAcknowledged;

    /// <summary>Starts once DTLS is up: the DTLS client sends INIT (RFC 8261 §5), the server waits for it.</summary>
    /// <param name="isClient">Whether this side is the DTLS client.</param>
    /// <param name="remotePort">The peer's a=sctp-port (RFC 8841 §5).</param>
    public void Start(bool isClient, ushort remotePort)
    {
        lock (_gate)
        {
            IsClient = isClient;
            RemotePort = remotePort;
            if (_state != State.Closed || !isClient)
            {
                return;
            }

            _state = State.CookieWait;
            SendInit();
        }
    }

    /// <summary>Handles one SCTP packet carried by DTLS.</summary>
    public void OnPacket(ReadOnlySpan<byte> packet)
    {
        lock (_gate)
        {
            ProcessPacket(packet);
        }

        Deliver();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_state is State.Established or State.CookieEchoed)
            {
                // RFC 9260 §9.1: ABORT ends the association at once.
                Span<byte> packet = stackalloc byte[SctpPacket.CommonHeaderLength + SctpPacket.ChunkHeaderLength];
                var end = SctpPacket.WriteChunk(packet, SctpPacket.CommonHeaderLength, SctpChunkType.Abort, 0, []);
                SendPacket(packet[..end], _peerTag);
            }

            _state = State.Aborted;
        }

        _timer.Dispose();
    }

    private void ProcessPacket(ReadOnlySpan<byte> packet)
    {
        if (!SctpPacket.TryReadHeader(packet, out _, out _, out var tag))
        {
            PacketsDropped++;
            return;
        }

        var reader = new SctpPacket.ChunkReader(packet);
        var first = true;
        var sawData = false;
        while (reader.MoveNext())
        {
            var chunk = reader.Current;
            // RFC 9260 §8.5: INIT carries tag 0; everything else our tag (ABORT with T bit: the peer's own).
            var tagOk = chunk.Type == SctpChunkType.Init ? tag == 0 && first
                : chunk.Type == SctpChunkType.Abort && (chunk.Flags & 1) == 1 ? tag == _peerTag
                : tag == _myTag;
            first = false;
            if (!tagOk)
            {
                PacketsDropped++;
                return;
            }

            switch (chunk.Type)
            {
                case SctpChunkType.Init:
                    OnInit(chunk.Value);
                    return; // RFC 9260 §6.10: INIT is bundled with nothing
                case SctpChunkType.InitAck:
                    OnInitAck(chunk.Value);
                    break;
                case SctpChunkType.CookieEcho:
                    OnCookieEcho(chunk.Value);
                    break;
                case SctpChunkType.CookieAck:
                    if (_state == State.CookieEchoed)
                    {
                        BecomeEstablished();
                    }

                    break;
                case SctpChunkType.Data when _state == State.Established:
                    OnData(chunk.Flags, chunk.Value);
                    sawData = true;
                    break;
                case SctpChunkType.Sack when _state == State.Established:
                    OnSack(chunk.Value);
                    break;
                case SctpChunkType.Heartbeat:
                    Reply(SctpChunkType.HeartbeatAck, chunk.Value);
                    break;
                case SctpChunkType.Abort:
                    _state = State.Aborted;
                    _deliveries.Add(() => Aborted?.Invoke());
                    return;
                default:
                    // RFC 9260 §3.2: unknown types whose top bits say "skip" are skipped; the rest too (we report nothing).
                    break;
            }
        }

        if (reader.Malformed)
        {
            PacketsDropped++;
        }

        if (sawData)
        {
            SendSack();
        }

        Pump();
    }

    private void Reply(SctpChunkType type, ReadOnlySpan<byte> value)
    {
        var packet = new byte[SctpPacket.CommonHeaderLength + SctpPacket.ChunkHeaderLength + value.Length + 3];
        var end = SctpPacket.WriteChunk(packet, SctpPacket.CommonHeaderLength, type, 0, value);
        SendPacket(packet.AsSpan(0, end), _peerTag);
    }

    private void SendPacket(Span<byte> packet, uint tag)
    {
        SctpPacket.Seal(packet, LocalPort, RemotePort, tag);
        _send(packet);
    }

    private void BecomeEstablished()
    {
        _state = State.Established;
        _deliveries.Add(() => Established?.Invoke());
    }

    private void Deliver()
    {
        Action[] work;
        lock (_gate)
        {
            if (_deliveries.Count == 0)
            {
                return;
            }

            work = [.. _deliveries];
            _deliveries.Clear();
        }

        foreach (var action in work)
        {
            action();
        }
    }

    private void OnTick()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (_state is State.CookieWait or State.CookieEchoed && now >= _setupDeadline)
            {
                // RFC 9260 §5.1: T1-init / T1-cookie retransmission, bounded.
                if (++_setupAttempts > 8)
                {
                    _state = State.Aborted;
                    _deliveries.Add(() => Aborted?.Invoke());
                }
                else if (_state == State.CookieWait)
                {
                    SendInit();
                }
                else
                {
                    SendCookieEcho();
                }
            }

            if (_state == State.Established)
            {
                OnRetransmissionTimer(now);
            }
        }

        Deliver();
    }

    private static bool After(uint a, uint b) => (int)(a - b) > 0; // RFC 1982 serial arithmetic on TSNs

    private static void WriteInitValue(Span<byte> value, uint tag, uint window, uint initialTsn)
    {
        BinaryPrimitives.WriteUInt32BigEndian(value, tag);
        BinaryPrimitives.WriteUInt32BigEndian(value[4..], window);
        BinaryPrimitives.WriteUInt16BigEndian(value[8..], ushort.MaxValue); // outbound streams
        BinaryPrimitives.WriteUInt16BigEndian(value[10..], ushort.MaxValue); // inbound streams
        BinaryPrimitives.WriteUInt32BigEndian(value[12..], initialTsn);
    }
}
