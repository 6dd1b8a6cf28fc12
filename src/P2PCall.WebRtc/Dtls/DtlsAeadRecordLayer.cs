using System.Buffers.Binary;
using System.Security.Cryptography;

namespace P2PCall.WebRtc.Dtls;

/// <summary>Receives the plaintext of one application-data record; valid only during the call.</summary>
/// <param name="plaintext">The record's content.</param>
internal delegate void DtlsPlaintextHandler(ReadOnlySpan<byte> plaintext);

/// <summary>
/// Protects and opens the application-data records of an established DTLS 1.2 association with .NET's AEAD
/// (OpenSSL underneath), on the caller's thread. BouncyCastle still runs the handshake, its retransmissions and
/// alerts; once it has finished, data records skip its managed cipher and its receive thread.
/// </summary>
/// <remarks>
/// Keys: RFC 5246 §6.3 key block from the master secret (AEAD suites have no MAC keys). Records: RFC 6347 §4.1,
/// nonce and additional data per RFC 5288 §3 (AES-GCM) and RFC 7905 §2 (ChaCha20-Poly1305).
/// Our write sequence numbers start at 2^32 in the epoch BouncyCastle's Finished opened, so they never repeat one
/// of its records (a repeated AEAD nonce would expose the key) and stay increasing (RFC 6347 §4.1).
/// </remarks>
internal sealed class DtlsAeadRecordLayer : IDisposable
{
    /// <summary>RFC 5246 §6.2.1 ContentType.application_data.</summary>
    public const byte ApplicationData = 23;

    /// <summary>RFC 5246 §6.2.1 ContentType.alert.</summary>
    public const byte Alert = 21;

    /// <summary>The most plaintext one record carries (RFC 6347 §4.1, RFC 5246 §6.2.1: 2^14 bytes).</summary>
    public const int MaxPlaintext = 16384;

    private const int HeaderLength = DtlsRecordFilter.RecordHeaderLength;
    private const int TagLength = 16;
    private const ushort Dtls12 = 0xFEFD; // RFC 6347 §4.1: {254, 253}
    private const ulong FirstWriteSequence = 1UL << 32;
    private const ulong MaxSequence = (1UL << 48) - 1;

    private readonly AesGcm? _writeGcm;
    private readonly AesGcm? _readGcm;
    private readonly ChaCha20Poly1305? _writeChaCha;
    private readonly ChaCha20Poly1305? _readChaCha;
    private readonly byte[] _writeIv;
    private readonly byte[] _readIv;
    private readonly ushort _epoch;
    private readonly Lock _writeGate = new();
    private readonly Lock _readGate = new();
    private ulong _writeSequence = FirstWriteSequence;
    private DtlsReplayWindow _replay;
    private long _dropped;

    private DtlsAeadRecordLayer(DtlsRecordKeys keys)
    {
        _epoch = keys.Epoch;
        _writeIv = keys.WriteIv;
        _readIv = keys.ReadIv;
        if (keys.IsChaCha)
        {
            _writeChaCha = new ChaCha20Poly1305(keys.WriteKey);
            _readChaCha = new ChaCha20Poly1305(keys.ReadKey);
        }
        else
        {
            _writeGcm = new AesGcm(keys.WriteKey, TagLength);
            _readGcm = new AesGcm(keys.ReadKey, TagLength);
        }

        CryptographicOperations.ZeroMemory(keys.WriteKey);
        CryptographicOperations.ZeroMemory(keys.ReadKey);
    }

    /// <summary>Bytes a record adds to its plaintext: header, explicit nonce (GCM only), tag.</summary>
    public int Overhead => HeaderLength + ExplicitNonceLength + TagLength;

    /// <summary>Application-data records discarded: replayed, too old, or failing authentication (RFC 6347 §4.1.2.7).</summary>
    public long DroppedRecords => Interlocked.Read(ref _dropped);

    private int ExplicitNonceLength => _writeGcm is null ? 0 : 8;

