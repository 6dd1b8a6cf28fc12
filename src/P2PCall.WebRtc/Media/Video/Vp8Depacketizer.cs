namespace P2PCall.WebRtc.Media.Video;

/// <summary>A VP8 frame reassembled from RTP packets.</summary>
/// <param name="Data">The VP8 frame.</param>
/// <param name="RtpTimestamp">The RTP timestamp shared by its packets.</param>
/// <param name="IsKeyframe">RFC 7741 §4.3 keyframe detection.</param>
/// <param name="PictureId">The PictureID, or -1.</param>
/// <param name="AfterGap">Sequence numbers are missing between the previous emitted frame and this one (a whole frame was lost).</param>
public readonly record struct Vp8AssembledFrame(byte[] Data, uint RtpTimestamp, bool IsKeyframe, int PictureId, bool AfterGap);

/// <summary>
/// Reassembles VP8 frames: packets are grouped by RTP timestamp and ordered by sequence number (wrap-aware),
/// reordering within a frame is tolerated, a frame is complete at the marker when no sequence number is missing
/// from the start packet (S=1, PID=0) to the marker; a frame still incomplete when a newer one completes is dropped
/// and counted. Not thread-safe: feed it from one thread.
/// </summary>
public sealed class Vp8Depacketizer
{
    private readonly SortedDictionary<int, byte[]> _packets = new();
    private uint _timestamp;
    private bool _active;
    private ushort _baseSeq;
    private bool _haveLastTimestamp;
    private uint _lastDoneTimestamp;

    /// <summary>Frames dropped because a packet was missing or malformed.</summary>
    public long DroppedFrames { get; private set; }

    /// <summary>Packets ignored because their descriptor was malformed or they belonged to a finished frame.</summary>
    public long DiscardedPackets { get; private set; }

    /// <summary>Feeds one RTP payload; returns true with a frame when one completes.</summary>
    /// <param name="sequenceNumber">RTP sequence number.</param>
    /// <param name="timestamp">RTP timestamp.</param>
    /// <param name="marker">RTP marker bit.</param>
    /// <param name="payload">RTP payload (descriptor + VP8 data).</param>
    /// <param name="frame">The completed frame.</param>
    /// <returns>True when <paramref name="frame"/> is set.</returns>
    public bool Push(ushort sequenceNumber, uint timestamp, bool marker, ReadOnlySpan<byte> payload, out Vp8AssembledFrame frame)
    {
        frame = default;
        if (!Vp8PayloadDescriptor.TryParse(payload, out _))
        {
            DiscardedPackets++;
            return false;
        }

        if (_haveLastTimestamp && (int)(timestamp - _lastDoneTimestamp) <= 0)
        {
            DiscardedPackets++; // late packet of a frame already emitted or dropped
            return false;
        }

        if (_active && timestamp != _timestamp)
        {
            if ((int)(timestamp - _timestamp) < 0)
            {
                DiscardedPackets++;
                return false;
            }

            FinishCurrent(); // a newer frame started before the current one completed: drop it
            DroppedFrames++;
        }

        if (!_active)
        {
            _active = true;
            _timestamp = timestamp;
            _baseSeq = sequenceNumber;
        }

        // Sequence numbers are keyed relative to the first one seen, wrap-aware (RFC 3550 §A.1 style).
        int key = (short)(ushort)(sequenceNumber - _baseSeq);
        _packets[key] = payload.ToArray();
        if (marker)
        {
            _markerKey = key;
        }

        return TryComplete(out frame);
    }

    private int? _markerKey;
    private ushort _lastSeq;
    private bool _haveLastSeq;

    private bool TryComplete(out Vp8AssembledFrame frame)
    {
        frame = default;
        if (_markerKey is not int last)
        {
            return false;
        }

        int first = int.MinValue;
        foreach (int k in _packets.Keys)
        {
            first = k;
            break;
        }

        if (last - first + 1 != _packets.Count || last < first)
        {
            return false;
        }

        byte[] firstPacket = _packets[first];
        Vp8PayloadDescriptor.TryParse(firstPacket, out Vp8PayloadDescriptor d0);
        if (!d0.Start || d0.PartitionId != 0)
        {
            return false; // the start packet has not arrived (or was lost)
        }

        int size = 0;
        foreach (byte[] p in _packets.Values)
        {
            Vp8PayloadDescriptor.TryParse(p, out Vp8PayloadDescriptor d);
            size += p.Length - d.HeaderLength;
        }

        byte[] data = new byte[size];
        int at = 0;
        foreach (byte[] p in _packets.Values)
        {
            Vp8PayloadDescriptor.TryParse(p, out Vp8PayloadDescriptor d);
            p.AsSpan(d.HeaderLength).CopyTo(data.AsSpan(at));
            at += p.Length - d.HeaderLength;
        }

        ushort firstSeq = (ushort)(_baseSeq + first);
        bool gap = _haveLastSeq && firstSeq != (ushort)(_lastSeq + 1);
        _lastSeq = (ushort)(_baseSeq + last);
        _haveLastSeq = true;
        frame = new Vp8AssembledFrame(data, _timestamp, Vp8PayloadDescriptor.IsKeyframeStart(firstPacket), d0.PictureId, gap);
        FinishCurrent();
        return true;
    }

    private void FinishCurrent()
    {
        _lastDoneTimestamp = _timestamp;
        _haveLastTimestamp = true;
        _packets.Clear();
        _markerKey = null;
        _active = false;
    }
}
