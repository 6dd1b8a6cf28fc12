using P2PCall.WebRtc.Jsep;

namespace P2PCall.WebRtc;

/// <summary>One m-line's sender and receiver pair (W3C RTCRtpTransceiver).</summary>
public sealed class RTCRtpTransceiver
{
    internal RTCRtpTransceiver(JsepTransceiver state, RTCRtpSender? sender)
    {
        State = state;
        Sender = sender;
    }

    /// <summary>The media kind.</summary>
    public MediaKind Kind => State.Kind;

    /// <summary>The mid, once negotiated (null before).</summary>
    public string? Mid => State.Mid;

    /// <summary>The direction this side wants; a change takes effect with the next offer/answer.</summary>
    public RTCRtpTransceiverDirection Direction
    {
        get => State.Direction;
        set
        {
            if (value == RTCRtpTransceiverDirection.Stopped)
            {
                throw new ArgumentException("Stopping is not a direction one sets (W3C §5.4: use stop()).", nameof(value));
            }

            State.Direction = value;
        }
    }

    /// <summary>The direction last negotiated (W3C currentDirection), or null before.</summary>
    public RTCRtpTransceiverDirection? CurrentDirection => State.CurrentDirection;

    /// <summary>The sender, when a track was added through it.</summary>
    public RTCRtpSender? Sender { get; }

    internal JsepTransceiver State { get; }
}
