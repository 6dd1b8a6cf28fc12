using System.Buffers;

namespace P2PCall.WebRtc.Media.Video;

/// <summary>A VP8 frame reassembled from RTP packets.</summary>
/// <param name="Data">The VP8 frame; valid until the next call on the <see cref="Vp8Depacketizer"/> that produced it.</param>
/// <param name="RtpTimestamp">The RTP timestamp shared by its packets.</param>
/// <param name="IsKeyframe">RFC 7741 §4.3 keyframe detection.</param>
/// <param name="PictureId">The PictureID, or -1.</param>
/// <param name="AfterGap">Packets between the previous emitted frame and this one were given up on (at least one frame was lost).</param>
public readonly record struct Vp8AssembledFrame(ReadOnlyMemory<byte> Data, uint RtpTimestamp, bool IsKeyframe, int PictureId, bool AfterGap);

/// <summary>
/// Reassembles VP8 frames (RFC 7741 §4) in sequence-number order and hands them out in that order. Packets wait in a
/// ring of pooled slots indexed by sequence number, so a packet lost and then retransmitted after a NACK (RFC 4585
/// §6.2.1) still completes its frame while later frames queue behind it. A frame is complete when its start packet
/// (S=1, PID=0) and every packet up to the marker are present. The head of the queue is given up on (its frames
/// dropped and counted, the next frame flagged <see cref="Vp8AssembledFrame.AfterGap"/>) once the newest packet's
/// RTP timestamp is more than <c>maxWait</c> ahead of the oldest waiting packet's. Storing a packet allocates
/// nothing once the slots are warm. Not thread-safe: feed it from one thread.
/// </summary>
public sealed class Vp8Depacketizer : IDisposable
{
    private const int Capacity = 512;
    private const int Mask = Capacity - 1;
    private readonly Slot[] _slots = new Slot[Capacity];
    private readonly uint _maxWaitTicks;
    private byte[] _frame = [];
    private bool _haveNext;
    private ushort _next;
    private ushort _highestSeq;
    private uint _highestTimestamp;
    private bool _emittedAny;
    private bool _gapPending;
    private bool _disposed;

