using System.Buffers.Binary;
using System.Security.Cryptography;

namespace P2PCall.WebRtc.Srtp;

/// <summary>
/// AEAD_AES_128_GCM / AEAD_AES_256_GCM for SRTP and SRTCP (RFC 7714): 12-byte IV from the session
/// salt, SSRC and index (§8.1, §9.1), the clear-text header as associated data (§8.2, §9.2) and a
/// 16-byte tag. One reused <see cref="AesGcm"/> instance; encrypts and decrypts in place.
/// </summary>
/// <remarks>
/// <see cref="AesGcm"/> reports a wrong tag by throwing; that exception is caught here and turned
/// into <c>false</c>, so it never leaves this class (it costs microseconds, only on forged or
/// corrupted packets).
/// </remarks>
internal sealed class AesGcmCipher : SrtpCipher
{
    private const int GcmTagLength = 16;
    private const int IvLength = 12;

    private readonly AesGcm _gcm;
    private readonly byte[] _salt;

    /// <summary>Creates the transform from session keys.</summary>
    /// <param name="key">Session encryption key (16 or 32 bytes).</param>
    /// <param name="salt">Session salt (12 bytes).</param>
    public AesGcmCipher(ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
    {
        if (salt.Length != IvLength)
        {
            throw new ArgumentException("AES-GCM needs a 12-byte session salt (RFC 7714 §8.1).", nameof(salt));
        }

        _gcm = new AesGcm(key, GcmTagLength);
        _salt = salt.ToArray();
    }

    /// <inheritdoc/>
    public override int TagLength => GcmTagLength;

    /// <inheritdoc/>
    public override void ProtectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index)
    {
        int end = packet.Length - GcmTagLength;
        Span<byte> iv = stackalloc byte[IvLength];
        BuildRtpIv(iv, ssrc, index);
        Span<byte> payload = packet.Slice(headerLength, end - headerLength);
        // RFC 7714 §8.2: the whole RTP header (with CSRCs and extension) is the associated data.
        _gcm.Encrypt(iv, payload, payload, packet.Slice(end, GcmTagLength), packet.Slice(0, headerLength));
    }

    /// <inheritdoc/>
    public override bool UnprotectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index)
    {
        int end = packet.Length - GcmTagLength;
        Span<byte> iv = stackalloc byte[IvLength];
        BuildRtpIv(iv, ssrc, index);
        Span<byte> payload = packet.Slice(headerLength, end - headerLength);
        return TryDecrypt(iv, payload, packet.Slice(end, GcmTagLength), packet.Slice(0, headerLength));
    }

    /// <inheritdoc/>
    public override void ProtectRtcp(Span<byte> packet, uint ssrc, uint srtcpIndex, bool encrypt)
    {
        // RFC 7714 §9: header(8) || ciphertext || tag(16) || E+index(4).
        int plainLength = packet.Length - SrtcpIndexLength - GcmTagLength;
        uint word = (encrypt ? 0x8000_0000u : 0u) | srtcpIndex;
        Span<byte> iv = stackalloc byte[IvLength];
        BuildRtcpIv(iv, ssrc, srtcpIndex);
        if (encrypt)
        {
            // RFC 7714 §9.2: AAD = first 8 octets || E+index.
            Span<byte> aad = stackalloc byte[RtcpHeaderLength + SrtcpIndexLength];
            packet.Slice(0, RtcpHeaderLength).CopyTo(aad);
            BinaryPrimitives.WriteUInt32BigEndian(aad.Slice(RtcpHeaderLength), word);
            Span<byte> body = packet.Slice(RtcpHeaderLength, plainLength - RtcpHeaderLength);
            _gcm.Encrypt(iv, body, body, packet.Slice(plainLength, GcmTagLength), aad);
        }
        else
        {
            // RFC 7714 §9.3: AAD = whole packet || E+index, empty plaintext. Put the index word
            // right after the packet to make the AAD contiguous, then move it behind the tag.
            BinaryPrimitives.WriteUInt32BigEndian(packet.Slice(plainLength), word);
            Span<byte> tag = stackalloc byte[GcmTagLength];
            _gcm.Encrypt(iv, ReadOnlySpan<byte>.Empty, Span<byte>.Empty, tag, packet.Slice(0, plainLength + SrtcpIndexLength));
            tag.CopyTo(packet.Slice(plainLength));
        }

        BinaryPrimitives.WriteUInt32BigEndian(packet.Slice(plainLength + GcmTagLength), word);
    }

    /// <inheritdoc/>
    public override int SrtcpIndexOffset(int packetLength) => packetLength - SrtcpIndexLength;

    /// <inheritdoc/>
    public override bool UnprotectRtcp(Span<byte> packet, uint ssrc, uint srtcpIndex, bool encrypted)
    {
        int plainLength = packet.Length - SrtcpIndexLength - GcmTagLength;
        uint word = (encrypted ? 0x8000_0000u : 0u) | srtcpIndex;
        Span<byte> iv = stackalloc byte[IvLength];
        BuildRtcpIv(iv, ssrc, srtcpIndex);
        if (encrypted)
        {
            Span<byte> aad = stackalloc byte[RtcpHeaderLength + SrtcpIndexLength];
            packet.Slice(0, RtcpHeaderLength).CopyTo(aad);
            BinaryPrimitives.WriteUInt32BigEndian(aad.Slice(RtcpHeaderLength), word);
            Span<byte> body = packet.Slice(RtcpHeaderLength, plainLength - RtcpHeaderLength);
            return TryDecrypt(iv, body, packet.Slice(plainLength, GcmTagLength), aad);
        }

        Span<byte> tag = stackalloc byte[GcmTagLength];
        packet.Slice(plainLength, GcmTagLength).CopyTo(tag);
        BinaryPrimitives.WriteUInt32BigEndian(packet.Slice(plainLength), word);
        return TryDecrypt(iv, Span<byte>.Empty, tag, packet.Slice(0, plainLength + SrtcpIndexLength));
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        CryptographicOperations.ZeroMemory(_salt);
        _gcm.Dispose();
    }

    private bool TryDecrypt(ReadOnlySpan<byte> iv, Span<byte> data, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> aad)
    {
        try
        {
            _gcm.Decrypt(iv, data, tag, data, aad);
            return true;
        }
        catch (CryptographicException)
        {
            // AuthenticationTagMismatchException: a forged or corrupted packet.
            return false;
        }
    }

    // RFC 7714 §8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt.
    private void BuildRtpIv(Span<byte> iv, uint ssrc, ulong index)
    {
        iv[0] = 0;
        iv[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(iv.Slice(2), ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(iv.Slice(6), (uint)(index >> 16));
        BinaryPrimitives.WriteUInt16BigEndian(iv.Slice(10), (ushort)index);
        XorSalt(iv);
    }

    // RFC 7714 §9.1: IV = (00 00 || SSRC || 00 00 || 0 + SRTCP index (31 bits)) XOR salt.
    private void BuildRtcpIv(Span<byte> iv, uint ssrc, uint srtcpIndex)
    {
        iv[0] = 0;
        iv[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(iv.Slice(2), ssrc);
        iv[6] = 0;
        iv[7] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(iv.Slice(8), srtcpIndex & 0x7FFF_FFFF);
        XorSalt(iv);
    }

    private void XorSalt(Span<byte> iv)
    {
        for (int i = 0; i < IvLength; i++)
        {
            iv[i] ^= _salt[i];
        }
    }
}
