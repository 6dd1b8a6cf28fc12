using System.Buffers.Binary;

namespace P2PCall.WebRtc.Rtp;

/// <summary>An RFC 8285 extension element to write: local identifier and data.</summary>
/// <param name="Id">The extmap id, 1–14 for the one-byte form or 1–255 for the two-byte form.</param>
/// <param name="Data">The element data, 1–16 bytes for the one-byte form or 0–255 for the two-byte form.</param>
internal readonly record struct RtpHeaderExtension(int Id, ReadOnlyMemory<byte> Data);

/// <summary>
/// Describes an RTP packet to write into a caller's buffer (RFC 3550 §5.1, RFC 8285). Set the fields, ask
/// <see cref="GetSerializedLength"/>, then <see cref="TryWrite"/>. Nothing is allocated.
/// </summary>
internal ref struct RtpPacketWriter
{
    /// <summary>The marker bit.</summary>
    public bool Marker { get; set; }

    /// <summary>The payload type, 0–127.</summary>
    public byte PayloadType { get; set; }

    /// <summary>The sequence number.</summary>
    public ushort SequenceNumber { get; set; }

    /// <summary>The RTP timestamp.</summary>
    public uint Timestamp { get; set; }

    /// <summary>The synchronisation source.</summary>
    public uint Ssrc { get; set; }

    /// <summary>Up to 15 contributing sources.</summary>
    public ReadOnlySpan<uint> Csrcs { get; set; }

    /// <summary>
    /// Header extension elements. The one-byte form is used when every id is 1–14 and every length 1–16,
    /// otherwise the two-byte form (RFC 8285 §4.2, §4.3). Empty: no extension, X bit clear.
    /// </summary>
    public ReadOnlySpan<RtpHeaderExtension> Extensions { get; set; }

    /// <summary>The payload bytes.</summary>
    public ReadOnlySpan<byte> Payload { get; set; }

    /// <summary>Padding bytes to append, 0 or 1–255 (the last one holds the count; RFC 3550 §5.1).</summary>
    public int PaddingLength { get; set; }

    /// <summary>The form the extensions will be written in, or <see cref="RtpHeaderExtensionForm.None"/> without any.</summary>
    public readonly RtpHeaderExtensionForm ExtensionForm
    {
        get
        {
            if (Extensions.IsEmpty)
            {
                return RtpHeaderExtensionForm.None;
            }

            foreach (RtpHeaderExtension e in Extensions)
            {
                if (e.Id > RtpHeaderExtensions.MaxOneByteId || e.Data.Length is 0 or > RtpHeaderExtensions.MaxOneByteLength)
                {
                    return RtpHeaderExtensionForm.TwoByte;
                }
            }

            return RtpHeaderExtensionForm.OneByte;
        }
    }

    /// <summary>Checks the fields and returns the exact length <see cref="TryWrite"/> will produce.</summary>
    /// <returns>The packet length in bytes.</returns>
    /// <exception cref="ArgumentException">A field is out of range (payload type, CSRC count, extension id or length, padding).</exception>
    public readonly int GetSerializedLength()
    {
        if (PayloadType > 127)
        {
            throw new ArgumentException("The payload type is 7 bits (0-127).", nameof(PayloadType));
        }

        if (Csrcs.Length > RtpPacket.MaxCsrcCount)
        {
            throw new ArgumentException("At most 15 CSRCs fit the CC field.", nameof(Csrcs));
        }

        if (PaddingLength is < 0 or > 255)
        {
            throw new ArgumentException("Padding is 0 or 1-255 bytes.", nameof(PaddingLength));
        }

        return RtpPacket.FixedHeaderLength + (4 * Csrcs.Length) + GetExtensionBlockLength() + Payload.Length + PaddingLength;
    }

    /// <summary>Writes the packet.</summary>
    /// <param name="destination">The buffer to write into.</param>
    /// <param name="written">The bytes written, or 0 when the buffer is too small.</param>
    /// <returns><see langword="false"/> when <paramref name="destination"/> is shorter than <see cref="GetSerializedLength"/>.</returns>
    /// <exception cref="ArgumentException">A field is out of range (see <see cref="GetSerializedLength"/>).</exception>
    public readonly bool TryWrite(Span<byte> destination, out int written)
    {
        int length = GetSerializedLength();
        written = 0;
        if (destination.Length < length)
        {
            return false;
        }

        RtpHeaderExtensionForm form = ExtensionForm;
        destination[0] = (byte)((RtpPacket.Version2 << 6)
            | (PaddingLength > 0 ? 0x20 : 0)
            | (form != RtpHeaderExtensionForm.None ? 0x10 : 0)
            | Csrcs.Length);
        destination[1] = (byte)((Marker ? 0x80 : 0) | PayloadType);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], SequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Ssrc);
        int offset = RtpPacket.FixedHeaderLength;
        foreach (uint csrc in Csrcs)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], csrc);
            offset += 4;
        }

        if (form != RtpHeaderExtensionForm.None)
        {
            offset += WriteExtensionBlock(destination[offset..], form);
        }

        Payload.CopyTo(destination[offset..]);
        offset += Payload.Length;
        if (PaddingLength > 0)
        {
            // RFC 3550 §5.1: padding octets, the last one carrying the count (itself included).
            destination.Slice(offset, PaddingLength - 1).Clear();
            destination[offset + PaddingLength - 1] = (byte)PaddingLength;
            offset += PaddingLength;
        }

        written = offset;
        return true;
    }

    private readonly int GetExtensionBlockLength()
    {
        RtpHeaderExtensionForm form = ExtensionForm;
        if (form == RtpHeaderExtensionForm.None)
        {
            return 0;
        }

        int body = 0;
        foreach (RtpHeaderExtension e in Extensions)
        {
            bool valid = form == RtpHeaderExtensionForm.OneByte
                ? e.Id >= 1
                : e.Id is >= 1 and <= 255 && e.Data.Length <= RtpHeaderExtensions.MaxTwoByteLength;
            if (!valid)
            {
                throw new ArgumentException($"Extension id {e.Id} with {e.Data.Length} bytes cannot be written (RFC 8285 §4.2, §4.3).", nameof(Extensions));
            }

            body += (form == RtpHeaderExtensionForm.OneByte ? 1 : 2) + e.Data.Length;
        }

        // RFC 3550 §5.3.1: the extension length counts 32-bit words; pad the body with zero bytes (RFC 8285 §4.1).
        int padded = (body + 3) & ~3;
        if (padded / 4 > ushort.MaxValue)
        {
            throw new ArgumentException("The header extension is longer than its 16-bit word count allows.", nameof(Extensions));
        }

        return 4 + padded;
    }

    private readonly int WriteExtensionBlock(Span<byte> destination, RtpHeaderExtensionForm form)
    {
        int total = GetExtensionBlockLength();
        BinaryPrimitives.WriteUInt16BigEndian(destination, form == RtpHeaderExtensionForm.OneByte ? RtpHeaderExtensions.OneByteProfile : RtpHeaderExtensions.TwoByteProfile);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)((total - 4) / 4));
        int offset = 4;
        foreach (RtpHeaderExtension e in Extensions)
        {
            if (form == RtpHeaderExtensionForm.OneByte)
            {
                // RFC 8285 §4.2: 4-bit id, 4-bit length minus one.
                destination[offset++] = (byte)((e.Id << 4) | (e.Data.Length - 1));
            }
            else
            {
                // RFC 8285 §4.3: 8-bit id, 8-bit length.
                destination[offset++] = (byte)e.Id;
                destination[offset++] = (byte)e.Data.Length;
            }

            e.Data.Span.CopyTo(destination[offset..]);
            offset += e.Data.Length;
        }

        destination[offset..total].Clear();
        return total;
    }
}
