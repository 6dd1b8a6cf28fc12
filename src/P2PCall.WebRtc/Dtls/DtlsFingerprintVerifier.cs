namespace P2PCall.WebRtc.Dtls;

/// <summary>
/// Checks a peer certificate against the fingerprints from the remote SDP. With self-signed
/// certificates this comparison is the whole authentication of the peer (RFC 8842 §5, RFC 8827 §6.5).
/// </summary>
internal static class DtlsFingerprintVerifier
{
    /// <summary>
    /// True when <paramref name="der"/> matches one of the expected fingerprints that use the most
    /// preferred hash function among those offered (RFC 8122 §5). False when none is usable or none matches.
    /// </summary>
    /// <param name="expected">The fingerprints from the remote description.</param>
    /// <param name="der">The peer's end-entity certificate.</param>
    /// <returns>Whether the certificate is the one the remote description announced.</returns>
    public static bool Verify(IReadOnlyList<RTCDtlsFingerprint> expected, ReadOnlySpan<byte> der)
    {
        if (der.IsEmpty)
        {
            return false;
        }

        // RFC 8122 §5: select the set of fingerprints using the most preferred hash function (out of those
        // offered) and check that the certificate matches one fingerprint of that set.
        foreach (string algorithm in RTCDtlsFingerprint.SupportedAlgorithms)
        {
            bool offered = false;
            for (int i = 0; i < expected.Count; i++)
            {
                if (!string.Equals(expected[i].Algorithm, algorithm, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                offered = true;
                if (expected[i].Matches(der))
                {
                    return true;
                }
            }

            if (offered)
            {
                return false;
            }
        }

        return false;
    }
}
