using System.Buffers.Binary;

namespace P2PCall.WebRtc.Dtls;

/// <summary>
/// Screens datagrams before BouncyCastle sees them. RFC 6347 §4.1.2.7 says invalid records are silently
/// discarded, but BouncyCastle 2.7 fails the whole association (decode_error) on an encrypted record too short
/// to hold its AEAD nonce and tag, so one injected packet could tear a call down. Such datagrams stop here.
/// </summary>
internal static class DtlsRecordFilter
{
    /// <summary>The DTLS record header: type, version, epoch, sequence number, length (RFC 6347 §4.1).</summary>
    public const int RecordHeaderLength = 13;

    /// <summary>The 48-bit sequence number of the record that starts <paramref name="record"/> (RFC 6347 §4.1; bytes 5–10).</summary>
    /// <param name="record">At least <see cref="RecordHeaderLength"/> bytes.</param>
    /// <returns>The sequence number.</returns>
    public static ulong ReadSequence(ReadOnlySpan<byte> record) =>
        ((ulong)BinaryPrimitives.ReadUInt16BigEndian(record.Slice(5, 2)) << 32) | BinaryPrimitives.ReadUInt32BigEndian(record.Slice(7, 4));

    /// <summary>RFC 5288 AES-GCM: 8-byte explicit nonce + 16-byte tag.</summary>
    public const int AesGcmMinimumCiphertext = 24;

    /// <summary>RFC 7905 ChaCha20-Poly1305: no explicit nonce, 16-byte tag.</summary>
    public const int ChaCha20MinimumCiphertext = 16;

    /// <summary>
    /// False when a record of a protected epoch (epoch ≠ 0) is shorter than <paramref name="minimumCiphertext"/>.
    /// Anything else passes: BouncyCastle discards malformed headers, wrong epochs and bad tags itself.
    /// </summary>
    /// <param name="datagram">The received datagram.</param>
    /// <param name="minimumCiphertext">The negotiated AEAD's nonce + tag length.</param>
    /// <returns>Whether to hand the datagram to BouncyCastle.</returns>
    public static bool IsAcceptable(ReadOnlySpan<byte> datagram, int minimumCiphertext)
    {
        int at = 0;
        // Bounded walk: each step consumes at least one header.
        while (datagram.Length - at >= RecordHeaderLength)
        {
            ushort epoch = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(at + 3, 2));
            int length = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(at + 11, 2));
            if (epoch != 0 && length < minimumCiphertext)
            {
                return false;
            }

            at += RecordHeaderLength + length;
        }

        return true;
    }
}
