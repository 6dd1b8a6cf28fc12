namespace P2PCall.WebRtc.Rtcp;

/// <summary>RTCP packet type (PT) values.</summary>
internal static class RtcpPacketType
{
    /// <summary>Sender report (RFC 3550 §6.4.1).</summary>
    public const byte SenderReport = 200;

    /// <summary>Receiver report (RFC 3550 §6.4.2).</summary>
    public const byte ReceiverReport = 201;

    /// <summary>Source description (RFC 3550 §6.5).</summary>
    public const byte SourceDescription = 202;

    /// <summary>Goodbye (RFC 3550 §6.6).</summary>
    public const byte Goodbye = 203;

    /// <summary>Application-defined (RFC 3550 §6.7).</summary>
    public const byte ApplicationDefined = 204;

    /// <summary>Transport-layer feedback (RFC 4585 §6.1).</summary>
    public const byte TransportFeedback = 205;

    /// <summary>Payload-specific feedback (RFC 4585 §6.1).</summary>
    public const byte PayloadFeedback = 206;

    /// <summary>Extended report (RFC 3611).</summary>
    public const byte ExtendedReport = 207;

    /// <summary>RTPFB FMT of generic NACK (RFC 4585 §6.2.1).</summary>
    public const int FormatGenericNack = 1;

    /// <summary>RTPFB FMT of RFC 8888 congestion control feedback.</summary>
    public const int FormatCongestionControlFeedback = 11;

    /// <summary>RTPFB FMT of transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions §3.1).</summary>
    public const int FormatTransportWideCc = 15;

    /// <summary>PSFB FMT of picture loss indication (RFC 4585 §6.3.1).</summary>
    public const int FormatPictureLossIndication = 1;

    /// <summary>PSFB FMT of full intra request (RFC 5104 §4.3.1).</summary>
    public const int FormatFullIntraRequest = 4;

    /// <summary>PSFB FMT of application-layer feedback, used by REMB (RFC 4585 §6.4).</summary>
    public const int FormatApplicationLayerFeedback = 15;
}

/// <summary>What an RTCP packet in a compound datagram is, as far as this stack reads it.</summary>
internal enum RtcpPacketKind
{
    /// <summary>A packet type or feedback format this stack does not know; skip it (RFC 3550 §6.1).</summary>
    Unknown = 0,

    /// <summary>SR, read with <see cref="RtcpSenderReport"/>.</summary>
    SenderReport,

    /// <summary>RR, read with <see cref="RtcpReceiverReport"/>.</summary>
    ReceiverReport,

    /// <summary>SDES, read with <see cref="RtcpSourceDescription"/>.</summary>
    SourceDescription,

    /// <summary>BYE, read with <see cref="RtcpGoodbye"/>.</summary>
    Goodbye,

    /// <summary>APP; known but not handled.</summary>
    ApplicationDefined,

    /// <summary>Generic NACK, read with <see cref="RtcpGenericNack"/>.</summary>
    GenericNack,

    /// <summary>Transport-wide congestion control feedback (RTPFB FMT 15); known but not handled yet.</summary>
    TransportWideCc,

    /// <summary>RFC 8888 congestion control feedback (RTPFB FMT 11); known but not handled yet.</summary>
    CongestionControlFeedback,

    /// <summary>Picture loss indication, read with <see cref="RtcpPictureLossIndication"/>.</summary>
    PictureLossIndication,

    /// <summary>Full intra request, read with <see cref="RtcpFullIntraRequest"/>.</summary>
    FullIntraRequest,

    /// <summary>Receiver estimated maximum bitrate, read with <see cref="RtcpRemb"/>.</summary>
    ReceiverEstimatedMaxBitrate,

    /// <summary>Application-layer feedback other than REMB; known but not handled.</summary>
    ApplicationLayerFeedback,

    /// <summary>XR (RFC 3611); known but not handled.</summary>
    ExtendedReport,
}
