using System.Numerics;

namespace P2PCall.WebRtc.Media.Audio;

/// <summary>What <see cref="AudioJitterBuffer.Pull"/> produced for one 20 ms playout slot.</summary>
public enum JitterBufferSlot
{
    /// <summary>Nothing to play: still buffering before playout, or idle after a long silence.</summary>
    None,

    /// <summary>The packet for this slot is returned.</summary>
    Packet,

    /// <summary>The packet for this slot is missing: conceal it (the next packet is returned if at hand, for FEC).</summary>
    Lost,
}

/// <summary>Settings of <see cref="AudioJitterBuffer"/>.</summary>
public sealed class AudioJitterBufferOptions
{
    /// <summary>
    /// The delay playout starts with: an <see cref="AudioReceiver"/> plays the first packet this long after it arrived,
    /// and pulls one frame every 20 ms from there; pulled by hand, the buffer starts once this much audio is buffered
    /// (at least one frame) or after as many pulls. Default 10 ms, half a frame: room for the send and playout
    /// clocks' own jitter on a quiet path; on a jittery path each underrun then adds a frame of delay, up to where the
    /// path needs it (as NetEq starts low).
    /// </summary>
    public TimeSpan StartDelay { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The delay a burst is drained back to (held delay above it for a second loses a frame). Default 60 ms.</summary>
    public TimeSpan TargetDelay { get; init; } = TimeSpan.FromMilliseconds(60);

    /// <summary>The most audio held; beyond it the oldest frames are dropped. Default 200 ms.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The frame duration. Default 20 ms.</summary>
    public TimeSpan FrameDuration { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Consecutive empty slots after which playout stops and buffering starts again. Default 10 (200 ms).</summary>
    public int MaxConsecutiveUnderruns { get; init; } = 10;
}

/// <summary>Counters of an <see cref="AudioJitterBuffer"/>.</summary>
/// <param name="PacketsInserted">Packets accepted into the buffer.</param>
/// <param name="LatePackets">Packets dropped because their slot had already been played or concealed.</param>
/// <param name="DuplicatePackets">Packets dropped because the same sequence number was already buffered.</param>
/// <param name="LostFrames">Slots played out with no packet (each one is concealed by the decoder).</param>
/// <param name="DroppedFrames">Buffered frames discarded to bring the delay back to the target after a burst.</param>
/// <param name="BufferedFrames">Frames waiting now (from the next slot to the newest packet).</param>
public readonly record struct AudioJitterBufferStatistics(
    long PacketsInserted, long LatePackets, long DuplicatePackets, long LostFrames, long DroppedFrames, int BufferedFrames);

/// <summary>
/// A fixed-delay audio jitter buffer: packets are placed by RTP sequence number (with 16-bit wrap, RFC 3550
/// §A.1), played out one per 20 ms slot, late packets are dropped, and the held delay never exceeds
/// <see cref="AudioJitterBufferOptions.MaxDelay"/> (after a burst the oldest frames are discarded down to the target;
/// a delay that stays above the target for a second loses one frame per second until it is back).
/// Thread-safe: <see cref="Insert"/> runs on the network thread, <see cref="Pull"/> on the playout clock.
/// </summary>
public sealed class AudioJitterBuffer
{
    private const int MaxPayload = 1500;
    private const int ShrinkAfterPulls = 50; // one second of 20 ms frames
    private const int ResetDistance = 1000; // a jump this big in either direction is a new stream, not jitter

    private readonly Lock _gate = new();
    private readonly Slot[] _slots;
    private readonly int _targetFrames;
    private readonly int _startFrames;
    private readonly int _maxFrames;
    private readonly int _maxUnderruns;

    private bool _haveAny;
    private bool _playing;
    private ushort _next;       // the sequence number of the next slot to play
    private ushort _highest;    // the newest sequence number buffered
    private int _bufferingPulls;
    private int _underruns;
    private int _count;        // full slots
    private int _overTargetPulls;

    private long _inserted;
    private long _late;
    private long _duplicates;
    private long _lost;
    private long _dropped;

    /// <summary>Creates a jitter buffer.</summary>
    /// <param name="options">Delays; defaults when null.</param>
    public AudioJitterBuffer(AudioJitterBufferOptions? options = null)
    {
        options ??= new AudioJitterBufferOptions();
        if (options.FrameDuration <= TimeSpan.Zero || options.TargetDelay < TimeSpan.Zero || options.MaxDelay < options.TargetDelay
            || options.StartDelay < TimeSpan.Zero || options.StartDelay > options.MaxDelay)
        {
            throw new ArgumentException("Need FrameDuration > 0, 0 <= TargetDelay <= MaxDelay and 0 <= StartDelay <= MaxDelay.", nameof(options));
        }

        _startFrames = Math.Max(1, (int)(options.StartDelay / options.FrameDuration));

        _targetFrames = Math.Max(1, (int)(options.TargetDelay / options.FrameDuration));
        _maxFrames = Math.Max(_targetFrames + 1, (int)(options.MaxDelay / options.FrameDuration));
        _maxUnderruns = Math.Max(1, options.MaxConsecutiveUnderruns);
        _slots = new Slot[(int)BitOperations.RoundUpToPowerOf2((uint)_maxFrames + 2)];
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new Slot();
        }
    }

    /// <summary>The current counters.</summary>
    public AudioJitterBufferStatistics Statistics
    {
        get
        {
            lock (_gate)
            {
                return new AudioJitterBufferStatistics(_inserted, _late, _duplicates, _lost, _dropped, BufferedFramesLocked());
            }
        }
    }

    /// <summary>Not playing and nothing buffered: before the first packet, or after a silence long enough to stop playout.</summary>
    internal bool IsIdle
    {
        get
        {
            lock (_gate)
            {
                return !_playing && _count == 0;
            }
        }
    }

    /// <summary>Adds one received packet; the payload is copied.</summary>
    /// <param name="info">The RTP header fields.</param>
    /// <param name="payload">The RTP payload.</param>
    /// <returns>False when the packet was dropped (late, duplicate, empty or too large).</returns>
    public bool Insert(RtpPacketInfo info, ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty || payload.Length > MaxPayload)
        {
            return false;
        }

        lock (_gate)
        {
            var seq = info.SequenceNumber;
            if (!_haveAny)
            {
                _haveAny = true;
                _next = seq;
                _highest = seq;
            }
            else
            {
                // RFC 3550 §A.1: compare sequence numbers modulo 2^16.
                var fromNext = (short)(ushort)(seq - _next);
                if (fromNext <= -ResetDistance || fromNext >= ResetDistance)
                {
                    ResetLocked(seq);
                }
                else if (fromNext < 0 && !_playing && BufferedFramesLocked() - fromNext < _maxFrames)
                {
                    _next = seq; // before playout starts, an earlier packet that arrived second still plays first
                }
                else if (fromNext < 0)
                {
                    _late++;
                    return false;
                }
            }

            // Never hold more than MaxDelay: a packet that far ahead (a burst after a stall) moves playout
            // forward, dropping the oldest frames so the delay returns to the target.
            if ((short)(ushort)(seq - _next) >= _maxFrames)
            {
                var newNext = (ushort)(seq - _targetFrames + 1);
                while (_next != newNext)
                {
                    var old = _slots[_next & (_slots.Length - 1)];
                    if (old.Full && old.Sequence == _next)
                    {
                        old.Full = false;
                        _count--;
                        _dropped++;
                    }

                    _next++;
                }
            }

            var slot = _slots[seq & (_slots.Length - 1)];
            if (slot.Full && slot.Sequence == seq)
            {
                _duplicates++;
                return false;
            }

            if (_count == 0 || (short)(ushort)(seq - _highest) > 0)
            {
                _highest = seq;
            }

            if (!slot.Full)
            {
                _count++;
            }

            slot.Store(info, payload);
            _inserted++;
            return true;
        }
    }

