using System.Buffers.Binary;
using System.Security.Cryptography;

namespace P2PCall.WebRtc.Sctp;

/// <summary>
/// An SCTP association over DTLS (RFC 8261, RFC 9260): setup with an HMAC'd state cookie (§5.1), DATA with
/// fragmentation, reassembly and bundling (§6.9, §6.10), ordered and unordered delivery (§6.6), SACK with gap
/// blocks (§6.2), retransmission on T3-rtx with RTO estimation and backoff (§6.3), congestion control with fast
/// retransmit and fast recovery (§7.2), heartbeats (§8.3), graceful SHUTDOWN and ABORT (§9), partial
/// reliability (RFC 3758) and stream reset (RFC 6525).
/// </summary>
/// <remarks>
/// Sans-I/O: packets arrive through <see cref="OnPacket"/>, leave through the send delegate, and time is read
/// from the injected <see cref="TimeProvider"/>. One lock guards the state; events are raised after it is
/// released, in order, so a handler may send, reset or close.
/// </remarks>
internal sealed partial class SctpAssociation : IDisposable
{
    private const int DataChunkHeaderLength = SctpPacket.ChunkHeaderLength + 12;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);

    private readonly Lock _gate = new();
    private readonly Action<ReadOnlySpan<byte>> _send;
    private readonly TimeProvider _time;
    private readonly SctpAssociationOptions _options;
    private readonly byte[] _cookieKey = RandomNumberGenerator.GetBytes(32);
    private readonly uint _myTag = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);
    private readonly uint _myInitialTsn = (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
    private readonly ITimer _timer;
    private readonly List<Action> _deliveries = [];
    private readonly byte[] _packet = new byte[SctpAssociationOptions.LargestPathMtu];
    private State _state = State.Closed;
    private uint _peerTag;
    private long _setupDeadline;
    private int _setupAttempts;
    private int _errorCount;

    public SctpAssociation(Action<ReadOnlySpan<byte>> send, ushort localPort, int maxMessageSize, TimeProvider timeProvider, SctpAssociationOptions? options = null)
    {
        _send = send;
        LocalPort = localPort;
        RemotePort = localPort;
        MaxMessageSize = maxMessageSize;
        _time = timeProvider;
        _options = options ?? new SctpAssociationOptions();
        _rto = _options.RtoInitial;
        _nextTsn = _myInitialTsn;
        _lastCumulativeAck = _myInitialTsn - 1;
        _advancedPeerAckPoint = _myInitialTsn - 1;
        _nextReconfigRequest = _myInitialTsn; // RFC 6525 §5.1.1: the first request sequence number is the initial TSN
        _timer = _time.CreateTimer(_ => OnTick(), null, Tick, Tick);
    }

    private enum State
    {
        Closed,
        CookieWait,
        CookieEchoed,
        Established,
        ShutdownPending,
        ShutdownSent,
        ShutdownReceived,
        ShutdownAckSent,
        ShutDown,
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

    /// <summary>Whether the association ended, by ABORT, failure or a completed SHUTDOWN.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _state is State.Aborted or State.ShutDown;
            }
        }
    }

    /// <summary>Counters for tests, stats and diagnosis.</summary>
    public SctpCounters Counters { get; } = new();

    /// <summary>Packets dropped: bad checksum, wrong verification tag, malformed chunks.</summary>
    public long PacketsDropped => Counters.PacketsDropped;

    /// <summary>The association is up. Raised outside the lock.</summary>
    public event Action? Established;

    /// <summary>The association ended abnormally (ABORT received, setup or retransmissions gave up), with the reason.</summary>
    public event Action<string>? Aborted;

    /// <summary>A graceful SHUTDOWN completed (RFC 9260 §9.2).</summary>
    public event Action? ShutDown;

    /// <summary>A whole message arrived (stream, PPID, bytes). Raised outside the lock, in delivery order.</summary>
    public event Action<ushort, uint, byte[]>? MessageReceived;

    /// <summary>Bytes of a message (stream, PPID, bytes) left the send buffer: acknowledged, or abandoned (RFC 3758).</summary>
    public event Action<ushort, uint, int>? BytesAcknowledged;

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

    /// <summary>Handles one SCTP packet carried by DTLS. Malformed input is dropped and counted, never thrown.</summary>
    public void OnPacket(ReadOnlySpan<byte> packet)
    {
        lock (_gate)
        {
            ProcessPacket(packet);
        }

        Deliver();
    }

    /// <summary>Ends the association at once with an ABORT (RFC 9260 §9.1) and stops its timer.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_state is not (State.Closed or State.Aborted or State.ShutDown or State.CookieWait))
            {
                Span<byte> packet = stackalloc byte[SctpPacket.CommonHeaderLength + SctpPacket.ChunkHeaderLength];
                var end = SctpPacket.WriteChunk(packet, SctpPacket.CommonHeaderLength, SctpChunkType.Abort, 0, []);
                SendPacket(packet[..end], _peerTag);
            }

            _state = State.Aborted;
            _deliveries.Clear();
        }

        _timer.Dispose();
    }

    private void ProcessPacket(ReadOnlySpan<byte> packet)
    {
        if (!SctpPacket.TryReadHeader(packet, out _, out _, out var tag))
        {
            Counters.PacketsDropped++;
            return;
        }

        if (_state == State.ShutDown && tag == _myTag && IsShutdownAck(packet))
        {
            // RFC 9260 §9.2: our SHUTDOWN-COMPLETE was lost; answer the peer's retransmitted SHUTDOWN-ACK again,
            // T bit set, with the tag the packet carried.
            var reply = _packet.AsSpan();
            var end = SctpPacket.WriteChunk(reply, SctpPacket.CommonHeaderLength, SctpChunkType.ShutdownComplete, 1, []);
            SendPacket(reply[..end], _myTag);
            return;
        }

        if (_state is State.Aborted or State.ShutDown)
        {
            return;
        }

        var reader = new SctpPacket.ChunkReader(packet);
        var first = true;
        var sawData = false;
        var ackNow = false;
        while (reader.MoveNext())
        {
            var chunk = reader.Current;
            if (!TagMatches(chunk, tag, first))
            {
                Counters.PacketsDropped++;
                return;
            }

            first = false;
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
                case SctpChunkType.Data when IsUp:
                    sawData |= OnData(chunk.Flags, chunk.Value);
                    break;
                case SctpChunkType.Sack when IsUp:
                    OnSack(chunk.Value);
                    break;
                case SctpChunkType.ForwardTsn when IsUp:
                    OnForwardTsn(chunk.Value);
                    sawData = ackNow = true; // §3.6: a FORWARD-TSN is answered with a SACK
                    break;
                case SctpChunkType.ReConfig when IsUp:
                    OnReConfig(chunk.Value);
                    break;
                case SctpChunkType.Heartbeat:
                    Reply(SctpChunkType.HeartbeatAck, chunk.Value); // §8.3: echo the Heartbeat Info unchanged
                    break;
                case SctpChunkType.HeartbeatAck:
                    OnHeartbeatAck(chunk.Value);
                    break;
                case SctpChunkType.Shutdown when IsUp:
                    OnShutdown(chunk.Value);
                    break;
                case SctpChunkType.ShutdownAck:
                    OnShutdownAck();
                    break;
                case SctpChunkType.ShutdownComplete:
                    OnShutdownComplete();
                    return;
                case SctpChunkType.Abort:
                    Fail("The peer aborted the SCTP association.");
                    return;
                case SctpChunkType.Error:
                    Counters.ErrorsReceived++;
                    break;
                case (SctpChunkType)PadChunkType:
                    break; // RFC 4820 §3: the receiver ignores the padding
                default:
                    if (!OnUnknownChunk(chunk))
                    {
                        return;
                    }

                    break;
            }
        }

        if (reader.Malformed)
        {
            Counters.PacketsDropped++;
        }

        PerformDeferredReset();
        if (sawData)
        {
            AcknowledgeData(ackNow);
        }

        Pump();
    }

    private static bool IsShutdownAck(ReadOnlySpan<byte> packet)
    {
        var reader = new SctpPacket.ChunkReader(packet);
        return reader.MoveNext() && reader.Current.Type == SctpChunkType.ShutdownAck;
    }

    private bool IsUp => _state is State.Established or State.ShutdownPending or State.ShutdownSent or State.ShutdownReceived or State.ShutdownAckSent;

    /// <summary>RFC 9260 §8.5: INIT carries tag 0; ABORT and SHUTDOWN-COMPLETE with the T bit the peer's own; the rest ours.</summary>
    private bool TagMatches(SctpChunk chunk, uint tag, bool first) => chunk.Type switch
    {
        SctpChunkType.Init => tag == 0 && first,
        SctpChunkType.Abort or SctpChunkType.ShutdownComplete when (chunk.Flags & 1) == 1 => tag == _peerTag,
        _ => tag == _myTag,
    };

    /// <summary>RFC 9260 §3.2: the top two bits of an unknown type say skip or stop, and whether to report.</summary>
    private bool OnUnknownChunk(SctpChunk chunk)
    {
        Counters.UnknownChunks++;
        if ((chunk.RawType & 0x40) != 0)
        {
            SendError(ErrorCauseUnrecognizedChunk, chunk.Raw);
        }

        return (chunk.RawType & 0x80) != 0;
    }

    private const ushort ErrorCauseUnrecognizedChunk = 6;

    private void SendError(ushort cause, ReadOnlySpan<byte> info)
    {
        if (info.Length > BasePathMtu - 32)
        {
            info = info[..(BasePathMtu - 32)];
        }

        Span<byte> value = stackalloc byte[4 + info.Length + 3];
        BinaryPrimitives.WriteUInt16BigEndian(value, cause);
        BinaryPrimitives.WriteUInt16BigEndian(value[2..], (ushort)(4 + info.Length));
        info.CopyTo(value[4..]);
        Reply(SctpChunkType.Error, value[..(4 + info.Length)]);
    }

    private void Reply(SctpChunkType type, ReadOnlySpan<byte> value, byte flags = 0)
    {
        var packet = _packet.AsSpan();
        var end = SctpPacket.WriteChunk(packet, SctpPacket.CommonHeaderLength, type, flags, value);
        SendPacket(packet[..end], _peerTag);
    }

    private void SendPacket(Span<byte> packet, uint tag)
    {
        SctpPacket.Seal(packet, LocalPort, RemotePort, tag);
        Counters.PacketsSent++;
        try
        {
            _send(packet);
        }
#pragma warning disable CA1031 // called from timers and receive loops: whatever the transport throws is counted, never escapes
        catch (Exception)
#pragma warning restore CA1031
        {
            // The transport below closed or failed, or refused the size (a path MTU probe larger than it carries).
            Counters.SendErrors++;
        }
    }

    private void BecomeEstablished()
    {
        _state = State.Established;
        _lastHeard = _time.GetTimestamp();
        StartPathMtuSearch();
        _deliveries.Add(() => Established?.Invoke());
    }

    /// <summary>Ends the association after a failure or an ABORT; every later packet is ignored.</summary>
    private void Fail(string reason)
    {
        if (_state is State.Aborted or State.ShutDown)
        {
            return;
        }

        _state = State.Aborted;
        _deliveries.Add(() => Aborted?.Invoke(reason));
    }

    /// <summary>
    /// Runs queued deliveries outside the lock, one drainer at a time: packets arrive on the socket thread, the DTLS
    /// thread and the timer together, and two drainers would hand an ordered stream's messages out of order. A
    /// thread that finds a drainer running leaves its work to it (a handler that sends from inside a delivery, too).
    /// </summary>
    private void Deliver()
    {
        while (true)
        {
            Action[] work;
            lock (_gate)
            {
                if (_deliveries.Count == 0 || _delivering)
                {
                    return;
                }

                _delivering = true;
                work = [.. _deliveries];
                _deliveries.Clear();
            }

            try
            {
                foreach (var action in work)
                {
                    try
                    {
                        action();
                    }
#pragma warning disable CA1031 // a failing subscriber must not end the timer or receive thread (and the process)
                    catch (Exception)
#pragma warning restore CA1031
                    {
                        Counters.HandlerErrors++;
                    }
                }
            }
            finally
            {
                lock (_gate)
                {
                    _delivering = false;
                }
            }
        }
    }

    private bool _delivering;

    private void OnTick()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (_state is State.CookieWait or State.CookieEchoed && now >= _setupDeadline)
            {
                // RFC 9260 §5.1: T1-init / T1-cookie retransmission, bounded by Max.Init.Retransmits.
                if (++_setupAttempts > _options.MaxInitRetransmissions)
                {
                    Fail("SCTP association setup timed out.");
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

            if (IsUp)
            {
                OnRetransmissionTimer(now);
                OnReconfigTimer(now);
                OnShutdownTimer(now);
                OnDelayedAckTimer(now);
                OnHeartbeatTimer(now);
                OnPathMtuTimer(now);
                Pump();
            }
        }

        Deliver();
    }

    /// <summary>§8.1: each unanswered retransmission counts; too many in a row end the association.</summary>
    private void CountError()
    {
        if (++_errorCount > _options.MaxRetransmissions)
        {
            Fail("The peer stopped answering (SCTP Association.Max.Retrans exceeded).");
        }
    }

    private long Deadline(TimeSpan after) => _time.GetTimestamp() + (long)(after.TotalSeconds * _time.TimestampFrequency);

    private static bool After(uint a, uint b) => SctpReceivedTsns.After(a, b);
}
