using System.Security.Cryptography;

namespace P2PCall.WebRtc.Dtls;

/// <summary>
/// A certificate fingerprint (the W3C <c>RTCDtlsFingerprint</c>; RFC 8122 §5 <c>a=fingerprint</c>).
/// </summary>
/// <param name="Algorithm">The hash function name in lower case as SDP spells it, for example <c>sha-256</c>.</param>
/// <param name="Value">The hash of the DER-encoded certificate as hex pairs joined by ':'; upper case when produced here.</param>
public sealed record RTCDtlsFingerprint(string Algorithm, string Value)
{
    /// <summary>The <c>sha-1</c> hash function name (RFC 8122 §5, "Hash Function Textual Names" registry).</summary>
    internal const string Sha1 = "sha-1";

    /// <summary>The <c>sha-256</c> hash function name.</summary>
    internal const string Sha256 = "sha-256";

    /// <summary>The <c>sha-384</c> hash function name.</summary>
    internal const string Sha384 = "sha-384";

    /// <summary>The <c>sha-512</c> hash function name.</summary>
    internal const string Sha512 = "sha-512";

    /// <summary>The hash functions we can verify, most preferred first (RFC 8122 §5: the verifier picks its most preferred one offered).</summary>
    internal static readonly string[] SupportedAlgorithms = [Sha512, Sha384, Sha256, Sha1];

    /// <summary>Computes the fingerprint of a DER-encoded certificate.</summary>
    /// <param name="algorithm">A name from <see cref="SupportedAlgorithms"/>.</param>
    /// <param name="der">The certificate.</param>
    /// <returns>The fingerprint with upper-case hex.</returns>
    internal static RTCDtlsFingerprint Compute(string algorithm, ReadOnlySpan<byte> der)
    {
        Span<byte> hash = stackalloc byte[64];
        int length = TryHash(algorithm, der, hash);
        if (length < 0)
        {
            throw new ArgumentException("Unsupported fingerprint hash function: " + algorithm, nameof(algorithm));
        }

        return new RTCDtlsFingerprint(algorithm.ToLowerInvariant(), FormatHex(hash[..length]));
    }

    /// <summary>Hashes <paramref name="der"/> with the named function; the hash length, or -1 when the name is not supported.</summary>
    /// <param name="algorithm">The hash function name (case-insensitive).</param>
    /// <param name="der">The certificate.</param>
    /// <param name="destination">At least 64 bytes.</param>
    /// <returns>The number of bytes written, or -1.</returns>
    internal static int TryHash(string algorithm, ReadOnlySpan<byte> der, Span<byte> destination)
    {
        if (string.Equals(algorithm, Sha256, StringComparison.OrdinalIgnoreCase))
        {
            return SHA256.HashData(der, destination);
        }

        if (string.Equals(algorithm, Sha384, StringComparison.OrdinalIgnoreCase))
        {
            return SHA384.HashData(der, destination);
        }

        if (string.Equals(algorithm, Sha512, StringComparison.OrdinalIgnoreCase))
        {
            return SHA512.HashData(der, destination);
        }

        if (string.Equals(algorithm, Sha1, StringComparison.OrdinalIgnoreCase))
        {
#pragma warning disable CA5350 // RFC 8122 §5 still lists sha-1 fingerprints; we only verify them when the peer offers nothing stronger.
            return SHA1.HashData(der, destination);
#pragma warning restore CA5350
        }

        return -1;
    }

    /// <summary>
    /// Reads <see cref="Value"/> as hex pairs joined by ':' (either case). False when malformed.
    /// </summary>
    /// <param name="destination">Receives the bytes; at least 64 bytes.</param>
    /// <param name="length">The number of bytes written.</param>
    /// <returns>Whether the value was well formed.</returns>
    internal bool TryGetHash(Span<byte> destination, out int length)
    {
        length = 0;
        ReadOnlySpan<char> value = Value;
        // RFC 8122 §5: fingerprint = 2UHEX *(":" 2UHEX); we accept lower case too (RFC 4572 did).
        if (value.Length < 2 || (value.Length + 1) % 3 != 0)
        {
            return false;
        }

        int count = (value.Length + 1) / 3;
        if (count > destination.Length)
        {
            return false;
        }

        for (int i = 0; i < count; i++)
        {
            int at = i * 3;
            if (i > 0 && value[at - 1] != ':')
            {
                return false;
            }

            int high = HexValue(value[at]);
            int low = HexValue(value[at + 1]);
            if (high < 0 || low < 0)
            {
                return false;
            }

            destination[i] = (byte)((high << 4) | low);
        }

        length = count;
        return true;
    }

    /// <summary>Whether this fingerprint's hash function applied to <paramref name="der"/> gives exactly its value.</summary>
    /// <param name="der">The peer's DER-encoded certificate.</param>
    /// <returns>True on an exact match of the hash bytes.</returns>
    internal bool Matches(ReadOnlySpan<byte> der)
    {
        Span<byte> expected = stackalloc byte[64];
        Span<byte> actual = stackalloc byte[64];
        if (!TryGetHash(expected, out int expectedLength))
        {
            return false;
        }

        int actualLength = TryHash(Algorithm, der, actual);
        return actualLength > 0
            && actualLength == expectedLength
            && CryptographicOperations.FixedTimeEquals(expected[..expectedLength], actual[..actualLength]);
    }

    private static string FormatHex(ReadOnlySpan<byte> hash) =>
        string.Create(hash.Length * 3 - 1, hash.ToArray(), static (chars, bytes) =>
        {
            const string digits = "0123456789ABCDEF";
            for (int i = 0; i < bytes.Length; i++)
            {
                int at = i * 3;
                if (i > 0)
                {
                    chars[at - 1] = ':';
                }

                chars[at] = digits[bytes[i] >> 4];
                chars[at + 1] = digits[bytes[i] & 0xF];
            }
        });

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };
}
