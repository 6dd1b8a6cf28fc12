using P2PCall.WebRtc.Dtls;

namespace P2PCall.WebRtc.Tests.Dtls;

/// <summary>Which endpoint of an <see cref="InMemoryDtlsPair"/> sent a datagram.</summary>
internal enum PairSide
{
    A,
    B,
}

/// <summary>
/// Two DTLS transports wired back to back in memory: A's send delivers to B's OnDatagram and back.
/// A rewrite hook can drop, duplicate, corrupt or inject datagrams per direction; every sent datagram is recorded.
/// </summary>
internal sealed class InMemoryDtlsPair : IAsyncDisposable
{
    // Generated once per test run: reuse across transports is what the SDK does too.
    public static readonly RTCCertificate CertificateA = RTCCertificate.Generate();
    public static readonly RTCCertificate CertificateB = RTCCertificate.Generate();
    public static readonly RTCCertificate OtherCertificate = RTCCertificate.Generate();

    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly List<byte[]> _sentByA = [];
    private readonly List<byte[]> _sentByB = [];

    public InMemoryDtlsPair(
        DtlsRole roleOfA = DtlsRole.Client,
        DtlsTransportOptions? optionsA = null,
        DtlsTransportOptions? optionsB = null,
        RTCCertificate? certificateA = null,
        RTCCertificate? certificateB = null,
        IReadOnlyList<RTCDtlsFingerprint>? fingerprintsExpectedByA = null,
        IReadOnlyList<RTCDtlsFingerprint>? fingerprintsExpectedByB = null,
        TimeProvider? timeProvider = null)
    {
        certificateA ??= CertificateA;
        certificateB ??= CertificateB;
        DtlsRole roleOfB = roleOfA == DtlsRole.Client ? DtlsRole.Server : DtlsRole.Client;
        A = new DtlsTransport(roleOfA, certificateA, fingerprintsExpectedByA ?? CertificateB.GetFingerprints(), d => Deliver(PairSide.A, d), optionsA, timeProvider);
        B = new DtlsTransport(roleOfB, certificateB, fingerprintsExpectedByB ?? CertificateA.GetFingerprints(), d => Deliver(PairSide.B, d), optionsB, timeProvider);
    }

    public DtlsTransport A { get; }

    public DtlsTransport B { get; }

    /// <summary>
    /// Decides what reaches the other side for each datagram: (sender, index of the datagram from that sender,
    /// datagram) → datagrams to deliver. Null: deliver as sent.
    /// </summary>
    public Func<PairSide, int, byte[], IEnumerable<byte[]>>? Rewrite { get; set; }

    public DtlsTransport Client => A.Role == DtlsRole.Client ? A : B;

    public DtlsTransport Server => A.Role == DtlsRole.Server ? A : B;

    public IReadOnlyList<byte[]> SentBy(PairSide side)
    {
        lock (_gate)
        {
            return [.. side == PairSide.A ? _sentByA : _sentByB];
        }
    }

    public void Start()
    {
        B.Start();
        A.Start();
    }

    /// <summary>Starts both and waits until both are connected.</summary>
    public async Task ConnectAsync()
    {
        Start();
        await Task.WhenAll(A.WaitConnectedAsync(), B.WaitConnectedAsync()).WaitAsync(HangGuard);
    }

    /// <summary>Waits until both have left connecting, whatever the outcome; returns the wait tasks' exceptions.</summary>
    public async Task<(Exception? A, Exception? B)> RunToEndOfHandshakeAsync()
    {
        Start();
        Exception? a = await Record(A.WaitConnectedAsync());
        Exception? b = await Record(B.WaitConnectedAsync());
        return (a, b);

        static async Task<Exception?> Record(Task task)
        {
            try
            {
                await task.WaitAsync(HangGuard);
                return null;
            }
            catch (Exception e) when (e is not TimeoutException)
            {
                return e;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }

    private void Deliver(PairSide from, ReadOnlySpan<byte> datagram)
    {
        byte[] copy = datagram.ToArray();
        int index;
        lock (_gate)
        {
            List<byte[]> sent = from == PairSide.A ? _sentByA : _sentByB;
            index = sent.Count;
            sent.Add(copy);
        }

        DtlsTransport to = from == PairSide.A ? B : A;
        IEnumerable<byte[]> deliver = Rewrite?.Invoke(from, index, copy) ?? [copy];
        foreach (byte[] d in deliver)
        {
            to.OnDatagram(d);
        }
    }
}
