using System.Buffers;

namespace P2PCall.WebRtc.Rtp;

/// <summary>
/// The recently sent RTP packets of one SSRC, kept so a generic NACK (RFC 4585 §6.2.1) can be answered by
/// sending the named packets again. A ring of <see cref="Capacity"/> slots indexed by sequence number, each
/// with a pooled buffer reused for the packet that next lands on it: storing allocates nothing once the slots
/// are warm. Packets older than <see cref="MaxAge"/> are not resent, and one packet is resent at most once per
/// <see cref="MinResendInterval"/> (a NACK repeated before the first retransmission could arrive does not
/// double the traffic). Not thread-safe: the owner serialises access.
/// </summary>
internal sealed class RtpPacketHistory : IDisposable
{
    private const int DefaultSlotSize = 1500;
    private readonly Slot[] _slots;
    private readonly int _mask;
    private readonly TimeProvider _time;
    private bool _disposed;

    /// <summary>Creates a history.</summary>
    /// <param name="time">The clock that ages packets.</param>
    /// <param name="capacity">Slots, a power of two (512 ≈ 1 s of 4 Mbit/s video).</param>
    /// <param name="maxAge">The oldest packet still resent.</param>
    /// <param name="minResendInterval">The least time between two resends of one packet.</param>
    public RtpPacketHistory(TimeProvider time, int capacity = 512, TimeSpan? maxAge = null, TimeSpan? minResendInterval = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (capacity < 16 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity is a power of two, at least 16.");
        }

        _time = time;
        _slots = new Slot[capacity];
        _mask = capacity - 1;
        MaxAge = maxAge ?? TimeSpan.FromSeconds(1);
        MinResendInterval = minResendInterval ?? TimeSpan.FromMilliseconds(10);
    }

    /// <summary>Slots in the ring.</summary>
    public int Capacity => _slots.Length;

    /// <summary>The oldest packet still resent.</summary>
    public TimeSpan MaxAge { get; }

    /// <summary>The least time between two resends of the same packet.</summary>
    public TimeSpan MinResendInterval { get; set; }

    /// <summary>Packets handed out for resending.</summary>
    public long Resent { get; private set; }

    /// <summary>Requests for packets no longer (or never) held, or too old.</summary>
    public long Missed { get; private set; }

    /// <summary>Requests refused because the packet was resent less than <see cref="MinResendInterval"/> ago.</summary>
    public long Throttled { get; private set; }

    /// <summary>Keeps a copy of a sent RTP packet (plain, before SRTP protection).</summary>
    /// <param name="sequenceNumber">Its sequence number.</param>
    /// <param name="packet">The whole RTP packet.</param>
    public void Store(ushort sequenceNumber, ReadOnlySpan<byte> packet)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ref Slot slot = ref _slots[sequenceNumber & _mask];
        if (slot.Buffer is null || slot.Buffer.Length < packet.Length)
        {
            if (slot.Buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(slot.Buffer);
            }

            slot.Buffer = ArrayPool<byte>.Shared.Rent(Math.Max(DefaultSlotSize, packet.Length));
        }

        packet.CopyTo(slot.Buffer);
        slot.Length = packet.Length;
        slot.SequenceNumber = sequenceNumber;
        slot.StoredAt = _time.GetTimestamp();
        slot.ResentAt = 0;
        slot.Used = true;
    }

    /// <summary>Copies a stored packet for resending, if it is held, young enough and not just resent.</summary>
    /// <param name="sequenceNumber">The sequence number a NACK named.</param>
    /// <param name="destination">Where the packet is copied; at least its length.</param>
    /// <param name="length">The packet's length.</param>
    /// <returns>True when the packet was copied and should be sent.</returns>
    public bool TryGetForResend(ushort sequenceNumber, Span<byte> destination, out int length)
    {
        length = 0;
        if (_disposed)
        {
            return false;
        }

        ref Slot slot = ref _slots[sequenceNumber & _mask];
        long now = _time.GetTimestamp();
        if (!slot.Used || slot.SequenceNumber != sequenceNumber || _time.GetElapsedTime(slot.StoredAt, now) > MaxAge
            || slot.Length > destination.Length)
        {
            Missed++;
            return false;
        }

        if (slot.ResentAt != 0 && _time.GetElapsedTime(slot.ResentAt, now) < MinResendInterval)
        {
            Throttled++;
            return false;
        }

        slot.ResentAt = now == 0 ? 1 : now;
        slot.Buffer.AsSpan(0, slot.Length).CopyTo(destination);
        length = slot.Length;
        Resent++;
        return true;
    }

    /// <summary>Returns every buffer to the pool.</summary>
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
    }

    private struct Slot
    {
        public byte[]? Buffer;
        public int Length;
        public ushort SequenceNumber;
        public bool Used;
        public long StoredAt;
        public long ResentAt;
    }
}
