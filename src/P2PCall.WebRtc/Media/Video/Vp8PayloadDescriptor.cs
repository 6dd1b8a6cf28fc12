namespace P2PCall.WebRtc.Media.Video;

/// <summary>The VP8 payload descriptor of one RTP packet (RFC 7741 §4.2).</summary>
/// <param name="Start">S: first packet of a VP8 partition.</param>
/// <param name="PartitionId">PID: partition index (0–7).</param>
/// <param name="NonReference">N: the frame is not used as reference.</param>
/// <param name="PictureId">The PictureID (7 or 15 bits) or -1 when absent.</param>
/// <param name="HeaderLength">Bytes of descriptor before the VP8 payload.</param>
internal readonly record struct Vp8PayloadDescriptor(bool Start, int PartitionId, bool NonReference, int PictureId, int HeaderLength)
{
    /// <summary>Parses the descriptor; false when the packet is truncated or carries no payload.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out Vp8PayloadDescriptor descriptor)
    {
        descriptor = default;
        if (packet.Length < 1)
        {
            return false;
        }

        // RFC 7741 §4.2: |X|R|N|S|R| PID |
        byte b0 = packet[0];
        int offset = 1;
        int pictureId = -1;
        if ((b0 & 0x80) != 0)
        {
            if (packet.Length < 2)
            {
                return false;
            }

            // RFC 7741 §4.2: |I|L|T|K| RSV |
            byte x = packet[1];
            offset = 2;
            if ((x & 0x80) != 0)
            {
                if (packet.Length < offset + 1)
                {
                    return false;
                }

                // RFC 7741 §4.2: M bit set means a 15-bit PictureID in two bytes.
                if ((packet[offset] & 0x80) != 0)
                {
                    if (packet.Length < offset + 2)
                    {
                        return false;
                    }

                    pictureId = ((packet[offset] & 0x7F) << 8) | packet[offset + 1];
                    offset += 2;
                }
                else
                {
                    pictureId = packet[offset] & 0x7F;
                    offset += 1;
                }
            }

            if ((x & 0x40) != 0)
            {
                offset += 1; // RFC 7741 §4.2: TL0PICIDX
            }

            if ((x & 0x30) != 0)
            {
                offset += 1; // RFC 7741 §4.2: |TID|Y| KEYIDX | when T or K is set
            }
        }

        if (packet.Length <= offset)
        {
            return false;
        }

        descriptor = new Vp8PayloadDescriptor((b0 & 0x10) != 0, b0 & 0x07, (b0 & 0x20) != 0, pictureId, offset);
        return true;
    }

    /// <summary>RFC 7741 §4.3: a keyframe starts with S=1, PID=0 and P=0 in the first byte of the VP8 payload header.</summary>
    public static bool IsKeyframeStart(ReadOnlySpan<byte> packet) =>
        TryParse(packet, out Vp8PayloadDescriptor d) && d.Start && d.PartitionId == 0 && (packet[d.HeaderLength] & 0x01) == 0;
}
