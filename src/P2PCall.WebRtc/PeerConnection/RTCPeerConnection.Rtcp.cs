using System.Buffers;
using P2PCall.WebRtc.Jsep;
using P2PCall.WebRtc.Rtcp;
using P2PCall.WebRtc.Rtp;

namespace P2PCall.WebRtc;

/// <summary>
/// RTCP (RFC 3550 §6): one reporter per transceiver (its sender's SSRC reports on the remote source of the
/// same m-line), reports sent on schedule over SRTCP, statistics and RTT kept, and feedback (PLI, FIR,
/// NACK; RFC 4585, RFC 5104) handed to the sender it is about.
/// </summary>
public sealed partial class RTCPeerConnection
{
    private static readonly TimeSpan RtcpTick = TimeSpan.FromMilliseconds(100);
    private readonly Lock _rtcpGate = new();
    private readonly Dictionary<JsepTransceiver, RtcpReporter> _reporters = [];
    private ITimer? _rtcpTimer;

    /// <summary>A snapshot of the connection's RTP statistics (a reduced W3C getStats()).</summary>
    public RTCStatsReport GetStats()
    {
        var outbound = new List<RTCOutboundRtpStreamStats>();
        var inbound = new List<RTCInboundRtpStreamStats>();
        lock (_rtcpGate)
        {
            foreach (var sender in Senders)
            {
                _reporters.TryGetValue(sender.Transceiver, out var reporter);
                outbound.Add(new RTCOutboundRtpStreamStats(sender.Ssrc, sender.Transceiver.Kind, sender.Mid, sender.PacketsSent, sender.BytesSent, reporter?.RoundTripTime)
                {
                    NackCount = sender.NackCount,
                    RetransmittedPacketsSent = sender.RetransmittedPacketsSent,
                });
            }

            foreach (var (transceiver, reporter) in _reporters)
            {
                RemoteMediaStreamTrack? track;
                lock (_gate)
                {
                    _remoteTracks.TryGetValue(transceiver, out track);
                }

                var ssrcs = transceiver.RemoteSsrcs.ToList();
                if (track?.LastSsrc is { } last && !ssrcs.Contains(last))
                {
                    ssrcs.Add(last);
                }

                foreach (var ssrc in ssrcs)
                {
                    if (reporter.TryGetSource(ssrc, out var source))
                    {
                        var clock = source.ClockRate > 0 ? source.ClockRate : 90000;
                        inbound.Add(new RTCInboundRtpStreamStats(ssrc, transceiver.Kind, transceiver.Mid, source.PacketsReceived, Math.Max(0, source.PacketsLost), (double)source.Jitter / clock)
                        {
                            NackCount = _nacks.TryGetValue(transceiver, out var nack) && nack.MediaSsrc == ssrc ? Interlocked.Read(ref nack.NacksSent) : 0,
                        });
                    }
                }
            }
        }

        return new RTCStatsReport(_time.GetUtcNow(), outbound, inbound);
    }

    /// <summary>Creates the reporters and starts the report schedule, once SRTP keys exist.</summary>
    private void StartRtcp()
    {
        lock (_rtcpGate)
        {
            if (_rtcpTimer is not null || IsClosed)
            {
                return;
            }

            foreach (var transceiver in _jsep.Transceivers.Where(t => t.NegotiatedCodecs.Count > 0 && !t.Stopped))
            {
                var reporter = new RtcpReporter(transceiver.SendSsrc, _jsep.Local.CName, _time);
                if (transceiver.Sending)
                {
                    reporter.AddSender((int)transceiver.NegotiatedCodecs[0].ClockRate);
                }

                _reporters[transceiver] = reporter;
            }

            _rtcpTimer = _time.CreateTimer(_ =>
            {
                SendDueReports();
                SendDueNacks();
            }, null, RtcpTick, RtcpTick);
        }
    }

