using P2PCall.WebRtc.Rtp;

namespace P2PCall.WebRtc.Rtcp;

/// <summary>Settings of an <see cref="RtcpReporter"/>.</summary>
internal sealed record RtcpReporterOptions
{
    /// <summary>The minimum report interval (see <see cref="RtcpInterval"/>); 1 s by default.</summary>
    public TimeSpan MinimumInterval { get; init; } = RtcpInterval.DefaultMinimumInterval;

    /// <summary>The RTCP bandwidth in octets per second; 5 % of a 2 Mbit/s session by default (RFC 3550 §6.2).</summary>
    public double RtcpBandwidth { get; init; } = 2_000_000 * 0.05 / 8;
}

/// <summary>
/// Sans-I/O RTCP reporting for one local SSRC (RFC 3550 §6): tracks remote sources and the local sender,
/// decides when the next regular report is due on an injected <see cref="TimeProvider"/>, writes SR or RR +
/// SDES CNAME compound packets, and reads incoming reports for LSR/DLSR and round-trip time. It owns no
/// timer: the connection asks <see cref="GetDelayUntilNextReport"/>, sleeps, and calls
/// <see cref="TryWriteReport"/>. Not thread-safe; one owner calls it.
/// </summary>
internal sealed class RtcpReporter
{
    /// <summary>IPv4 + UDP header octets added to packet sizes for the average RTCP size (RFC 3550 §6.3.3, §6.2).</summary>
    private const int LowerLayerOverhead = 28;

    private readonly TimeProvider _timeProvider;
    private readonly RtcpReporterOptions _options;
    private readonly Random _random;
    private readonly Dictionary<uint, RtpReceiverStatistics> _sources = [];
    private readonly RtcpSdesItem[] _sdes;
    private double _averageRtcpSize = 128;
    private bool _initial = true;
    private long _lastReportTimestamp;
    private long _reportBeforeLastTimestamp;

    /// <summary>Creates a reporter and schedules its first report (after a randomised half minimum interval).</summary>
    /// <param name="localSsrc">Our SSRC, used as the sender of SR/RR and SDES.</param>
    /// <param name="cname">Our canonical name (RFC 3550 §6.5.1, RFC 7022), at most 255 UTF-8 bytes.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="options">Settings, or defaults.</param>
    /// <param name="random">The randomisation source (seed it in tests), or a shared one.</param>
    public RtcpReporter(uint localSsrc, string cname, TimeProvider timeProvider, RtcpReporterOptions? options = null, Random? random = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(cname);
        ArgumentNullException.ThrowIfNull(timeProvider);
        LocalSsrc = localSsrc;
        CName = cname;
        _timeProvider = timeProvider;
        _options = options ?? new RtcpReporterOptions();
        _random = random ?? Random.Shared;
        _sdes = [new RtcpSdesItem(localSsrc, RtcpSdesItemType.CName, cname)];
        _ = RtcpSourceDescription.GetSerializedLength(_sdes); // Validates the CNAME length up front.
        long now = timeProvider.GetTimestamp();
        _lastReportTimestamp = now;
        _reportBeforeLastTimestamp = now;
        NextReportTimestamp = now + ToTimestampTicks(NextInterval());
    }

    /// <summary>Our SSRC.</summary>
    public uint LocalSsrc { get; }

    /// <summary>Our CNAME.</summary>
    public string CName { get; }

    /// <summary>The local sender's statistics once <see cref="AddSender"/> was called.</summary>
    public RtcpSenderStatistics? Sender { get; private set; }

    /// <summary>The latest round-trip time measured from a report block about us (RFC 3550 §6.4.1).</summary>
    public TimeSpan? RoundTripTime { get; private set; }

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> value at which the next regular report is due.</summary>
    public long NextReportTimestamp { get; private set; }

    /// <summary>The number of remote sources tracked.</summary>
    public int SourceCount => _sources.Count;

    /// <summary>Starts tracking what we send, so reports become SRs.</summary>
    /// <param name="clockRate">The RTP clock rate of what we send.</param>
    /// <returns>The sender statistics to feed on every sent packet.</returns>
    public RtcpSenderStatistics AddSender(int clockRate) => Sender ??= new RtcpSenderStatistics(LocalSsrc, clockRate, _timeProvider);

