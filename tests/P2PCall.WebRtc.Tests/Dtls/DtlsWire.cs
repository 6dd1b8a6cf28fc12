using System.Buffers.Binary;

namespace P2PCall.WebRtc.Tests.Dtls;

/// <summary>Reads DTLS 1.2 records and plaintext handshake messages from captured datagrams (RFC 6347 §4.1, §4.2.2).</summary>
internal static class DtlsWire
{
    public const int RecordHeaderLength = 13;
    public const int HandshakeHeaderLength = 12;

    public readonly record struct Record(byte ContentType, ushort Version, ushort Epoch, byte[] Fragment);

    public readonly record struct Handshake(byte Type, byte[] Body);

    public static IEnumerable<Record> Records(byte[] datagram)
    {
        int at = 0;
        while (datagram.Length - at >= RecordHeaderLength)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(at + 11));
            if (datagram.Length - at - RecordHeaderLength < length)
            {
                yield break;
            }

            yield return new Record(
                datagram[at],
                BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(at + 1)),
                BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(at + 3)),
                datagram.AsSpan(at + RecordHeaderLength, length).ToArray());
            at += RecordHeaderLength + length;
        }
    }

    /// <summary>Whole (unfragmented) plaintext handshake messages in epoch 0.</summary>
    public static IEnumerable<Handshake> Handshakes(IEnumerable<byte[]> datagrams)
    {
        foreach (byte[] datagram in datagrams)
        {
            foreach (Record record in Records(datagram))
            {
                if (record.ContentType != 22 || record.Epoch != 0 || record.Fragment.Length < HandshakeHeaderLength)
                {
                    continue;
                }

                byte[] f = record.Fragment;
                int length = (f[1] << 16) | (f[2] << 8) | f[3];
                int offset = (f[6] << 16) | (f[7] << 8) | f[8];
                int fragmentLength = (f[9] << 16) | (f[10] << 8) | f[11];
                if (offset == 0 && fragmentLength == length && f.Length >= HandshakeHeaderLength + length)
                {
                    yield return new Handshake(f[0], f.AsSpan(HandshakeHeaderLength, length).ToArray());
                }
            }
        }
    }

    /// <summary>
    /// A DTLS ClientHello shaped like Chromium's: record version DTLS 1.0, supported_versions listing DTLS 1.3
    /// (0xFEFC) and 1.2 (0xFEFD), ECDHE-ECDSA-AES128-GCM, extended master secret, use_srtp, and optionally a
    /// 1,216-byte post-quantum key share, which makes Chromium split it over two datagrams (measured: 1200 + 263).
    /// </summary>
    /// <param name="fragmentAt">When set, the handshake message is sent as two fragments (RFC 6347 §4.2.3) split here.</param>
    /// <param name="postQuantumKeyShare">Adds an X25519MLKEM768 + x25519 key_share like Chromium's.</param>
    /// <returns>One datagram per fragment.</returns>
    public static List<byte[]> ClientHelloOffering13And12(int? fragmentAt = null, bool postQuantumKeyShare = false)
    {
        var body = new List<byte>();
        body.AddRange([0xFE, 0xFD]); // client_version: DTLS 1.2 (RFC 8446 §4.1.2 legacy_version)
        body.AddRange(Enumerable.Range(1, 32).Select(i => (byte)i)); // random
        body.Add(0); // session_id
        body.Add(0); // cookie (RFC 6347 §4.2.1)
        body.AddRange([0x00, 0x04, 0xC0, 0x2B, 0x13, 0x01]); // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256
        body.AddRange([0x01, 0x00]); // compression: null

        var extensions = new List<byte>();
        void Extension(ushort type, params byte[] data)
        {
            extensions.AddRange([(byte)(type >> 8), (byte)type, (byte)(data.Length >> 8), (byte)data.Length]);
            extensions.AddRange(data);
        }

        Extension(0xFF01, 0x00); // renegotiation_info (RFC 5746)
        Extension(0x0017); // extended_master_secret (RFC 7627)
        Extension(0x000A, 0x00, 0x06, 0x11, 0xEC, 0x00, 0x1D, 0x00, 0x17); // supported_groups: X25519MLKEM768, x25519, secp256r1
        Extension(0x000B, 0x01, 0x00); // ec_point_formats: uncompressed
        Extension(0x000D, 0x00, 0x04, 0x04, 0x03, 0x08, 0x04); // signature_algorithms: ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256
        Extension(0x000E, 0x00, 0x04, 0x00, 0x07, 0x00, 0x01, 0x00); // use_srtp: AEAD_AES_128_GCM, CM_80; no MKI
        Extension(0x002B, 0x04, 0xFE, 0xFC, 0xFE, 0xFD); // supported_versions: DTLS 1.3, DTLS 1.2
        if (postQuantumKeyShare)
        {
            // key_share (RFC 8446 §4.2.8): X25519MLKEM768 (1216 bytes) and x25519 (32 bytes); a 1.2 server ignores it.
            var shares = new List<byte> { 0x11, 0xEC, 0x04, 0xC0 };
            shares.AddRange(Enumerable.Range(0, 1216).Select(i => (byte)(i * 31)));
            shares.AddRange([0x00, 0x1D, 0x00, 0x20]);
            shares.AddRange(Enumerable.Range(0, 32).Select(i => (byte)(i + 9)));
            Extension(0x0033, [(byte)(shares.Count >> 8), (byte)shares.Count, .. shares]);
            Extension(0x002D, 0x01, 0x01); // psk_key_exchange_modes: psk_dhe_ke
        }

        body.AddRange([(byte)(extensions.Count >> 8), (byte)extensions.Count]);
        body.AddRange(extensions);

        int n = body.Count;
        int split = fragmentAt ?? n;
        var datagrams = new List<byte[]>();
        ushort recordSeq = 0;
        for (int offset = 0; offset < n; offset = split, split = n)
        {
            int fragment = split - offset;
            var handshake = new List<byte>
            {
                1, (byte)(n >> 16), (byte)(n >> 8), (byte)n, 0, 0, // client_hello, length, message_seq 0
                (byte)(offset >> 16), (byte)(offset >> 8), (byte)offset,
                (byte)(fragment >> 16), (byte)(fragment >> 8), (byte)fragment,
            };
            handshake.AddRange(body.Skip(offset).Take(fragment));
            int m = handshake.Count;
            var record = new List<byte> { 22, 0xFE, 0xFF, 0, 0, 0, 0, 0, 0, (byte)(recordSeq >> 8), (byte)recordSeq, (byte)(m >> 8), (byte)m };
            record.AddRange(handshake);
            datagrams.Add([.. record]);
            recordSeq++;
        }

        return datagrams;
    }
}
