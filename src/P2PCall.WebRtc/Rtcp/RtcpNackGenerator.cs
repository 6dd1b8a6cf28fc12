namespace P2PCall.WebRtc.Rtcp;

/// <summary>What <see cref="RtcpNackGenerator.Collect"/> found due.</summary>
/// <param name="Count">Sequence numbers written to the destination, to go in one generic NACK.</param>
/// <param name="GaveUp">At least one packet was abandoned (retries spent, too old, or too many missing): ask for a keyframe.</param>
internal readonly record struct NackDue(int Count, bool GaveUp);

/// <summary>
/// Decides which sequence numbers of one received RTP stream to ask for again with a generic NACK
/// (RFC 4585 §6.2.1): a jump in the sequence number marks the skipped ones missing; each missing one is asked
/// for at once and then again every <see cref="RetryInterval"/>, at most <see cref="MaxRetries"/> times and while
/// younger than <see cref="MaxAge"/>; then it is abandoned (the caller sends a PLI, RFC 4585 §6.3.1). A missing
/// packet that arrives (retransmitted or reordered) is forgotten and counted. Sans-I/O: the caller gives it packets
/// and asks what is due on its own schedule; time comes from the injected clock. Not thread-safe.
/// </summary>
internal sealed class RtcpNackGenerator
{
    private readonly Entry[] _missing;
    private readonly TimeProvider _time;
    private int _count;
    private bool _started;
    private ushort _highest;
    private bool _abandoned;

    /// <summary>Creates a generator.</summary>
    /// <param name="time">The clock.</param>
    /// <param name="capacity">The most sequence numbers tracked at once; a larger gap is abandoned whole.</param>
    public RtcpNackGenerator(TimeProvider time, int capacity = 256)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _time = time;
        _missing = new Entry[capacity];
    }

    /// <summary>The least time between two NACKs for one packet (raise it to about the RTT once known).</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>NACKs sent per packet before it is abandoned.</summary>
    public int MaxRetries { get; set; } = 8;

    /// <summary>How long a missing packet is asked for (the sender keeps about 1 s).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>Sequence numbers missing now.</summary>
    public int MissingCount => _count;

    /// <summary>Sequence numbers asked for, counting each retry (W3C nackCount counts packets, not these).</summary>
    public long Requested { get; private set; }

    /// <summary>Missing packets that arrived after all.</summary>
    public long Recovered { get; private set; }

    /// <summary>Missing packets abandoned.</summary>
    public long Abandoned { get; private set; }

    /// <summary>Notes a received packet.</summary>
    /// <param name="sequenceNumber">Its RTP sequence number.</param>
    public void OnPacket(ushort sequenceNumber)
    {
        if (!_started)
        {
            _started = true;
            _highest = sequenceNumber;
            return;
        }

        // RFC 3550 §A.1: 16-bit serial arithmetic.
        int delta = (short)(ushort)(sequenceNumber - _highest);
        if (delta <= 0)
        {
            if (delta < 0)
            {
                Forget(sequenceNumber);
            }

            return;
        }

        int gap = delta - 1;
        if (gap > _missing.Length)
        {
            // Too many at once to ask for: drop them all and let a keyframe repair the stream.
            Abandoned += gap + _count;
            _count = 0;
            _abandoned = true;
        }
        else
        {
            long now = _time.GetTimestamp();
            for (int i = 1; i <= gap; i++)
            {
                if (_count == _missing.Length)
                {
                    RemoveAt(0); // the oldest goes first
                    Abandoned++;
                    _abandoned = true;
                }

                _missing[_count++] = new Entry((ushort)(_highest + i), now);
            }
        }

        _highest = sequenceNumber;
    }

    /// <summary>Writes the sequence numbers due for a NACK now, oldest first, and abandons the hopeless ones.</summary>
    /// <param name="destination">Room for the due sequence numbers (<see cref="MissingCount"/> is enough).</param>
    /// <returns>How many were written and whether any was abandoned since the last call.</returns>
    public NackDue Collect(Span<ushort> destination)
    {
        long now = _time.GetTimestamp();
        int written = 0;
        for (int i = 0; i < _count;)
        {
            ref Entry entry = ref _missing[i];
            if (entry.Retries >= MaxRetries || _time.GetElapsedTime(entry.DetectedAt, now) > MaxAge)
            {
                RemoveAt(i);
                Abandoned++;
                _abandoned = true;
                continue;
            }

            if ((entry.Retries == 0 || _time.GetElapsedTime(entry.SentAt, now) >= RetryInterval) && written < destination.Length)
            {
                destination[written++] = entry.SequenceNumber;
                entry.Retries++;
                entry.SentAt = now;
                Requested++;
            }

            i++;
        }

        bool gaveUp = _abandoned;
        _abandoned = false;
        return new NackDue(written, gaveUp);
    }

    /// <summary>Forgets everything (a new SSRC).</summary>
    public void Reset()
    {
        _count = 0;
        _started = false;
        _abandoned = false;
    }

    private void Forget(ushort sequenceNumber)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_missing[i].SequenceNumber == sequenceNumber)
            {
                RemoveAt(i);
                Recovered++;
                return;
            }
        }
    }

    private void RemoveAt(int index)
    {
        // Keep the order (oldest first) so NACK pairs stay compact (RFC 4585 §6.2.1 PID + BLP).
        Array.Copy(_missing, index + 1, _missing, index, _count - index - 1);
        _count--;
    }

    private struct Entry(ushort sequenceNumber, long detectedAt)
    {
        public readonly ushort SequenceNumber = sequenceNumber;
        public readonly long DetectedAt = detectedAt;
        public long SentAt;
        public int Retries;
    }
}
