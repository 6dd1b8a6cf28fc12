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

    /// <summary>Packetizes one encoded frame.</summary>
    /// <param name="frame">The VP8 frame.</param>
    /// <returns>The payloads in order; the last has the marker set.</returns>
    public List<Vp8RtpPayload> Packetize(ReadOnlySpan<byte> frame)
    {
        if (frame.IsEmpty)
        {
            throw new ArgumentException("Empty VP8 frame.", nameof(frame));
        }

        int chunk = MaxPayloadSize - DescriptorLength;
        var result = new List<Vp8RtpPayload>((frame.Length + chunk - 1) / chunk);
        for (int offset = 0; offset < frame.Length; offset += chunk)
        {
            int n = Math.Min(chunk, frame.Length - offset);
            byte[] p = new byte[DescriptorLength + n];
            // RFC 7741 §4.2: X=1, S on the first packet of the frame, PID 0 (whole frame as one partition).
            p[0] = (byte)(0x80 | (offset == 0 ? 0x10 : 0));
            p[1] = 0x80; // I=1
            p[2] = (byte)(0x80 | (_pictureId >> 8)); // M=1: 15-bit PictureID
            p[3] = (byte)_pictureId;
            frame.Slice(offset, n).CopyTo(p.AsSpan(DescriptorLength));
            result.Add(new Vp8RtpPayload(p, offset + n == frame.Length));
        }

        // RFC 7741 §4.2: the PictureID wraps to 0 after 0x7FFF.
        _pictureId = (_pictureId + 1) & 0x7FFF;
        return result;
    }
}