    /// <summary>The layer for the negotiated suite, or null when .NET lacks the AEAD (then BouncyCastle keeps the records).</summary>
    /// <param name="keys">The keys derived when the handshake completed.</param>
    public static DtlsAeadRecordLayer? TryCreate(DtlsRecordKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.IsChaCha ? !ChaCha20Poly1305.IsSupported : !AesGcm.IsSupported)
        {
            return null;
        }

        return new DtlsAeadRecordLayer(keys);
    }

    /// <summary>Writes one protected record into <paramref name="destination"/>.</summary>
    /// <param name="contentType">Application data, or an alert.</param>
    /// <param name="plaintext">The content.</param>
    /// <param name="destination">At least <paramref name="plaintext"/>.Length + <see cref="Overhead"/> bytes.</param>
    /// <returns>The record's length.</returns>
    /// <exception cref="InvalidStateException">The epoch's sequence numbers are used up (RFC 6347 §4.1).</exception>
    public int Seal(byte contentType, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        int explicitNonce = ExplicitNonceLength;
        int length = explicitNonce + plaintext.Length + TagLength;
        var record = destination[..(HeaderLength + length)];
        Span<byte> nonce = stackalloc byte[12];
        Span<byte> aad = stackalloc byte[13];
        lock (_writeGate)
        {
            if (_writeSequence > MaxSequence)
            {
                throw new InvalidStateException("The DTLS epoch's sequence numbers are exhausted.");
            }

            ulong sequence = _writeSequence++;
            WriteHeader(record, contentType, sequence, length);
            WriteAdditionalData(aad, contentType, sequence, plaintext.Length);
            var body = record[HeaderLength..];
            if (_writeGcm is { } gcm)
            {
                // RFC 5288 §3: nonce = salt (client/server_write_IV) || nonce_explicit; we send epoch || sequence.
                _writeIv.CopyTo(nonce);
                record.Slice(3, 8).CopyTo(nonce[4..]);
                record.Slice(3, 8).CopyTo(body);
                gcm.Encrypt(nonce, plaintext, body.Slice(8, plaintext.Length), body.Slice(8 + plaintext.Length, TagLength), aad);
            }
            else
            {
                ChaChaNonce(_writeIv, record.Slice(3, 8), nonce);
                _writeChaCha!.Encrypt(nonce, plaintext, body[..plaintext.Length], body.Slice(plaintext.Length, TagLength), aad);
            }
        }

        return record.Length;
    }

    /// <summary>
    /// Opens the application-data records of this epoch in the datagram, handing each plaintext to
    /// <paramref name="deliver"/> (outside any lock), and copies every other record (handshake retransmissions,
    /// alerts, other epochs, anything malformed) into <paramref name="rest"/> for BouncyCastle, in order. Data records
    /// never reach BouncyCastle once this layer exists, so one replay window sees all of them (RFC 6347 §4.1.2.6).
    /// </summary>
    /// <param name="datagram">A received DTLS datagram.</param>
    /// <param name="scratch">A buffer of at least the datagram's length for the plaintext.</param>
    /// <param name="rest">A buffer of at least the datagram's length for the records left to BouncyCastle.</param>
    /// <param name="deliver">Receives each plaintext.</param>
    /// <returns>The length written to <paramref name="rest"/>; 0 when the datagram held only application data.</returns>
    public int Open(ReadOnlySpan<byte> datagram, Span<byte> scratch, Span<byte> rest, DtlsPlaintextHandler deliver)
    {
        int at = 0;
        int kept = 0;
        int minimum = ExplicitNonceLength + TagLength;
        while (at < datagram.Length)
        {
            var remaining = datagram[at..];
            int length = remaining.Length >= HeaderLength ? BinaryPrimitives.ReadUInt16BigEndian(remaining.Slice(11, 2)) : int.MaxValue;
            if (length > remaining.Length - HeaderLength)
            {
                // RFC 6347 §4.1.2.7: a truncated record; BouncyCastle discards it with whatever follows.
                remaining.CopyTo(rest[kept..]);
                kept += remaining.Length;
                break;
            }

            var record = remaining[..(HeaderLength + length)];
            at += record.Length;
            if (record[0] != ApplicationData
                || BinaryPrimitives.ReadUInt16BigEndian(record.Slice(1, 2)) != Dtls12
                || BinaryPrimitives.ReadUInt16BigEndian(record.Slice(3, 2)) != _epoch
                || length < minimum)
            {
                record.CopyTo(rest[kept..]);
                kept += record.Length;
                continue;
            }

            int plaintext = Open(record, scratch);
            if (plaintext < 0)
            {
                Interlocked.Increment(ref _dropped);
                continue;
            }

            deliver(scratch[..plaintext]);
        }

        return kept;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_writeGate)
        {
            _writeGcm?.Dispose();
            _writeChaCha?.Dispose();
        }

        lock (_readGate)
        {
            _readGcm?.Dispose();
            _readChaCha?.Dispose();
        }
    }

    /// <summary>Authenticates and decrypts one record into <paramref name="plaintext"/>; -1 to discard it.</summary>
    private int Open(ReadOnlySpan<byte> record, Span<byte> plaintext)
    {
        ulong sequence = DtlsRecordFilter.ReadSequence(record);
        var body = record[HeaderLength..];
        int explicitNonce = ExplicitNonceLength;
        int length = body.Length - explicitNonce - TagLength;
        Span<byte> nonce = stackalloc byte[12];
        Span<byte> aad = stackalloc byte[13];
        WriteAdditionalData(aad, ApplicationData, sequence, length);
        lock (_readGate)
        {
            // RFC 6347 §4.1.2.6: replays are discarded before the costly check; the window moves only on success.
            if (!_replay.IsNew(sequence))
            {
                return -1;
            }

            try
            {
                if (_readGcm is { } gcm)
                {
                    _readIv.CopyTo(nonce);
                    body[..8].CopyTo(nonce[4..]);
                    gcm.Decrypt(nonce, body.Slice(8, length), body.Slice(8 + length, TagLength), plaintext[..length], aad);
                }
                else
                {
                    ChaChaNonce(_readIv, record.Slice(3, 8), nonce);
                    _readChaCha!.Decrypt(nonce, body[..length], body.Slice(length, TagLength), plaintext[..length], aad);
                }
            }
            catch (CryptographicException)
            {
                return -1; // RFC 6347 §4.1.2.7: invalid records are silently discarded
            }
            catch (ObjectDisposedException)
            {
                return -1; // closed while a datagram was in flight
            }

            _replay.Mark(sequence);
        }

        return length;
    }

    private void WriteHeader(Span<byte> record, byte contentType, ulong sequence, int length)
    {
        record[0] = contentType;
        BinaryPrimitives.WriteUInt16BigEndian(record[1..], Dtls12);
        BinaryPrimitives.WriteUInt16BigEndian(record[3..], _epoch);
        WriteUInt48(record.Slice(5, 6), sequence);
        BinaryPrimitives.WriteUInt16BigEndian(record[11..], (ushort)length);
    }

    /// <summary>RFC 5246 §6.2.3.3 with RFC 6347 §4.1.2.1's seq_num = epoch || sequence_number.</summary>
    private void WriteAdditionalData(Span<byte> aad, byte contentType, ulong sequence, int plaintextLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(aad, _epoch);
        WriteUInt48(aad.Slice(2, 6), sequence);
        aad[8] = contentType;
        BinaryPrimitives.WriteUInt16BigEndian(aad[9..], Dtls12);
        BinaryPrimitives.WriteUInt16BigEndian(aad[11..], (ushort)plaintextLength);
    }

    /// <summary>RFC 7905 §2: the 64-bit epoch || sequence, left-padded to 12 bytes, XORed with the write IV.</summary>
    private static void ChaChaNonce(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> epochAndSequence, Span<byte> nonce)
    {
        iv.CopyTo(nonce);
        for (int i = 0; i < 8; i++)
        {
            nonce[4 + i] ^= epochAndSequence[i];
        }
    }

    private static void WriteUInt48(Span<byte> destination, ulong value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], (uint)value);
    }
}