    /// <summary>
    /// Plays out the next 20 ms slot. Call once per frame duration.
    /// </summary>
    /// <param name="payload">Receives the slot's payload for <see cref="JitterBufferSlot.Packet"/> (1500 bytes suffice).</param>
    /// <param name="payloadLength">The length written to <paramref name="payload"/>.</param>
    /// <param name="nextPayload">Receives the following packet for <see cref="JitterBufferSlot.Lost"/>, when buffered (for FEC).</param>
    /// <param name="nextLength">The length written to <paramref name="nextPayload"/>, 0 when none.</param>
    /// <param name="payloadType">The payload type of the returned packet (or of the next one for a lost slot).</param>
    public JitterBufferSlot Pull(Span<byte> payload, out int payloadLength, Span<byte> nextPayload, out int nextLength, out byte payloadType)
    {
        payloadLength = 0;
        nextLength = 0;
        payloadType = 0;
        lock (_gate)
        {
            if (!_haveAny)
            {
                return JitterBufferSlot.None;
            }

            if (!_playing)
            {
                // Start once the start delay is buffered, or once the first packet has waited that long.
                if (_count == 0)
                {
                    return JitterBufferSlot.None;
                }

                _bufferingPulls++;
                if (BufferedFramesLocked() < _startFrames && _bufferingPulls < _startFrames)
                {
                    return JitterBufferSlot.None;
                }

                _playing = true;
                _underruns = 0;
            }

            // Latency must not creep up: each underrun adds a frame of delay. After a second spent above the
            // target (plus one frame of slack), drop the oldest frame; repeated, this drains back to the target.
            if (BufferedFramesLocked() > _targetFrames + 1)
            {
                if (++_overTargetPulls >= ShrinkAfterPulls)
                {
                    _overTargetPulls = 0;
                    var oldest = _slots[_next & (_slots.Length - 1)];
                    if (oldest.Full && oldest.Sequence == _next)
                    {
                        oldest.Full = false;
                        _count--;
                        _dropped++;
                    }

                    _next++;
                }
            }
            else
            {
                _overTargetPulls = 0;
            }

            var slot = _slots[_next & (_slots.Length - 1)];
            if (slot.Full && slot.Sequence == _next)
            {
                payloadLength = slot.CopyTo(payload);
                payloadType = slot.PayloadType;
                slot.Full = false;
                _count--;
                _next++;
                _underruns = 0;
                return JitterBufferSlot.Packet;
            }

            if (BufferedFramesLocked() == 0)
            {
                // Underrun: nothing newer has arrived. Conceal without advancing, so a delayed packet still plays;
                // after a long gap (silence suppression, hold) stop and buffer again.
                _underruns++;
                if (_underruns > _maxUnderruns)
                {
                    _playing = false;
                    _bufferingPulls = 0;
                    return JitterBufferSlot.None;
                }

                _lost++;
                return JitterBufferSlot.Lost;
            }

            // A later packet exists: this one is lost (or later than our delay). Hand out the next for FEC.
            _next++;
            _lost++;
            var following = _slots[_next & (_slots.Length - 1)];
            if (following.Full && following.Sequence == _next)
            {
                nextLength = following.CopyTo(nextPayload);
                payloadType = following.PayloadType;
            }

            return JitterBufferSlot.Lost;
        }
    }

    private int BufferedFramesLocked()
    {
        if (_count == 0)
        {
            return 0;
        }

        var span = (short)(ushort)(_highest - _next);
        return span < 0 ? 0 : span + 1;
    }

    private void ResetLocked(ushort seq)
    {
        foreach (var slot in _slots)
        {
            slot.Full = false;
        }

        _count = 0;
        _next = seq;
        _highest = seq;
        _playing = false;
        _bufferingPulls = 0;
    }

    private sealed class Slot
    {
        private readonly byte[] _data = new byte[MaxPayload];
        private int _length;

        public bool Full { get; set; }

        public ushort Sequence { get; private set; }

        public byte PayloadType { get; private set; }

        public void Store(RtpPacketInfo info, ReadOnlySpan<byte> payload)
        {
            payload.CopyTo(_data);
            _length = payload.Length;
            Sequence = info.SequenceNumber;
            PayloadType = info.PayloadType;
            Full = true;
        }

        public int CopyTo(Span<byte> destination)
        {
            var length = Math.Min(_length, destination.Length);
            _data.AsSpan(0, length).CopyTo(destination);
            return length;
        }
    }
}
