using P2PCall.WebRtc.Jsep;
using P2PCall.WebRtc.Rtp;

namespace P2PCall.WebRtc;

/// <summary>Tracks: senders, remote tracks, and routing received RTP to them (RFC 8843 §9.2 demultiplexing).</summary>
public sealed partial class RTCPeerConnection
{
    private readonly List<RTCRtpSender> _senders = [];
    private readonly Dictionary<JsepTransceiver, RemoteMediaStreamTrack> _remoteTracks = [];
    private long _rtpUnroutable;
    private long _rtcpReceived;

    /// <summary>The senders, one per added track.</summary>
    public IReadOnlyList<RTCRtpSender> Senders
    {
        get
        {
            lock (_gate)
            {
                return _senders.ToArray();
            }
        }
    }

    /// <summary>RTP packets that authenticated but matched no transceiver (counted, dropped).</summary>
    public long RtpPacketsUnroutable => Interlocked.Read(ref _rtpUnroutable);

    /// <summary>SRTCP packets received and authenticated.</summary>
    public long RtcpPacketsReceived => Interlocked.Read(ref _rtcpReceived);

    /// <inheritdoc />
    public IRtpSender AddTrack(IMediaStreamTrack track, params MediaStream[] streams)
    {
        ArgumentNullException.ThrowIfNull(track);
        ThrowIfClosed();
        RTCRtpSender sender;
        lock (_gate)
        {
            if (_senders.Any(s => ReferenceEquals(s.Track, track)))
            {
                // W3C §5.1 addTrack: InvalidAccessError for a track already added.
                throw new InvalidOperationException($"Track '{track.Id}' was already added.");
            }

            var transceiver = _jsep.AddTransceiver(track.Kind, RTCRtpTransceiverDirection.SendRecv, createdByAddTrack: true);
            transceiver.SendTrackId = track.Id;
            transceiver.SendStreamIds = streams.Select(s => s.Id).ToList();
            sender = new RTCRtpSender(this, transceiver, track);
            _senders.Add(sender);
        }

        if (_jsep.SignalingState == RTCSignalingState.Stable)
        {
            Raise(NegotiationNeeded);
        }

        return sender;
    }

    /// <summary>Adds a transceiver without a track (W3C addTransceiver), for example to receive only.</summary>
    /// <param name="kind">Audio or video.</param>
    /// <param name="direction">The wanted direction; recvonly or inactive make sense without a track.</param>
    public RTCRtpTransceiver AddTransceiver(MediaKind kind, RTCRtpTransceiverDirection direction = RTCRtpTransceiverDirection.RecvOnly)
    {
        ThrowIfClosed();
        if (direction == RTCRtpTransceiverDirection.Stopped)
        {
            throw new ArgumentException("A new transceiver cannot be stopped.", nameof(direction));
        }

        JsepTransceiver state;
        lock (_gate)
        {
            state = _jsep.AddTransceiver(kind, direction, createdByAddTrack: false);
        }

        if (_jsep.SignalingState == RTCSignalingState.Stable)
        {
            Raise(NegotiationNeeded);
        }

        return new RTCRtpTransceiver(state, null);
    }

    /// <summary>Every transceiver, in m-line order of creation (W3C getTransceivers).</summary>
    public IReadOnlyList<RTCRtpTransceiver> GetTransceivers()
    {
        lock (_gate)
        {
            return _jsep.Transceivers
                .Select(t => new RTCRtpTransceiver(t, _senders.FirstOrDefault(s => ReferenceEquals(s.Transceiver, t))))
                .ToList();
        }
    }

    internal bool SendProtected(byte[] buffer, int length) => SendSrtp(buffer, length, rtcp: false);

    private void OnRemoteTrack(JsepTransceiver transceiver)
    {
        RemoteMediaStreamTrack track;
        lock (_gate)
        {
            if (!_remoteTracks.TryGetValue(transceiver, out track!))
            {
                track = new RemoteMediaStreamTrack(transceiver.RemoteTrackId ?? Guid.NewGuid().ToString(), transceiver.Kind, transceiver.Mid);
                _remoteTracks[transceiver] = track;
            }
        }

        var streams = transceiver.RemoteStreamIds.Select(id => new MediaStream(id, [track])).ToList();
        Raise(Track, new RTCTrackEventArgs(track, streams, transceiver.Mid));
    }

    private void OnRtp(ReadOnlySpan<byte> packet)
    {
        if (!RtpPacket.TryParse(packet, out var rtp, out _))
        {
            Interlocked.Increment(ref _rtpDroppedUnparsable);
            Interlocked.Increment(ref _srtpDropped);
            return;
        }

        var (transceiver, track) = Route(rtp);
        if (track is null)
        {
            Interlocked.Increment(ref _rtpUnroutable);
            return;
        }

        OnRtpReceived(transceiver!, rtp, track);
        track.Deliver(new RtpPacketInfo(rtp.PayloadType, rtp.SequenceNumber, rtp.Timestamp, rtp.Marker, rtp.Ssrc), rtp.Payload);
    }

    /// <summary>RFC 8843 §9.2: by MID extension, then by announced SSRC, then by a payload type unique to one m-line.</summary>
    private (JsepTransceiver? Transceiver, RemoteMediaStreamTrack? Track) Route(RtpPacket rtp)
    {
        lock (_gate)
        {
            foreach (var (transceiver, track) in _remoteTracks)
            {
                if (transceiver.MidExtensionId is { } midId && rtp.TryGetExtension(midId, out var value) && value.SequenceEqual(transceiver.MidBytes))
                {
                    return (transceiver, track);
                }
            }

            foreach (var (transceiver, track) in _remoteTracks)
            {
                if (transceiver.RemoteSsrcs.Contains(rtp.Ssrc))
                {
                    return (transceiver, track);
                }
            }

            (JsepTransceiver? Transceiver, RemoteMediaStreamTrack? Track) byType = (null, null);
            foreach (var (transceiver, track) in _remoteTracks)
            {
                if (transceiver.FindCodec(rtp.PayloadType) is not null)
                {
                    if (byType.Track is not null)
                    {
                        return (null, null); // ambiguous
                    }

                    byType = (transceiver, track);
                }
            }

            return byType;
        }
    }
}