    private void SendDueReports()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(2048);
        try
        {
            lock (_rtcpGate)
            {
                foreach (var reporter in _reporters.Values)
                {
                    if (reporter.MaxReportLength + 64 <= buffer.Length && reporter.TryWriteReport(buffer, out var written))
                    {
                        SendSrtp(buffer, written, rtcp: true);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Counts a sent packet for the sender report (RFC 3550 §6.4.1 sender info).</summary>
    internal void OnRtpSent(JsepTransceiver transceiver, uint timestamp, int payloadLength)
    {
        lock (_rtcpGate)
        {
            if (_reporters.TryGetValue(transceiver, out var reporter))
            {
                (reporter.Sender ?? reporter.AddSender((int)transceiver.NegotiatedCodecs[0].ClockRate)).OnPacketSent(timestamp, payloadLength);
            }
        }
    }

    /// <summary>Reception statistics per remote source (RFC 3550 §6.4.1, Appendix A.3, A.8).</summary>
    private void OnRtpReceived(JsepTransceiver transceiver, RtpPacket rtp, RemoteMediaStreamTrack track)
    {
        Span<ushort> lost = stackalloc ushort[MaxNackBatch];
        NackDue due;
        NackState? nack;
        lock (_rtcpGate)
        {
            if (!_reporters.TryGetValue(transceiver, out var reporter))
            {
                return;
            }

            var clockRate = transceiver.FindCodec(rtp.PayloadType)?.ClockRate ?? 90000;
            reporter.GetOrAddSource(rtp.Ssrc, (int)clockRate).OnPacketReceived(rtp);
            due = TrackLoss(transceiver, rtp, RoundTripTimeFor(reporter), lost, out nack);
            nack?.Snapshot();
        }

        if (nack is not null && (due.Count > 0 || due.GaveUp))
        {
            SendLossFeedback(transceiver, nack, due, lost);
        }

        nack?.Publish(track);
    }

    private void OnRtcp(ReadOnlySpan<byte> packet)
    {
        Interlocked.Increment(ref _rtcpReceived);
        lock (_rtcpGate)
        {
            foreach (var reporter in _reporters.Values)
            {
                reporter.OnRtcpReceived(packet);
            }
        }

        var reader = new RtcpCompoundReader(packet);
        while (reader.MoveNext())
        {
            var view = reader.Current;
            switch (view.Kind)
            {
                case RtcpPacketKind.PictureLossIndication when RtcpPictureLossIndication.TryParse(view, out var pli, out _):
                    SenderFor(pli.MediaSsrc)?.OnKeyFrameRequested();
                    break;
                case RtcpPacketKind.FullIntraRequest when RtcpFullIntraRequest.TryParse(view, out var fir, out _):
                    for (var i = 0; i < fir.EntryCount; i++)
                    {
                        SenderFor(fir.GetEntry(i).Ssrc)?.OnKeyFrameRequested();
                    }

                    break;
                case RtcpPacketKind.GenericNack when RtcpGenericNack.TryParse(view, out var nack, out _):
                    SenderFor(nack.MediaSsrc)?.OnNack(nack);

                    break;
            }
        }
    }

    /// <summary>Sends a picture loss indication for a remote video source (RFC 4585 §6.3.1).</summary>
    /// <param name="track">The remote video track whose sender should send a keyframe.</param>
    /// <returns>False when the transport is not connected or the source is not known yet.</returns>
    public bool RequestKeyFrame(RemoteMediaStreamTrack track)
    {
        ArgumentNullException.ThrowIfNull(track);
        JsepTransceiver? transceiver;
        lock (_gate)
        {
            transceiver = _remoteTracks.FirstOrDefault(p => ReferenceEquals(p.Value, track)).Key;
        }

        if (transceiver is null || track.LastSsrc is not { } mediaSsrc)
        {
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(RtcpPictureLossIndication.Length + 64);
        try
        {
            return RtcpPictureLossIndication.TryWrite(buffer, transceiver.SendSsrc, mediaSsrc, out var written) && SendSrtp(buffer, written, rtcp: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private RTCRtpSender? SenderFor(uint ssrc)
    {
        lock (_gate)
        {
            foreach (var sender in _senders)
            {
                if (sender.Ssrc == ssrc)
                {
                    return sender;
                }
            }

            return null;
        }
    }

    private void StopRtcp()
    {
        lock (_rtcpGate)
        {
            _rtcpTimer?.Dispose();
            _rtcpTimer = null;
            _reporters.Clear();
        }

        StopNacks();
    }
}

/// <summary>A snapshot of RTP statistics (a reduced W3C RTCStatsReport).</summary>
/// <param name="Timestamp">When it was taken.</param>
/// <param name="Outbound">One entry per sender.</param>
/// <param name="Inbound">One entry per remote source heard from.</param>
public sealed record RTCStatsReport(DateTimeOffset Timestamp, IReadOnlyList<RTCOutboundRtpStreamStats> Outbound, IReadOnlyList<RTCInboundRtpStreamStats> Inbound);

/// <summary>What one sender sent (W3C RTCOutboundRtpStreamStats, reduced).</summary>
/// <param name="Ssrc">The sender's SSRC.</param>
/// <param name="Kind">Audio or video.</param>
/// <param name="Mid">The transceiver's mid.</param>
/// <param name="PacketsSent">RTP packets sent.</param>
/// <param name="BytesSent">Payload bytes sent.</param>
/// <param name="RoundTripTime">The RTT from the remote side's reports (RFC 3550 §6.4.1), once known.</param>
public sealed record RTCOutboundRtpStreamStats(uint Ssrc, MediaKind Kind, string? Mid, long PacketsSent, long BytesSent, TimeSpan? RoundTripTime)
{
    /// <summary>Generic NACKs received for this stream (RFC 4585 §6.2.1).</summary>
    public long NackCount { get; init; }

    /// <summary>Packets sent again because a NACK named them (no RTX: the same packet, same sequence number).</summary>
    public long RetransmittedPacketsSent { get; init; }
}

/// <summary>What was received from one remote source (W3C RTCInboundRtpStreamStats, reduced).</summary>
/// <param name="Ssrc">The remote SSRC.</param>
/// <param name="Kind">Audio or video.</param>
/// <param name="Mid">The transceiver's mid.</param>
/// <param name="PacketsReceived">RTP packets received.</param>
/// <param name="PacketsLost">Packets expected but not received (RFC 3550 §6.4.1 cumulative lost).</param>
/// <param name="JitterSeconds">The interarrival jitter estimate, in seconds.</param>
public sealed record RTCInboundRtpStreamStats(uint Ssrc, MediaKind Kind, string? Mid, long PacketsReceived, long PacketsLost, double JitterSeconds)
{
    /// <summary>Generic NACKs sent asking for this stream's lost packets (RFC 4585 §6.2.1).</summary>
    public long NackCount { get; init; }
}
