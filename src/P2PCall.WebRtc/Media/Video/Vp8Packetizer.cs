namespace P2PCall.WebRtc.Media.Video;

/// <summary>One RTP payload produced by <see cref="Vp8Packetizer"/>.</summary>
/// <param name="Payload">Descriptor followed by a slice of the VP8 frame.</param>
/// <param name="Marker">RTP marker: set on the last packet of the frame (RFC 7741 §4.1).</param>
public readonly record struct Vp8RtpPayload(byte[] Payload, bool Marker);

/// <summary>Splits VP8 frames into RTP payloads with a 4-byte descriptor (X=1, I=1, 15-bit PictureID; RFC 7741 §4.2).</summary>
public sealed class Vp8Packetizer
{
    private const int DescriptorLength = 4;
    private int _pictureId;

    /// <summary>Creates a packetizer.</summary>
    /// <param name="maxPayloadSize">Largest RTP payload in bytes including the descriptor (default 1100).</param>
    /// <param name="initialPictureId">First PictureID (0–32767).</param>
    public Vp8Packetizer(int maxPayloadSize = 1100, int initialPictureId = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayloadSize, DescriptorLength + 1);
        MaxPayloadSize = maxPayloadSize;
        _pictureId = initialPictureId & 0x7FFF;
    }

    /// <summary>Largest RTP payload produced.</summary>
    public int MaxPayloadSize { get; }

    /// <summary>The PictureID the next frame will carry.</summary>
    public int NextPictureId => _pictureId;

    /// <summary>The number of packets a frame of <paramref name="frameLength"/> bytes takes.</summary>
    /// <param name="frameLength">The VP8 frame's length (≥ 1).</param>
    /// <returns>The packet count.</returns>
    public int GetPacketCount(int frameLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frameLength, 1);
        int chunk = MaxPayloadSize - DescriptorLength;
        return (frameLength + chunk - 1) / chunk;
    }

    /// <summary>
    /// Writes packet <paramref name="index"/> of <paramref name="frame"/> into a caller buffer, without allocating. Write
    /// the packets in order, 0 to <see cref="GetPacketCount"/> − 1: writing the last one moves on to the next PictureID.
    /// </summary>
    /// <param name="frame">The VP8 frame.</param>
    /// <param name="index">Which packet.</param>
    /// <param name="destination">At least <see cref="MaxPayloadSize"/> bytes.</param>
    /// <param name="marker">Set for the last packet of the frame (RFC 7741 §4.1).</param>
    /// <returns>The payload length written.</returns>
    public int WritePacket(ReadOnlySpan<byte> frame, int index, Span<byte> destination, out bool marker)
    {
        int count = GetPacketCount(frame.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        int chunk = MaxPayloadSize - DescriptorLength;
        int offset = index * chunk;
        int n = Math.Min(chunk, frame.Length - offset);
        if (destination.Length < DescriptorLength + n)
        {
            throw new ArgumentException($"The destination needs {DescriptorLength + n} bytes.", nameof(destination));
        }

        // RFC 7741 §4.2: X=1, S on the first packet of the frame, PID 0 (whole frame as one partition).
        destination[0] = (byte)(0x80 | (offset == 0 ? 0x10 : 0));
        destination[1] = 0x80; // I=1
        destination[2] = (byte)(0x80 | (_pictureId >> 8)); // M=1: 15-bit PictureID
        destination[3] = (byte)_pictureId;
        frame.Slice(offset, n).CopyTo(destination[DescriptorLength..]);
        marker = index == count - 1;
        if (marker)
        {
            // RFC 7741 §4.2: the PictureID wraps to 0 after 0x7FFF.
            _pictureId = (_pictureId + 1) & 0x7FFF;
        }

        return DescriptorLength + n;
    }

    /// <summary>Packetizes one encoded frame into new arrays (convenient; <see cref="WritePacket"/> allocates nothing).</summary>
    /// <param name="frame">The VP8 frame.</param>
    /// <returns>The payloads in order; the last has the marker set.</returns>
    public List<Vp8RtpPayload> Packetize(ReadOnlySpan<byte> frame)
    {
        if (frame.IsEmpty)
        {
            throw new ArgumentException("Empty VP8 frame.", nameof(frame));
        }

        int count = GetPacketCount(frame.Length);
        var result = new List<Vp8RtpPayload>(count);
        Span<byte> packet = stackalloc byte[MaxPayloadSize <= 1500 ? MaxPayloadSize : 0];
        byte[]? large = packet.IsEmpty ? new byte[MaxPayloadSize] : null;
        for (int i = 0; i < count; i++)
        {
            Span<byte> destination = large is null ? packet : large;
            int length = WritePacket(frame, i, destination, out bool marker);
            result.Add(new Vp8RtpPayload(destination[..length].ToArray(), marker));
        }

        return result;
    }
}
