namespace P2PCall.WebRtc.Media.Audio;

/// <summary>The one thing an <see cref="AudioSender"/> needs from the RTP layer; <see cref="RTCRtpSender"/> in a call.</summary>
internal interface IAudioRtpTransport
{
    /// <summary>The negotiated codecs, remote preference first.</summary>
    IReadOnlyList<RTCRtpCodecParameters> Codecs { get; }

    /// <summary>Sends one RTP packet; false when it could not be sent.</summary>
    bool SendRtp(byte payloadType, uint timestamp, bool marker, ReadOnlySpan<byte> payload);
}

/// <summary>Adapts <see cref="RTCRtpSender"/>.</summary>
internal sealed class RtpSenderAudioTransport(RTCRtpSender sender) : IAudioRtpTransport
{
    public IReadOnlyList<RTCRtpCodecParameters> Codecs => sender.Codecs;

    public bool SendRtp(byte payloadType, uint timestamp, bool marker, ReadOnlySpan<byte> payload)
        => sender.SendRtp(payloadType, timestamp, marker, payload);
}