    /// <summary>Creates a depacketizer.</summary>
    /// <param name="maxWait">How long (in media time) a missing packet is waited for; 300 ms when null, zero drops a frame as soon as a newer one arrives.</param>
    public Vp8Depacketizer(TimeSpan? maxWait = null)
    {
        TimeSpan wait = maxWait ?? TimeSpan.FromMilliseconds(300);
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero, nameof(maxWait));
        _maxWaitTicks = (uint)Math.Min(int.MaxValue, wait.Ticks * 90_000 / TimeSpan.TicksPerSecond); // RFC 7741 §4.1: 90 kHz
    }

    /// <summary>Frames dropped because a packet was missing or malformed.</summary>
    public long DroppedFrames { get; private set; }

    /// <summary>Packets ignored: malformed descriptor, duplicate, or for a frame already emitted or dropped.</summary>
    public long DiscardedPackets { get; private set; }

    /// <summary>Feeds one RTP payload; returns true with the next frame in order when one is complete.</summary>
    /// <remarks>After a true, call <see cref="TryReadFrame"/> until false: one packet can complete several queued frames.</remarks>
    /// <param name="sequenceNumber">RTP sequence number.</param>
    /// <param name="timestamp">RTP timestamp.</param>
    /// <param name="marker">RTP marker bit.</param>
    /// <param name="payload">RTP payload (descriptor + VP8 data).</param>
    /// <param name="frame">The completed frame.</param>
    /// <returns>True when <paramref name="frame"/> is set.</returns>
    public bool Push(ushort sequenceNumber, uint timestamp, bool marker, ReadOnlySpan<byte> payload, out Vp8AssembledFrame frame)
    {
        frame = default;
        ObjectDisposedException.ThrowIf(_disposed, this);
        Vp8PayloadDescriptor descriptor = default;
        bool filler = payload.IsEmpty; // RFC 3550 §5.1 padding-only (a sender probing bandwidth without RTX): holds a place
        if (!filler && !Vp8PayloadDescriptor.TryParse(payload, out descriptor))
        {
            DiscardedPackets++;
            return false;
        }

        if (!_haveNext)
        {
            _haveNext = true;
            _next = sequenceNumber;
            _highestSeq = sequenceNumber;
            _highestTimestamp = timestamp;
        }

        // RFC 3550 §A.1: sequence numbers compared in 16-bit serial arithmetic.
        int offset = (short)(ushort)(sequenceNumber - _next);
        if (offset < 0)
        {
            if (_emittedAny || HighestOffset() - offset >= Capacity)
            {
                DiscardedPackets++; // late: its frame was emitted or dropped
                return false;
            }

            _next = sequenceNumber; // reordering before the first frame: start earlier
        }
        else if (offset >= Capacity)
        {
            DropThrough((ushort)(sequenceNumber - 1)); // far ahead: everything waiting is hopeless
            _next = sequenceNumber;
            _highestSeq = sequenceNumber;
        }

        ref Slot slot = ref _slots[sequenceNumber & Mask];
        if (slot.Used)
        {
            DiscardedPackets++; // a duplicate
            return false;
        }

        if (slot.Buffer is null || slot.Buffer.Length < payload.Length)
        {
            if (slot.Buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(slot.Buffer);
            }

            slot.Buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1500, payload.Length));
        }

        payload.CopyTo(slot.Buffer);
        slot.Length = payload.Length;
        slot.HeaderLength = descriptor.HeaderLength;
        slot.Sequence = sequenceNumber;
        slot.Timestamp = timestamp;
        slot.Marker = marker;
        slot.Start = !filler && descriptor.Start && descriptor.PartitionId == 0;
        slot.Filler = filler;
        slot.Used = true;
        if ((short)(ushort)(sequenceNumber - _highestSeq) > 0 || HighestOffset() < 0)
        {
            _highestSeq = sequenceNumber;
        }

        if ((int)(timestamp - _highestTimestamp) > 0)
        {
            _highestTimestamp = timestamp;
        }

        return TryReadFrame(out frame);
    }

    /// <summary>Returns the next complete frame in order, if any (after a retransmission filled a gap, several may be ready).</summary>
    /// <param name="frame">The frame; its data is valid until the next call.</param>
    /// <returns>True when <paramref name="frame"/> is set.</returns>
    public bool TryReadFrame(out Vp8AssembledFrame frame)
    {
        frame = default;
        if (!_haveNext || _disposed)
        {
            return false;
        }

        for (int guard = 0; guard < Capacity; guard++)
        {
            if (TryAssembleHead(out frame))
            {
                return true;
            }

            if (!SkipStalledHead())
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Returns the pooled buffers.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (int i = 0; i < _slots.Length; i++)
        {
            if (_slots[i].Buffer is { } buffer)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            _slots[i] = default;
        }

        if (_frame.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_frame);
            _frame = [];
        }
    }

    private int HighestOffset() => (short)(ushort)(_highestSeq - _next);

    private bool TryAssembleHead(out Vp8AssembledFrame frame)
    {
        frame = default;
        while (_slots[_next & Mask] is { Used: true, Filler: true } padding && padding.Sequence == _next)
        {
            _slots[_next & Mask].Used = false; // padding between frames
            _next++;
        }

        ref Slot first = ref _slots[_next & Mask];
        if (!first.Used || first.Sequence != _next || !first.Start)
        {
            return false;
        }

        int size = 0;
        ushort end = _next;
        for (int i = 0; ; i++)
        {
            ushort seq = (ushort)(_next + i);
            ref Slot slot = ref _slots[seq & Mask];
            if (i >= Capacity || !slot.Used || slot.Sequence != seq)
            {
                return false; // a packet of the frame is still missing
            }

            if (slot.Timestamp != first.Timestamp)
            {
                break; // the next frame began without a marker before it: take what we have
            }

            size += slot.Length - slot.HeaderLength;
            end = seq;
            if (slot.Marker)
            {
                break;
            }
        }

        if (_frame.Length < size)
        {
            if (_frame.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_frame);
            }

            _frame = ArrayPool<byte>.Shared.Rent(Math.Max(size, 64 * 1024));
        }

        int at = 0;
        bool keyframe = Vp8PayloadDescriptor.IsKeyframeStart(first.Buffer.AsSpan(0, first.Length));
        Vp8PayloadDescriptor.TryParse(first.Buffer.AsSpan(0, first.Length), out Vp8PayloadDescriptor d0);
        uint timestamp = first.Timestamp;
        for (ushort seq = _next; ; seq++)
        {
            ref Slot slot = ref _slots[seq & Mask];
            slot.Buffer.AsSpan(slot.HeaderLength, slot.Length - slot.HeaderLength).CopyTo(_frame.AsSpan(at));
            at += slot.Length - slot.HeaderLength;
            slot.Used = false;
            if (seq == end)
            {
                break;
            }
        }

        frame = new Vp8AssembledFrame(_frame.AsMemory(0, size), timestamp, keyframe, d0.PictureId, _gapPending);
        _next = (ushort)(end + 1);
        _gapPending = false;
        _emittedAny = true;
        return true;
    }

    /// <summary>Gives up on the head once it waited longer than allowed and a later frame start is there to resume from.</summary>
    private bool SkipStalledHead()
    {
        int span = HighestOffset();
        if (span < 0)
        {
            return false; // nothing waiting
        }

        int oldest = -1;
        int resume = -1;
        for (int i = 0; i <= span; i++)
        {
            ref Slot slot = ref _slots[(_next + i) & Mask];
            if (!slot.Used || slot.Sequence != (ushort)(_next + i))
            {
                continue;
            }

            if (oldest < 0)
            {
                oldest = i;
            }

            if (i > 0 && slot.Start)
            {
                resume = i;
                break;
            }
        }

        if (oldest < 0 || resume < 0)
        {
            return false;
        }

        uint oldestTimestamp = _slots[(_next + oldest) & Mask].Timestamp;
        if ((long)(uint)(_highestTimestamp - oldestTimestamp) <= _maxWaitTicks)
        {
            return false; // a retransmission may still come
        }

        DropThrough((ushort)(_next + resume - 1));
        _next = (ushort)(_next + resume);
        return true;
    }

    /// <summary>Frees the slots from the head through <paramref name="last"/>, counting the frames they held (at least one).</summary>
    private void DropThrough(ushort last)
    {
        int count = (short)(ushort)(last - _next) + 1;
        int frames = 0;
        bool haveTimestamp = false;
        uint previous = 0;
        for (int i = 0; i < Math.Min(count, Capacity); i++)
        {
            ref Slot slot = ref _slots[(_next + i) & Mask];
            if (slot.Used && slot.Sequence == (ushort)(_next + i))
            {
                if (!haveTimestamp || slot.Timestamp != previous)
                {
                    frames++;
                    previous = slot.Timestamp;
                    haveTimestamp = true;
                }

                slot.Used = false;
            }
        }

        if (count > 0)
        {
            DroppedFrames += Math.Max(1, frames);
            _gapPending = true;
        }
    }

    private struct Slot
    {
        public byte[]? Buffer;
        public int Length;
        public int HeaderLength;
        public ushort Sequence;
        public uint Timestamp;
        public bool Marker;
        public bool Start;
        public bool Filler;
        public bool Used;
    }
}
