using P2PCall.WebRtc.Sdp;

namespace P2PCall.WebRtc.Jsep;

/// <summary>
/// The negotiation state of one RTP transceiver (W3C RTCRtpTransceiver, JSEP RFC 8829 §3.4.1): its mid and
/// m-line, the direction it wants and the one negotiated, the codecs and header extensions both sides
/// agreed on, and what the remote side announced for the media it sends us.
/// </summary>
internal sealed class JsepTransceiver
{
    public JsepTransceiver(MediaKind kind, RTCRtpTransceiverDirection direction, bool createdByAddTrack, uint sendSsrc)
    {
        Kind = kind;
        Direction = direction;
        CreatedByAddTrack = createdByAddTrack;
        SendSsrc = sendSsrc;
    }

    public MediaKind Kind { get; }

    /// <summary>Set when the transceiver is first associated with an m-line (JSEP §5.2.1, §5.10).</summary>
    public string? Mid
    {
        get;
        set
        {
            field = value;
            MidBytes = value is null ? [] : System.Text.Encoding.ASCII.GetBytes(value);
        }
    }

    /// <summary>The mid as the bytes of the RTP MID header extension (RFC 8843 §15).</summary>
    public byte[] MidBytes { get; private set; } = [];

    /// <summary>The direction the application wants.</summary>
    public RTCRtpTransceiverDirection Direction { get; set; }

    /// <summary>The direction last negotiated (W3C currentDirection), or null before the first negotiation.</summary>
    public RTCRtpTransceiverDirection? CurrentDirection { get; set; }

    /// <summary>W3C: transceivers created by addTrack can be matched to a remote offer's m-line of the same kind.</summary>
    public bool CreatedByAddTrack { get; }

    /// <summary>The SSRC we send with (RFC 3550 §8.1: random).</summary>
    public uint SendSsrc { get; }

    /// <summary>The id of the track we send, for <c>a=msid</c> (RFC 8830).</summary>
    public string? SendTrackId { get; set; }

    /// <summary>The stream ids of the track we send; none gives <c>a=msid:- id</c>.</summary>
    public IReadOnlyList<string> SendStreamIds { get; set; } = [];

    /// <summary>Codecs both sides agreed on, with the payload types that go on the wire.</summary>
    public IReadOnlyList<SdpCodec> NegotiatedCodecs
    {
        get;
        set
        {
            field = value;
            GenericNackNegotiated = value.Any(c => c.Feedback.Any(f => string.Equals(f.Type, "nack", StringComparison.OrdinalIgnoreCase) && f.Subtype is null));
        }
    } = [];

    /// <summary>Whether a negotiated codec carries <c>a=rtcp-fb:&lt;pt&gt; nack</c> (RFC 4585 §4.2), derived once per negotiation.</summary>
    public bool GenericNackNegotiated { get; private set; }

    /// <summary>Header extensions both sides agreed on, with their negotiated ids.</summary>
    public IReadOnlyList<SdpExtmap> NegotiatedExtensions
    {
        get;
        set
        {
            field = value;
            MidExtensionId = value.FirstOrDefault(e => e.Uri == JsepCapabilities.MidExtension)?.Id;
        }
    } = [];

    /// <summary>The negotiated id of the MID header extension (RFC 8843 §15), derived once per negotiation for the packet path.</summary>
    public int? MidExtensionId { get; private set; }

    /// <summary>The negotiated codec with this payload type, without allocating (used per packet).</summary>
    public SdpCodec? FindCodec(byte payloadType)
    {
        var codecs = NegotiatedCodecs;
        for (var i = 0; i < codecs.Count; i++)
        {
            if (codecs[i].PayloadType == payloadType)
            {
                return codecs[i];
            }
        }

        return null;
    }

    /// <summary>The SSRCs the remote side announced for this m-line (RFC 5576), if any.</summary>
    public IReadOnlyList<uint> RemoteSsrcs { get; set; } = [];

    /// <summary>The remote track id from <c>a=msid</c>, if any.</summary>
    public string? RemoteTrackId { get; set; }

    /// <summary>The remote stream ids from <c>a=msid</c>.</summary>
    public IReadOnlyList<string> RemoteStreamIds { get; set; } = [];

    /// <summary>The direction the remote side's latest offer gave this m-line.</summary>
    public RTCRtpTransceiverDirection? RemoteOfferedDirection { get; set; }

    /// <summary>Whether a track event was already raised for the remote side's media on this transceiver.</summary>
    public bool RemoteTrackAnnounced { get; set; }

    /// <summary>Whether its m-line was rejected or the transceiver stopped.</summary>
    public bool Stopped { get; set; }

    /// <summary>Whether the negotiated direction lets us send.</summary>
    public bool Sending => CurrentDirection is RTCRtpTransceiverDirection.SendRecv or RTCRtpTransceiverDirection.SendOnly;

    /// <summary>Whether the negotiated direction lets the remote side send to us.</summary>
    public bool Receiving => CurrentDirection is RTCRtpTransceiverDirection.SendRecv or RTCRtpTransceiverDirection.RecvOnly;
}

/// <summary>Direction algebra of RFC 3264 §6.1.</summary>
internal static class JsepDirections
{
    public static bool Sends(this RTCRtpTransceiverDirection d) => d is RTCRtpTransceiverDirection.SendRecv or RTCRtpTransceiverDirection.SendOnly;

    public static bool Receives(this RTCRtpTransceiverDirection d) => d is RTCRtpTransceiverDirection.SendRecv or RTCRtpTransceiverDirection.RecvOnly;

    public static RTCRtpTransceiverDirection From(bool send, bool receive) => (send, receive) switch
    {
        (true, true) => RTCRtpTransceiverDirection.SendRecv,
        (true, false) => RTCRtpTransceiverDirection.SendOnly,
        (false, true) => RTCRtpTransceiverDirection.RecvOnly,
        _ => RTCRtpTransceiverDirection.Inactive,
    };

    public static RTCRtpTransceiverDirection FromSdp(SdpDirection d) => d switch
    {
        SdpDirection.SendOnly => RTCRtpTransceiverDirection.SendOnly,
        SdpDirection.RecvOnly => RTCRtpTransceiverDirection.RecvOnly,
        SdpDirection.Inactive => RTCRtpTransceiverDirection.Inactive,
        _ => RTCRtpTransceiverDirection.SendRecv,
    };

    public static SdpDirection ToSdp(RTCRtpTransceiverDirection d) => d switch
    {
        RTCRtpTransceiverDirection.SendOnly => SdpDirection.SendOnly,
        RTCRtpTransceiverDirection.RecvOnly => SdpDirection.RecvOnly,
        RTCRtpTransceiverDirection.SendRecv => SdpDirection.SendRecv,
        _ => SdpDirection.Inactive,
    };

    /// <summary>The answerer's direction: what it wants, limited by the reverse of what was offered.</summary>
    public static RTCRtpTransceiverDirection Answer(RTCRtpTransceiverDirection wanted, RTCRtpTransceiverDirection offered) =>
        From(wanted.Sends() && offered.Receives(), wanted.Receives() && offered.Sends());

    /// <summary>Our negotiated direction seen from the remote side's direction.</summary>
    public static RTCRtpTransceiverDirection Reverse(RTCRtpTransceiverDirection remote) => From(remote.Receives(), remote.Sends());
}
