using System.Buffers;
using System.Security.Cryptography;
using P2PCall.WebRtc.Jsep;
using P2PCall.WebRtc.Rtcp;
using P2PCall.WebRtc.Rtp;

namespace P2PCall.WebRtc;

/// <summary>A codec both sides agreed on for a transceiver (W3C RTCRtpCodecParameters).</summary>
/// <param name="PayloadType">The payload type on the wire (the remote side's, RFC 3264 §6.1).</param>
/// <param name="MimeType">For example <c>audio/opus</c> or <c>video/VP8</c>.</param>
/// <param name="ClockRate">The RTP clock rate.</param>
/// <param name="Channels">Audio channels, if given.</param>
/// <param name="SdpFmtpLine">The format parameters, if any.</param>
public sealed record RTCRtpCodecParameters(byte PayloadType, string MimeType, uint ClockRate, uint? Channels, string? SdpFmtpLine);

/// <summary>Information about one received RTP packet.</summary>
/// <param name="PayloadType">The payload type.</param>
/// <param name="SequenceNumber">The 16-bit sequence number.</param>
/// <param name="Timestamp">The RTP timestamp.</param>
/// <param name="Marker">The marker bit.</param>
/// <param name="Ssrc">The sender's SSRC.</param>
public readonly record struct RtpPacketInfo(byte PayloadType, ushort SequenceNumber, uint Timestamp, bool Marker, uint Ssrc);

/// <summary>Receives the payload of one authenticated RTP packet; the span is valid only during the call.</summary>
/// <param name="info">The header fields.</param>
/// <param name="payload">The payload.</param>
public delegate void RtpPayloadHandler(RtpPacketInfo info, ReadOnlySpan<byte> payload);

/// <summary>
/// Sends one local track's media as SRTP (W3C RTCRtpSender). Media encoders call <see cref="SendRtp"/> with
/// encoded payloads; the sender adds the RTP header (RFC 3550 §5.1) with the negotiated MID extension
/// (RFC 8843 §15) and protects the packet.
/// </summary>
public sealed class RTCRtpSender : IRtpSender
{
    private readonly RTCPeerConnection _connection;
    private readonly Lock _gate = new();
    private ushort _sequence = (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue + 1); // RFC 3550 §5.1: random start

    internal RTCRtpSender(RTCPeerConnection connection, JsepTransceiver transceiver, IMediaStreamTrack track)
    {
        _connection = connection;
        Transceiver = transceiver;
        Track = track;
    }

    /// <inheritdoc />
    public IMediaStreamTrack? Track { get; }

    /// <summary>The mid of the transceiver, once negotiated.</summary>
    public string? Mid => Transceiver.Mid;

    /// <summary>The SSRC this sender uses.</summary>
    public uint Ssrc => Transceiver.SendSsrc;

    /// <summary>The codecs negotiated for this sender, in the remote side's order of preference.</summary>
    public IReadOnlyList<RTCRtpCodecParameters> Codecs => Transceiver.NegotiatedCodecs
        .Select(c => new RTCRtpCodecParameters(c.PayloadType, (Transceiver.Kind == MediaKind.Audio ? "audio/" : "video/") + c.Name, c.ClockRate, c.Channels, c.Fmtp))
        .ToList();

    /// <summary>Packets sent.</summary>
    public long PacketsSent { get; private set; }

    /// <summary>Payload bytes sent.</summary>
    public long BytesSent { get; private set; }

    internal JsepTransceiver Transceiver { get; }

    /// <summary>The remote side asked for a keyframe (PLI, RFC 4585 §6.3.1; FIR, RFC 5104 §4.3.1). Raised on the network thread.</summary>
    public event EventHandler? KeyFrameRequested;

    /// <summary>The remote side reported these sequence numbers lost (generic NACK, RFC 4585 §6.2.1). Raised on the network thread.</summary>
    public event EventHandler<IReadOnlyList<ushort>>? NackReceived;

    internal void OnKeyFrameRequested() => KeyFrameRequested?.Invoke(this, EventArgs.Empty);

    /// <summary>Generic NACKs received for this sender (W3C RTCOutboundRtpStreamStats.nackCount).</summary>
    public long NackCount => Interlocked.Read(ref _nackCount);

    /// <summary>Packets sent again because a NACK named them (W3C retransmittedPacketsSent).</summary>
    public long RetransmittedPacketsSent => Interlocked.Read(ref _retransmittedPackets);

