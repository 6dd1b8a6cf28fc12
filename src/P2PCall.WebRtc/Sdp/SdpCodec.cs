namespace P2PCall.WebRtc.Sdp;

/// <summary>
/// One RTP payload format of a media description, gathered from its m-line format, <c>a=rtpmap</c>,
/// <c>a=fmtp</c> and <c>a=rtcp-fb</c> lines. Read it with <see cref="MediaDescription.GetCodecs"/>;
/// write it with <see cref="MediaDescription.AddCodec"/>.
/// </summary>
public sealed record SdpCodec
{
    /// <summary>Creates a codec description.</summary>
    /// <param name="payloadType">The payload type, 0–127.</param>
    /// <param name="name">The encoding name, for example <c>opus</c>.</param>
    /// <param name="clockRate">The clock rate in Hz.</param>
    /// <param name="channels">The channel count for audio when written, or null.</param>
    /// <param name="fmtp">The format parameters as written, or null.</param>
    /// <param name="feedback">The RTCP feedback lines that apply (including <c>*</c> ones), or null for none.</param>
    public SdpCodec(byte payloadType, string name, uint clockRate, uint? channels = null, string? fmtp = null,
        IEnumerable<SdpRtcpFeedback>? feedback = null)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadType, (byte)127);
        PayloadType = payloadType;
        Name = SdpText.RequireField(name, nameof(name));
        ClockRate = clockRate;
        Channels = channels;
        Fmtp = fmtp is null ? null : SdpText.RequireLineSafe(fmtp, nameof(fmtp));
        Feedback = (feedback ?? []).ToArray();
    }

    /// <summary>The payload type, 0–127.</summary>
    public byte PayloadType { get; }

    /// <summary>The encoding name, for example <c>opus</c> or <c>VP8</c> (compare case-insensitively).</summary>
    public string Name { get; }

    /// <summary>The clock rate in Hz.</summary>
    public uint ClockRate { get; }

    /// <summary>The channel count when written, or null.</summary>
    public uint? Channels { get; }

    /// <summary>The <c>a=fmtp</c> parameters as written, or null.</summary>
    public string? Fmtp { get; }

    /// <summary>The RTCP feedback that applies to this payload type, in order (RFC 4585 §4.2).</summary>
    public IReadOnlyList<SdpRtcpFeedback> Feedback { get; }

    /// <summary>The fmtp parameters as <c>key=value</c> pairs (empty when there is no fmtp).</summary>
    /// <returns>The parameters.</returns>
    public IReadOnlyDictionary<string, string> GetFmtpParameters() =>
        Fmtp is null ? new Dictionary<string, string>() : new SdpFmtp(PayloadType, Fmtp).GetParameters();

    /// <summary>Equal when every field and every feedback line is equal.</summary>
    /// <param name="other">The other codec.</param>
    /// <returns>Whether they are equal.</returns>
    public bool Equals(SdpCodec? other) =>
        other is not null && PayloadType == other.PayloadType && Name == other.Name && ClockRate == other.ClockRate
        && Channels == other.Channels && Fmtp == other.Fmtp && SdpText.SequenceEqual(Feedback, other.Feedback);

    /// <inheritdoc/>
    public override int GetHashCode() =>
        HashCode.Combine(PayloadType, Name, ClockRate, Channels, Fmtp, SdpText.SequenceHash(Feedback));

    /// <summary>
    /// The static payload types of RFC 3551 §6 (Tables 4 and 5), used when a format has no <c>a=rtpmap</c>.
    /// </summary>
    internal static bool TryGetStatic(byte payloadType, out string name, out uint clockRate, out uint? channels)
    {
        channels = null;
        (name, clockRate) = payloadType switch
        {
            0 => ("PCMU", 8000u),
            3 => ("GSM", 8000u),
            4 => ("G723", 8000u),
            5 => ("DVI4", 8000u),
            6 => ("DVI4", 16000u),
            7 => ("LPC", 8000u),
            8 => ("PCMA", 8000u),
            9 => ("G722", 8000u),
            10 => ("L16", 44100u),
            11 => ("L16", 44100u),
            12 => ("QCELP", 8000u),
            13 => ("CN", 8000u),
            14 => ("MPA", 90000u),
            15 => ("G728", 8000u),
            16 => ("DVI4", 11025u),
            17 => ("DVI4", 22050u),
            18 => ("G729", 8000u),
            25 => ("CelB", 90000u),
            26 => ("JPEG", 90000u),
            28 => ("nv", 90000u),
            31 => ("H261", 90000u),
            32 => ("MPV", 90000u),
            33 => ("MP2T", 90000u),
            34 => ("H263", 90000u),
            _ => (string.Empty, 0u),
        };

        if (payloadType == 10)
        {
            channels = 2;
        }

        return name.Length != 0;
    }
}