    /// <summary>Gets or starts the statistics of a remote source.</summary>
    /// <param name="ssrc">The remote SSRC.</param>
    /// <param name="clockRate">Its RTP clock rate (used when the source is new).</param>
    /// <returns>The statistics to feed on every received packet.</returns>
    public RtpReceiverStatistics GetOrAddSource(uint ssrc, int clockRate)
    {
        if (!_sources.TryGetValue(ssrc, out RtpReceiverStatistics? stats))
        {
            stats = new RtpReceiverStatistics(ssrc, clockRate, _timeProvider);
            _sources.Add(ssrc, stats);
        }

        return stats;
    }

    /// <summary>Looks up a remote source.</summary>
    /// <param name="ssrc">The remote SSRC.</param>
    /// <param name="statistics">Its statistics when tracked.</param>
    /// <returns><see langword="true"/> when tracked.</returns>
    public bool TryGetSource(uint ssrc, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RtpReceiverStatistics? statistics) =>
        _sources.TryGetValue(ssrc, out statistics);

    /// <summary>How long until the next regular report is due (zero when it is due now).</summary>
    /// <returns>The delay.</returns>
    public TimeSpan GetDelayUntilNextReport()
    {
        long now = _timeProvider.GetTimestamp();
        return now >= NextReportTimestamp ? TimeSpan.Zero : _timeProvider.GetElapsedTime(now, NextReportTimestamp);
    }

    /// <summary>Writes the regular compound report if it is due, and schedules the next one.</summary>
    /// <param name="destination">A buffer of at least <see cref="MaxReportLength"/> bytes is always enough.</param>
    /// <param name="written">The bytes written, 0 when nothing was due or the buffer was too small.</param>
    /// <returns><see langword="true"/> when a report was written.</returns>
    public bool TryWriteReport(Span<byte> destination, out int written)
    {
        written = 0;
        return _timeProvider.GetTimestamp() >= NextReportTimestamp && TryWriteReportNow(destination, out written);
    }

    /// <summary>The largest compound report this reporter writes: SR with 31 blocks + SDES CNAME.</summary>
    public int MaxReportLength => RtcpSenderReport.GetSerializedLength(RtcpReportBlock.MaxPerPacket) + RtcpSourceDescription.GetSerializedLength(_sdes);

    /// <summary>
    /// Writes a compound report now, regardless of the schedule (for example just before BYE), and schedules
    /// the next one from now. An SR when we sent RTP since the report before last (RFC 3550 §6.4), else an RR;
    /// report blocks for up to 31 sources heard from since the last report; then SDES CNAME (RFC 3550 §6.1).
    /// </summary>
    /// <param name="destination">The buffer.</param>
    /// <param name="written">The bytes written, 0 when the buffer was too small.</param>
    /// <returns><see langword="true"/> when a report was written.</returns>
    public bool TryWriteReportNow(Span<byte> destination, out int written)
    {
        written = 0;
        bool weSent = WeSent();
        int blockCount = 0;
        foreach (RtpReceiverStatistics source in _sources.Values)
        {
            if (source.IsValid && source.HasReceivedSinceLastReport)
            {
                blockCount++;
            }
        }

        blockCount = Math.Min(blockCount, RtcpReportBlock.MaxPerPacket);
        int reportLength = weSent ? RtcpSenderReport.GetSerializedLength(blockCount) : RtcpReceiverReport.GetSerializedLength(blockCount);
        int total = reportLength + RtcpSourceDescription.GetSerializedLength(_sdes);
        if (destination.Length < total)
        {
            return false;
        }

        Span<RtcpReportBlock> blocks = stackalloc RtcpReportBlock[RtcpReportBlock.MaxPerPacket];
        int filled = 0;
        foreach (RtpReceiverStatistics source in _sources.Values)
        {
            if (filled < blockCount && source.IsValid && source.HasReceivedSinceLastReport)
            {
                RtpReceptionReport reception = source.CreateReport();
                blocks[filled++] = RtcpReportBlock.From(in reception);
            }
        }

        bool ok = weSent
            ? RtcpSenderReport.TryWrite(destination, LocalSsrc, Sender!.CreateSenderInfo(), blocks[..filled], out int reportWritten)
            : RtcpReceiverReport.TryWrite(destination, LocalSsrc, blocks[..filled], out reportWritten);
        ok &= RtcpSourceDescription.TryWrite(destination[reportWritten..], _sdes, out int sdesWritten);
        if (!ok)
        {
            return false;
        }

        written = reportWritten + sdesWritten;

        // RFC 3550 §6.3.3: avg_rtcp_size = 1/16 * packet_size + 15/16 * avg_rtcp_size.
        _averageRtcpSize = ((written + LowerLayerOverhead) / 16.0) + (_averageRtcpSize * 15 / 16);
        _initial = false;
        long now = _timeProvider.GetTimestamp();
        _reportBeforeLastTimestamp = _lastReportTimestamp;
        _lastReportTimestamp = now;
        NextReportTimestamp = now + ToTimestampTicks(NextInterval());
        return true;
    }

