using System.Buffers.Binary;

namespace P2PCall.WebRtc.Stun;

/// <summary>The bounded attribute walk behind <see cref="StunMessage.TryParse"/> (RFC 8489 §5, §14).</summary>
internal readonly ref partial struct StunMessage
{
    private static StunParseResult Parse(ReadOnlySpan<byte> data, ref StunLayout layout)
    {
        if (data.Length < HeaderLength)
        {
            return StunParseResult.TruncatedHeader;
        }

        if ((data[0] & 0xC0) != 0)
        {
            return StunParseResult.NotStun; // RFC 8489 §5: the top two bits are zero.
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(data[4..]) != MagicCookie)
        {
            return StunParseResult.BadMagicCookie;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        if ((length & 3) != 0)
        {
            return StunParseResult.LengthNotMultipleOf4; // RFC 8489 §5: attributes are 4-byte aligned.
        }

        if (HeaderLength + length != data.Length)
        {
            return StunParseResult.LengthMismatch;
        }

        int offset = HeaderLength;
        while (offset < data.Length)
        {
            if (offset + 4 > data.Length)
            {
                return StunParseResult.AttributeOverrunsMessage;
            }

            ushort type = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            int valueLength = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
            int valueOffset = offset + 4;
            int next = valueOffset + ((valueLength + 3) & ~3); // RFC 8489 §14: padded to 4 bytes.
            if (next > data.Length)
            {
                return StunParseResult.AttributeOverrunsMessage;
            }

            if (layout.HasFingerprint)
            {
                return StunParseResult.AttributeAfterFingerprint; // RFC 8489 §14.7: FINGERPRINT is last.
            }

            if (type == StunAttributeType.Fingerprint)
            {
                if (valueLength != 4)
                {
                    return StunParseResult.InvalidAttribute;
                }

                layout.HasFingerprint = true;
            }
            else if (layout.IntegrityOffset == 0)
            {
                // RFC 8489 §14.5: attributes after MESSAGE-INTEGRITY (other than FINGERPRINT) are ignored.
                StunParseResult r = ReadAttribute(data, type, valueOffset, valueLength, ref layout);
                if (r != StunParseResult.Ok)
                {
                    return r;
                }
            }

            offset = next;
        }

        if (layout.HasFingerprint)
        {
            // RFC 8489 §14.7: CRC-32 of the message up to (excluding) FINGERPRINT, XOR 0x5354554e.
            int fingerprintOffset = data.Length - 8;
            uint expected = StunCrc32.Compute(data[..fingerprintOffset]) ^ StunCrc32.FingerprintXor;
            if (BinaryPrimitives.ReadUInt32BigEndian(data[(fingerprintOffset + 4)..]) != expected)
            {
                return StunParseResult.BadFingerprint;
            }
        }

        return StunParseResult.Ok;
    }

    private static StunParseResult ReadAttribute(ReadOnlySpan<byte> data, ushort type, int offset, int length, ref StunLayout layout)
    {
        ReadOnlySpan<byte> value = data.Slice(offset, length);

        // RFC 8489 §14: "only the first occurrence needs to be processed"; later ones are skipped.
        switch (type)
        {
            case StunAttributeType.MessageIntegrity:
                if (length != IntegrityLength)
                {
                    return StunParseResult.InvalidAttribute;
                }

                layout.IntegrityOffset = offset;
                break;
            case StunAttributeType.Username when layout.UsernameOffset == 0:
                if (length > MaxUsernameLength)
                {
                    return StunParseResult.InvalidAttribute;
                }

                layout.UsernameOffset = offset;
                layout.UsernameLength = length;
                break;
            case StunAttributeType.XorMappedAddress when layout.XorMappedOffset == 0:
            case StunAttributeType.MappedAddress when layout.MappedOffset == 0:
                if (!IsValidAddress(value))
                {
                    return StunParseResult.InvalidAttribute;
                }

                if (type == StunAttributeType.XorMappedAddress)
                {
                    layout.XorMappedOffset = offset;
                    layout.XorMappedLength = length;
                }
                else
                {
                    layout.MappedOffset = offset;
                    layout.MappedLength = length;
                }

                break;
            case StunAttributeType.Priority when !layout.HasPriority:
                if (length != 4)
                {
                    return StunParseResult.InvalidAttribute;
                }

                layout.HasPriority = true;
                layout.Priority = BinaryPrimitives.ReadUInt32BigEndian(value);
                break;
            case StunAttributeType.UseCandidate:
                if (length != 0)
                {
                    return StunParseResult.InvalidAttribute;
                }

                layout.UseCandidate = true;
                break;
            case StunAttributeType.IceControlling when !layout.HasControlling:
            case StunAttributeType.IceControlled when !layout.HasControlled:
                if (length != 8)
                {
                    return StunParseResult.InvalidAttribute;
                }

                if (type == StunAttributeType.IceControlling)
                {
                    layout.HasControlling = true;
                    layout.Controlling = BinaryPrimitives.ReadUInt64BigEndian(value);
                }
                else
                {
                    layout.HasControlled = true;
                    layout.Controlled = BinaryPrimitives.ReadUInt64BigEndian(value);
                }

                break;
            case StunAttributeType.ErrorCode when layout.ErrorOffset == 0:
                // RFC 8489 §14.8: 21 reserved bits, class 3 bits (3-6), number 0-99, reason <= 763 bytes.
                if (length < 4 || length - 4 > MaxReasonLength || value[3] > 99)
                {
                    return StunParseResult.InvalidAttribute;
                }

                layout.ErrorOffset = offset;
                layout.ErrorLength = length;
                break;
            case StunAttributeType.UnknownAttributes when layout.UnknownListOffset == 0:
                if ((length & 1) != 0)
                {
                    return StunParseResult.InvalidAttribute; // RFC 8489 §14.9: a list of 16-bit values.
                }

                layout.UnknownListOffset = offset;
                layout.UnknownListLength = length;
                break;
            case StunAttributeType.Software when layout.SoftwareOffset == 0:
                layout.SoftwareOffset = offset;
                layout.SoftwareLength = length;
                break;
            default:
                // RFC 8489 §6.3: unknown comprehension-optional attributes are ignored; unknown
                // comprehension-required ones are counted so a server can answer 420.
                if (StunAttributeType.IsComprehensionRequired(type) && !StunAttributeType.IsUnderstood(type))
                {
                    layout.UnknownRequiredCount++;
                }

                break;
        }

        return StunParseResult.Ok;
    }

    private static bool IsValidAddress(ReadOnlySpan<byte> value) =>
        (value.Length == 8 && value[1] == 1) || (value.Length == 20 && value[1] == 2);
}

/// <summary>Offsets of the attributes a <see cref="StunMessage"/> found (0 = absent; offsets point at values).</summary>
internal struct StunLayout
{
    public int UsernameOffset;
    public int UsernameLength;
    public int IntegrityOffset;
    public bool HasFingerprint;
    public int XorMappedOffset;
    public int XorMappedLength;
    public int MappedOffset;
    public int MappedLength;
    public bool HasPriority;
    public uint Priority;
    public bool UseCandidate;
    public bool HasControlling;
    public ulong Controlling;
    public bool HasControlled;
    public ulong Controlled;
    public int ErrorOffset;
    public int ErrorLength;
    public int UnknownListOffset;
    public int UnknownListLength;
    public int SoftwareOffset;
    public int SoftwareLength;
    public int UnknownRequiredCount;
}
