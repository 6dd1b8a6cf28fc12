using System.Numerics;
using System.Security.Cryptography;

namespace P2PCall.WebRtc.Srtp;

/// <summary>
/// AES in counter mode (RFC 3711 §4.1.1) built on one reused ECB encryptor: the keystream block
/// <c>i</c> is <c>E(k, IV + i mod 2^128)</c>. Counter blocks and keystream live in two scratch
/// arrays owned by the instance, so applying the keystream does not allocate.
/// </summary>
/// <remarks>Not thread-safe: one caller at a time (the owning <see cref="SrtpContext"/>).</remarks>
internal sealed class AesCounterMode : IDisposable
{
    private const int BlockSize = 16;
    private const int BatchBlocks = 32;

    private readonly Aes _aes;
    private readonly ICryptoTransform _ecb;
    private readonly byte[] _counters = new byte[BatchBlocks * BlockSize];
    private readonly byte[] _keystream = new byte[BatchBlocks * BlockSize];

    /// <summary>Creates the cipher for a 16- or 32-byte AES key.</summary>
    /// <param name="key">The key; copied into the AES object.</param>
    public AesCounterMode(ReadOnlySpan<byte> key)
    {
        _aes = Aes.Create();
        byte[] copy = key.ToArray();
        try
        {
            _aes.Key = copy;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(copy);
        }

        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _ecb = _aes.CreateEncryptor();
    }

    /// <summary>XORs the keystream that starts at counter block <paramref name="iv"/> into <paramref name="data"/>.</summary>
    /// <param name="iv">The 16-byte initial counter block.</param>
    /// <param name="data">The bytes to encrypt or decrypt in place.</param>
    public void Apply(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        Span<byte> counter = stackalloc byte[BlockSize];
        iv.Slice(0, BlockSize).CopyTo(counter);
        while (!data.IsEmpty)
        {
            int blocks = Math.Min(BatchBlocks, (data.Length + BlockSize - 1) / BlockSize);
            Span<byte> counters = _counters.AsSpan(0, blocks * BlockSize);
            for (int b = 0; b < blocks; b++)
            {
                counter.CopyTo(counters.Slice(b * BlockSize, BlockSize));
                Increment(counter);
            }

            _ecb.TransformBlock(_counters, 0, blocks * BlockSize, _keystream, 0);
            int n = Math.Min(data.Length, blocks * BlockSize);
            Xor(data.Slice(0, n), _keystream.AsSpan(0, n));
            data = data.Slice(n);
        }
    }

    /// <summary>Writes the raw keystream (the encryption of zeros) into <paramref name="output"/>.</summary>
    /// <param name="iv">The 16-byte initial counter block.</param>
    /// <param name="output">Receives the keystream.</param>
    public void Keystream(ReadOnlySpan<byte> iv, Span<byte> output)
    {
        output.Clear();
        Apply(iv, output);
    }

    /// <summary>Clears the scratch buffers and disposes the AES objects.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_keystream);
        CryptographicOperations.ZeroMemory(_counters);
        _ecb.Dispose();
        _aes.Dispose();
    }

    // RFC 3711 §4.1.1: IV + i mod 2^128, big-endian.
    private static void Increment(Span<byte> counter)
    {
        for (int i = BlockSize - 1; i >= 0; i--)
        {
            if (++counter[i] != 0)
            {
                return;
            }
        }
    }

    private static void Xor(Span<byte> data, ReadOnlySpan<byte> keystream)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<byte>.Count;
            for (; i <= data.Length - width; i += width)
            {
                var v = new Vector<byte>(data.Slice(i)) ^ new Vector<byte>(keystream.Slice(i));
                v.CopyTo(data.Slice(i));
            }
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= keystream[i];
        }
    }
}