    /// <summary>
    /// Reads an incoming (decrypted) RTCP datagram: SRs from tracked sources are noted for LSR/DLSR, report
    /// blocks about <see cref="LocalSsrc"/> update <see cref="RoundTripTime"/>, BYE stops tracking the sources
    /// it names. Other packets are left to the caller. Never throws on malformed input.
    /// </summary>
    /// <param name="datagram">The compound or reduced-size datagram.</param>
    /// <returns>The framing error that stopped the walk, or <see cref="RtcpParseError.None"/>.</returns>
    public RtcpParseError OnRtcpReceived(ReadOnlySpan<byte> datagram)
    {
        uint arrival = NtpTimestamp.Now(_timeProvider).Middle32;
        var reader = new RtcpCompoundReader(datagram);
        while (reader.MoveNext())
        {
            RtcpPacketView packet = reader.Current;
            switch (packet.Kind)
            {
                case RtcpPacketKind.SenderReport when RtcpSenderReport.TryParse(packet, out RtcpSenderReport sr, out _):
                    if (_sources.TryGetValue(sr.SenderSsrc, out RtpReceiverStatistics? source))
                    {
                        source.OnSenderReportReceived(sr.SenderInfo.NtpTimestamp);
                    }

                    for (int i = 0; i < sr.ReportCount; i++)
                    {
                        OnReportBlock(sr.GetReportBlock(i), arrival);
                    }

                    break;
                case RtcpPacketKind.ReceiverReport when RtcpReceiverReport.TryParse(packet, out RtcpReceiverReport rr, out _):
                    for (int i = 0; i < rr.ReportCount; i++)
                    {
                        OnReportBlock(rr.GetReportBlock(i), arrival);
                    }

                    break;
                case RtcpPacketKind.Goodbye when RtcpGoodbye.TryParse(packet, out RtcpGoodbye bye, out _):
                    // RFC 3550 §6.6: the sources named leave the session.
                    for (int i = 0; i < bye.SourceCount; i++)
                    {
                        _sources.Remove(bye.GetSsrc(i));
                    }

                    break;
            }
        }

        if (reader.Error is RtcpParseError.None)
        {
            // RFC 3550 §6.3.3: received compound packets update the average size too.
            _averageRtcpSize = ((datagram.Length + LowerLayerOverhead) / 16.0) + (_averageRtcpSize * 15 / 16);
        }

        return reader.Error;
    }

    private void OnReportBlock(RtcpReportBlock block, uint arrival)
    {
        if (block.Ssrc == LocalSsrc
            && RtcpRoundTrip.TryCompute(arrival, block.LastSenderReport, block.DelaySinceLastSenderReport, out TimeSpan rtt))
        {
            RoundTripTime = rtt;
        }
    }

    private bool WeSent() => Sender is { HasSent: true } sender && sender.LastSentTimestamp >= _reportBeforeLastTimestamp;

    private TimeSpan NextInterval()
    {
        bool weSent = WeSent();
        int senders = weSent ? 1 : 0;
        foreach (RtpReceiverStatistics source in _sources.Values)
        {
            if (source.HasReceivedSinceLastReport)
            {
                senders++;
            }
        }

        TimeSpan td = RtcpInterval.ComputeDeterministic(1 + _sources.Count, senders, _options.RtcpBandwidth, weSent, _averageRtcpSize, _initial, _options.MinimumInterval);
        return RtcpInterval.Randomize(td, _random);
    }

    private long ToTimestampTicks(TimeSpan interval) => (long)(interval.TotalSeconds * _timeProvider.TimestampFrequency);
}
