using System.Buffers.Binary;
using System.Security.Cryptography;

namespace P2PCall.WebRtc.Stun;

/// <summary>The 96-bit STUN transaction id (RFC 8489 §5), held in the low 96 bits of a <see cref="UInt128"/>.</summary>
/// <param name="Value">The id as a number (big-endian reading of the 12 bytes).</param>
internal readonly record struct StunTransactionId(UInt128 Value)
{
    /// <summary>Length on the wire.</summary>
    public const int Length = 12;

    /// <summary>RFC 8489 §5: a cryptographically random transaction id.</summary>
    public static StunTransactionId NewRandom()
    {
        Span<byte> bytes = stackalloc byte[Length];
        RandomNumberGenerator.Fill(bytes);
        return Read(bytes);
    }

    /// <summary>Reads 12 bytes.</summary>
    public static StunTransactionId Read(ReadOnlySpan<byte> bytes)
    {
        ulong high = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        ulong low = BinaryPrimitives.ReadUInt64BigEndian(bytes[4..]);
        return new StunTransactionId(new UInt128(high, low));
    }

    /// <summary>Writes the 12 bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(ulong)(Value >> 64));
        BinaryPrimitives.WriteUInt64BigEndian(destination[4..], (ulong)Value);
    }
}
