using System.Buffers;
using P2PCall.WebRtc.Jsep;
using P2PCall.WebRtc.Rtcp;
using P2PCall.WebRtc.Rtp;

namespace P2PCall.WebRtc;

/// <summary>
/// Receive-side loss repair: for each remote stream whose codec negotiated <c>a=rtcp-fb:* nack</c>, sequence gaps
/// are asked for again with generic NACKs (RFC 4585 §6.2.1), on the packet that reveals them and then on the RTCP
/// tick; a packet given up on leads to a PLI (RFC 4585 §6.3.1). The send side answers NACKs in
/// <see cref="RTCRtpSender"/> from its packet history.
/// </summary>
public sealed partial class RTCPeerConnection
{
    private const int MaxNackBatch = 64;

    // Retry once a retransmission has had time to come back: 1.5 × RTT, not below 50 ms; 100 ms while no RTT is
    // known (libwebrtc assumes the same). Asking again too early brings duplicates the SRTP replay check drops.
    private static readonly TimeSpan MinNackRetryInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan UnknownRttNackRetryInterval = TimeSpan.FromMilliseconds(100);
    private readonly Dictionary<JsepTransceiver, NackState> _nacks = [];

    /// <summary>The connection's clock (senders age their packet history on it).</summary>
    internal TimeProvider Time => _time;

    /// <summary>Notes a received packet for loss repair; called under <c>_rtcpGate</c> with the reporter's RTT.</summary>
    private NackDue TrackLoss(JsepTransceiver transceiver, RtpPacket rtp, TimeSpan? roundTripTime, Span<ushort> due, out NackState? state)
    {
        state = null;
        if (!transceiver.GenericNackNegotiated)
        {
            return default;
        }

        if (!_nacks.TryGetValue(transceiver, out state))
        {
            state = new NackState(new RtcpNackGenerator(_time), rtp.Ssrc);
            _nacks[transceiver] = state;
        }
        else if (state.MediaSsrc != rtp.Ssrc)
        {
            state.Generator.Reset(); // a new source: its sequence numbers are unrelated
            state.MediaSsrc = rtp.Ssrc;
        }

        state.Generator.OnPacket(rtp.SequenceNumber);
        return Collect(state, roundTripTime, due);
    }

    private static NackDue Collect(NackState state, TimeSpan? roundTripTime, Span<ushort> due)
    {
        if (roundTripTime is { } rtt)
        {
            var interval = rtt + rtt / 2;
            state.Generator.RetryInterval = interval > MinNackRetryInterval ? interval : MinNackRetryInterval;
        }
        else
        {
            state.Generator.RetryInterval = UnknownRttNackRetryInterval;
        }

        return state.Generator.Collect(due);
    }

    /// <summary>The transceiver's RTT, else any other's: with BUNDLE every stream shares one path (RFC 8843).</summary>
    private TimeSpan? RoundTripTimeFor(RtcpReporter? reporter)
    {
        if (reporter?.RoundTripTime is { } own)
        {
            return own;
        }

        foreach (var other in _reporters.Values)
        {
            if (other.RoundTripTime is { } rtt)
            {
                return rtt;
            }
        }

        return null;
    }

    /// <summary>Sends what <see cref="TrackLoss"/> or the tick found due: one NACK, and a PLI when something was abandoned.</summary>
    private void SendLossFeedback(JsepTransceiver transceiver, NackState state, NackDue due, ReadOnlySpan<ushort> lost)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(RtcpPictureLossIndication.Length + 512);
        try
        {
            if (due.Count > 0
                && RtcpGenericNack.TryWrite(buffer, transceiver.SendSsrc, state.MediaSsrc, lost[..due.Count], out var written)
                && SendSrtp(buffer, written, rtcp: true))
            {
                Interlocked.Increment(ref state.NacksSent);
            }

            if (due.GaveUp && RtcpPictureLossIndication.TryWrite(buffer, transceiver.SendSsrc, state.MediaSsrc, out var pliLength))
            {
                SendSrtp(buffer, pliLength, rtcp: true);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

    }

    /// <summary>On the RTCP tick: retries for streams that went quiet (no packet to trigger them).</summary>
    private void SendDueNacks()
    {
        Span<ushort> lost = stackalloc ushort[MaxNackBatch];
        List<(JsepTransceiver Transceiver, NackState State, NackDue Due, ushort[] Lost)>? work = null;
        lock (_rtcpGate)
        {
            foreach (var (transceiver, state) in _nacks)
            {
                if (state.Generator.MissingCount == 0)
                {
                    continue;
                }

                _reporters.TryGetValue(transceiver, out var reporter);
                var due = Collect(state, RoundTripTimeFor(reporter), lost);
                state.Snapshot();
                if (due.Count > 0 || due.GaveUp)
                {
                    (work ??= []).Add((transceiver, state, due, lost[..due.Count].ToArray())); // off the packet path
                }
            }
        }

        if (work is null)
        {
            return;
        }

        foreach (var (transceiver, state, due, numbers) in work)
        {
            SendLossFeedback(transceiver, state, due, numbers);
            RemoteMediaStreamTrack? track;
            lock (_gate)
            {
                _remoteTracks.TryGetValue(transceiver, out track);
            }

            if (track is not null)
            {
                state.Publish(track);
            }
        }
    }

    private void StopNacks()
    {
        lock (_rtcpGate)
        {
            _nacks.Clear();
        }

        foreach (var sender in Senders)
        {
            sender.ReleaseHistory();
        }
    }

    /// <summary>Loss-repair state of one received stream.</summary>
    private sealed class NackState(RtcpNackGenerator generator, uint mediaSsrc)
    {
        public long NacksSent;

        public RtcpNackGenerator Generator { get; } = generator;

        public uint MediaSsrc { get; set; } = mediaSsrc;

        /// <summary>Counters copied under the lock, for reading outside it.</summary>
        public long Recovered { get; private set; }

        public long Abandoned { get; private set; }

        public void Snapshot()
        {
            Recovered = Generator.Recovered;
            Abandoned = Generator.Abandoned;
        }

        public void Publish(RemoteMediaStreamTrack track) => track.UpdateLossRepair(Interlocked.Read(ref NacksSent), Recovered, Abandoned);
    }
}
