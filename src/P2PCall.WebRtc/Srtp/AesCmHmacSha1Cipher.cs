using System.Buffers.Binary;
using System.Security.Cryptography;

namespace P2PCall.WebRtc.Srtp;

/// <summary>
/// AES counter mode encryption with HMAC-SHA1 authentication (RFC 3711 §4.1.1, §4.2.1), for the
/// SRTP_AES128_CM_HMAC_SHA1_80/32 profiles. One reused ECB encryptor and one reused
/// <see cref="IncrementalHash"/>; no allocation per packet.
/// </summary>
internal sealed class AesCmHmacSha1Cipher : SrtpCipher
{
    private const int Sha1Length = 20;

    private readonly AesCounterMode _aes;
    private readonly IncrementalHash _hmac;
    private readonly byte[] _salt;
    private readonly int _tagLength;

    /// <summary>Creates the transform from session keys.</summary>
    /// <param name="key">Session encryption key (16 or 32 bytes).</param>
    /// <param name="authKey">Session authentication key (20 bytes).</param>
    /// <param name="salt">Session salt (14 bytes).</param>
    /// <param name="tagLength">Tag length in bytes (10 or 4).</param>
    public AesCmHmacSha1Cipher(ReadOnlySpan<byte> key, ReadOnlySpan<byte> authKey, ReadOnlySpan<byte> salt, int tagLength)
    {
        if (salt.Length != 14)
        {
            throw new ArgumentException("AES-CM needs a 14-byte session salt.", nameof(salt));
        }

        if (tagLength is < 4 or > Sha1Length)
        {
            throw new ArgumentOutOfRangeException(nameof(tagLength));
        }

        _aes = new AesCounterMode(key);
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, authKey);
        _salt = salt.ToArray();
        _tagLength = tagLength;
    }

    /// <inheritdoc/>
    public override int TagLength => _tagLength;

    /// <inheritdoc/>
    public override void ProtectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index)
    {
        int authenticatedLength = packet.Length - _tagLength;
        Span<byte> iv = stackalloc byte[16];
        BuildIv(iv, ssrc, index);
        // RFC 3711 §3.1: only the payload is encrypted.
        _aes.Apply(iv, packet.Slice(headerLength, authenticatedLength - headerLength));
        // RFC 3711 §4.2: the tag covers the authenticated portion || ROC.
        ComputeTag(packet.Slice(0, authenticatedLength), (uint)(index >> 16), true, packet.Slice(authenticatedLength));
    }

    /// <inheritdoc/>
    public override bool UnprotectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index)
    {
        int authenticatedLength = packet.Length - _tagLength;
        Span<byte> expected = stackalloc byte[Sha1Length];
        ComputeTag(packet.Slice(0, authenticatedLength), (uint)(index >> 16), true, expected);
        // RFC 3711 §3.3 step 5: authenticate before decrypting; compare in constant time.
        if (!CryptographicOperations.FixedTimeEquals(expected.Slice(0, _tagLength), packet.Slice(authenticatedLength)))
        {
            return false;
        }

        Span<byte> iv = stackalloc byte[16];
        BuildIv(iv, ssrc, index);
        _aes.Apply(iv, packet.Slice(headerLength, authenticatedLength - headerLength));
        return true;
    }

    /// <inheritdoc/>
    public override void ProtectRtcp(Span<byte> packet, uint ssrc, uint srtcpIndex, bool encrypt)
    {
        // RFC 3711 §3.4: packet || E+index || tag; the tag covers everything before it.
        int plainLength = packet.Length - SrtcpIndexLength - _tagLength;
        if (encrypt)
        {
            Span<byte> iv = stackalloc byte[16];
            BuildIv(iv, ssrc, srtcpIndex);
            _aes.Apply(iv, packet.Slice(RtcpHeaderLength, plainLength - RtcpHeaderLength));
        }

        BinaryPrimitives.WriteUInt32BigEndian(packet.Slice(plainLength), (encrypt ? 0x8000_0000u : 0u) | srtcpIndex);
        int authenticatedLength = plainLength + SrtcpIndexLength;
        ComputeTag(packet.Slice(0, authenticatedLength), 0, false, packet.Slice(authenticatedLength));
    }

    /// <inheritdoc/>
    public override int SrtcpIndexOffset(int packetLength) => packetLength - _tagLength - SrtcpIndexLength;

    /// <inheritdoc/>
    public override bool UnprotectRtcp(Span<byte> packet, uint ssrc, uint srtcpIndex, bool encrypted)
    {
        int authenticatedLength = packet.Length - _tagLength;
        Span<byte> expected = stackalloc byte[Sha1Length];
        ComputeTag(packet.Slice(0, authenticatedLength), 0, false, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected.Slice(0, _tagLength), packet.Slice(authenticatedLength)))
        {
            return false;
        }

        if (encrypted)
        {
            int plainLength = authenticatedLength - SrtcpIndexLength;
            Span<byte> iv = stackalloc byte[16];
            BuildIv(iv, ssrc, srtcpIndex);
            _aes.Apply(iv, packet.Slice(RtcpHeaderLength, plainLength - RtcpHeaderLength));
        }

        return true;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        CryptographicOperations.ZeroMemory(_salt);
        _aes.Dispose();
        _hmac.Dispose();
    }

    // RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16).
    private void BuildIv(Span<byte> iv, uint ssrc, ulong index)
    {
        _salt.CopyTo(iv);
        iv[14] = 0;
        iv[15] = 0;
        iv[4] ^= (byte)(ssrc >> 24);
        iv[5] ^= (byte)(ssrc >> 16);
        iv[6] ^= (byte)(ssrc >> 8);
        iv[7] ^= (byte)ssrc;
        for (int j = 0; j < 6; j++)
        {
            iv[8 + j] ^= (byte)(index >> (40 - (8 * j)));
        }
    }

    private void ComputeTag(ReadOnlySpan<byte> authenticated, uint roc, bool appendRoc, Span<byte> tag)
    {
        _hmac.AppendData(authenticated);
        if (appendRoc)
        {
            Span<byte> rocBytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(rocBytes, roc);
            _hmac.AppendData(rocBytes);
        }

        Span<byte> mac = stackalloc byte[Sha1Length];
        _hmac.GetHashAndReset(mac);
        // RFC 3711 §4.2.1: the tag is the leftmost n_tag bits of the HMAC.
        mac.Slice(0, Math.Min(tag.Length, Sha1Length)).CopyTo(tag);
        CryptographicOperations.ZeroMemory(mac);
    }
}
