namespace P2PCall.WebRtc;

/// <summary>
/// A track the remote side sends (what <see cref="IPeerConnection.Track"/> delivers). It raises
/// <see cref="RtpReceived"/> for every authenticated RTP packet of its stream; the media layer decodes them.
/// </summary>
public sealed class RemoteMediaStreamTrack : IMediaStreamTrack
{
    private int _ended;

    internal RemoteMediaStreamTrack(string id, MediaKind kind, string? mid)
    {
        Id = id;
        Kind = kind;
        Mid = mid;
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public MediaKind Kind { get; }

    /// <inheritdoc />
    public string Label => $"remote {Kind.ToString().ToLowerInvariant()}";

    /// <summary>The mid of the transceiver the track arrives on.</summary>
    public string? Mid { get; }

    /// <inheritdoc />
    public bool Enabled { get; set; } = true;

    /// <inheritdoc />
    public MediaStreamTrackState ReadyState => _ended != 0 ? MediaStreamTrackState.Ended : MediaStreamTrackState.Live;

    /// <summary>RTP packets received, authenticated and routed to this track.</summary>
    public long PacketsReceived => Interlocked.Read(ref _packets);

    /// <summary>Payload bytes received.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytes);

    private long _packets;
    private long _bytes;

    /// <summary>Generic NACKs sent asking for this track's lost packets (RFC 4585 §6.2.1; W3C nackCount).</summary>
    public long NackCount => Interlocked.Read(ref _nackCount);

    /// <summary>Packets once missing that arrived after all (retransmitted after a NACK, or just late).</summary>
    public long PacketsRecovered => Interlocked.Read(ref _recovered);

    /// <summary>Missing packets given up on (a picture loss indication followed for video).</summary>
    public long PacketsAbandoned => Interlocked.Read(ref _abandoned);

    private long _nackCount;
    private long _recovered;
    private long _abandoned;

    internal void UpdateLossRepair(long nacks, long recovered, long abandoned)
    {
        Interlocked.Exchange(ref _nackCount, nacks);
        Interlocked.Exchange(ref _recovered, recovered);
        Interlocked.Exchange(ref _abandoned, abandoned);
    }

    /// <summary>The SSRC of the last packet received, if any.</summary>
    public uint? LastSsrc { get; private set; }

    /// <inheritdoc />
    public event EventHandler? Ended;

    /// <summary>
    /// An authenticated RTP packet of this track arrived. Raised on the network receive thread, one packet
    /// at a time: do not block; copy the payload if you keep it.
    /// </summary>
    public event RtpPayloadHandler? RtpReceived;

    /// <inheritdoc />
    public void Stop()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            Ended?.Invoke(this, EventArgs.Empty);
        }
    }

    /// <summary>Ends the track without raising <see cref="Ended"/> (the connection was closed locally).</summary>
    internal void EndSilently() => Interlocked.Exchange(ref _ended, 1);

    internal void Deliver(RtpPacketInfo info, ReadOnlySpan<byte> payload)
    {
        if (_ended != 0)
        {
            return;
        }

        LastSsrc = info.Ssrc;
        Interlocked.Increment(ref _packets);
        Interlocked.Add(ref _bytes, payload.Length);
        if (Enabled)
        {
            RtpReceived?.Invoke(info, payload);
        }
    }
}
