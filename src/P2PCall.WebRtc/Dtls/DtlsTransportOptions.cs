namespace P2PCall.WebRtc.Dtls;

/// <summary>Settings of one <see cref="DtlsTransport"/>; the defaults suit WebRTC with Chromium.</summary>
internal sealed class DtlsTransportOptions
{
    /// <summary>
    /// SRTP protection profiles in preference order (RFC 5764 §4.1.1): the client offers them in this order,
    /// the server picks the first of these that the client offered. Empty: no use_srtp (data channels only).
    /// </summary>
    public IReadOnlyList<ushort> SrtpProfiles { get; init; } = DtlsSrtpProfile.Default;

    /// <summary>How long the handshake may take before the transport fails (measured on the injected TimeProvider).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// First retransmission of an unanswered flight, in milliseconds, doubling up to 60 s (RFC 6347 §4.2.4.1
    /// suggests 1 s; Chromium as server often ignores the very first ClientHello, so we retransmit sooner).
    /// BouncyCastle measures this on its own wall clock, not the TimeProvider.
    /// </summary>
    public int InitialRetransmitMilliseconds { get; init; } = 150;

    /// <summary>The largest datagram we send (handshake messages are fragmented to fit, RFC 6347 §4.1.1.1).</summary>
    public int MaxDatagramSize { get; init; } = 1280;

    /// <summary>
    /// The largest datagram we accept; larger ones are dropped. Default: one full record (2^14 bytes of plaintext,
    /// RFC 6347 §4.1) with its header, nonce and tag, which SCTP sends once path MTU discovery found room for it.
    /// </summary>
    public int MaxReceiveDatagramSize { get; init; } = 16384 + 64;

    /// <summary>How many received datagrams may wait for the DTLS thread; more are dropped, as a full socket buffer would.</summary>
    public int ReceiveQueueCapacity { get; init; } = 256;

    /// <summary>Refuse peers without the extended master secret (RFC 7627 §5.2); Chromium and Firefox send it.</summary>
    public bool RequireExtendedMasterSecret { get; init; } = true;

    /// <summary>
    /// Keep application data in BouncyCastle's record layer instead of <see cref="DtlsAeadRecordLayer"/> (tests use it
    /// to check each layer against the other). Default false.
    /// </summary>
    public bool BouncyCastleRecordLayer { get; init; }

    /// <summary>Cipher suites to offer or accept instead of <see cref="DtlsPeerContext.CipherSuites"/> (tests pin one). Default null.</summary>
    public int[]? CipherSuites { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(SrtpProfiles);
        foreach (ushort profile in SrtpProfiles)
        {
            if (!DtlsSrtpProfile.TryGetLengths(profile, out _, out _))
            {
                throw new ArgumentException("Unknown SRTP protection profile " + profile, nameof(SrtpProfiles));
            }
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HandshakeTimeout, TimeSpan.Zero, nameof(HandshakeTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialRetransmitMilliseconds, 10, nameof(InitialRetransmitMilliseconds));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDatagramSize, 256, nameof(MaxDatagramSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReceiveDatagramSize, MaxDatagramSize, nameof(MaxReceiveDatagramSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReceiveQueueCapacity, 1, nameof(ReceiveQueueCapacity));
    }
}