    /// <summary>Payload bytes of those packets, with their RTP headers (W3C retransmittedBytesSent counts payload; ours counts the whole packet).</summary>
    public long RetransmittedBytesSent => Interlocked.Read(ref _retransmittedBytes);

    private long _nackCount;
    private long _retransmittedPackets;
    private long _retransmittedBytes;
    private RtpPacketHistory? _history;
    private bool _historyReleased;

    /// <summary>
    /// RFC 4585 §6.2.1: resends each packet the NACK names that the history still holds, as the same packet
    /// (same SSRC and sequence number; no RTX stream, RFC 4588, is negotiated), then tells subscribers.
    /// </summary>
    internal void OnNack(in RtcpGenericNack nack)
    {
        Interlocked.Increment(ref _nackCount);
        byte[]? buffer = null;
        try
        {
            foreach (var sequence in nack.GetLostSequenceNumbers())
            {
                int length;
                buffer ??= ArrayPool<byte>.Shared.Rent(2048);
                lock (_gate)
                {
                    if (_history is null || !_history.TryGetForResend(sequence, buffer.AsSpan(0, buffer.Length - 128), out length))
                    {
                        continue;
                    }
                }

                if (_connection.SendProtected(buffer, length))
                {
                    Interlocked.Increment(ref _retransmittedPackets);
                    Interlocked.Add(ref _retransmittedBytes, length);
                }
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        if (NackReceived is { } handler)
        {
            var lost = new List<ushort>();
            foreach (var sequence in nack.GetLostSequenceNumbers())
            {
                lost.Add(sequence);
            }

            handler(this, lost);
        }
    }

    /// <summary>Returns the history's buffers when the connection closes.</summary>
    internal void ReleaseHistory()
    {
        lock (_gate)
        {
            _historyReleased = true;
            _history?.Dispose();
            _history = null;
        }
    }

    private RtpHeaderExtension[] _midExtension = [];

    /// <summary>The MID header extension (RFC 8843 §15), built once per negotiated id and mid.</summary>
    private RtpHeaderExtension[] MidExtension(int id)
    {
        var cached = _midExtension;
        if (cached.Length == 1 && cached[0].Id == id && cached[0].Data.Span.SequenceEqual(Transceiver.MidBytes))
        {
            return cached;
        }

        cached = [new RtpHeaderExtension(id, Transceiver.MidBytes)];
        _midExtension = cached;
        return cached;
    }


    /// <summary>
    /// Sends one RTP packet with this payload. Returns false when the transport is not connected, the
    /// negotiated direction does not allow sending, or the payload type was not negotiated.
    /// </summary>
    /// <param name="payloadType">A negotiated payload type (see <see cref="Codecs"/>).</param>
    /// <param name="timestamp">The RTP timestamp, in the codec's clock.</param>
    /// <param name="marker">The marker bit (last packet of a video frame; first after a talk spurt).</param>
    /// <param name="payload">The encoded payload.</param>
    public bool SendRtp(byte payloadType, uint timestamp, bool marker, ReadOnlySpan<byte> payload)
    {
        if (!Transceiver.Sending || Transceiver.FindCodec(payloadType) is null)
        {
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(payload.Length + 128);
        try
        {
            ushort sequence;
            lock (_gate)
            {
                sequence = _sequence++;
            }

            var writer = new RtpPacketWriter
            {
                PayloadType = payloadType,
                Marker = marker,
                SequenceNumber = sequence,
                Timestamp = timestamp,
                Ssrc = Transceiver.SendSsrc,
                Payload = payload,
            };
            if (Transceiver.MidExtensionId is { } midId && Transceiver.MidBytes.Length > 0)
            {
                writer.Extensions = MidExtension(midId);
            }

            if (!writer.TryWrite(buffer, out var written))
            {
                return false;
            }

            if (Transceiver.GenericNackNegotiated)
            {
                // Kept in plain form before SRTP protects the buffer in place, for NACKs (RFC 4585 §6.2.1).
                lock (_gate)
                {
                    if (!_historyReleased)
                    {
                        _history ??= new RtpPacketHistory(_connection.Time);
                        _history.Store(sequence, buffer.AsSpan(0, written));
                    }
                }
            }

            if (!_connection.SendProtected(buffer, written))
            {
                return false;
            }

            lock (_gate)
            {
                PacketsSent++;
                BytesSent += payload.Length;
            }

            _connection.OnRtpSent(Transceiver, timestamp, payload.Length);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
