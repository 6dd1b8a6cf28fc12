using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using P2PCall.WebRtc.Dtls;

namespace P2PCall.WebRtc.Tests.Dtls;

public class DtlsTransportLifecycleTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(1200)]
    internal async Task Application_data_round_trips_in_both_directions(int size)
    {
        await using var pair = new InMemoryDtlsPair(DtlsRole.Server);
        await pair.ConnectAsync();
        var atA = Channel.CreateUnbounded<byte[]>();
        var atB = Channel.CreateUnbounded<byte[]>();
        pair.A.ApplicationDataReceived += data => atA.Writer.TryWrite(data.ToArray());
        pair.B.ApplicationDataReceived += data => atB.Writer.TryWrite(data.ToArray());
        byte[] fromA = [.. Enumerable.Range(0, size).Select(i => (byte)(i * 7))];
        byte[] fromB = [.. Enumerable.Range(0, size).Select(i => (byte)(i * 13 + 1))];

        Assert.True(pair.A.MaxApplicationDataSize >= 1200);
        pair.A.Send(fromA);
        pair.B.Send(fromB);
        pair.A.Send(fromA.AsSpan(0, size / 2 + 1));

        Assert.Equal(fromA, await atB.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(fromA[..(size / 2 + 1)], await atB.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(fromB, await atA.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    internal async Task Application_data_is_encrypted_on_the_wire()
    {
        await using var pair = new InMemoryDtlsPair();
        await pair.ConnectAsync();
        byte[] secret = [.. "a-recognisable-plaintext-marker"u8];
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.B.ApplicationDataReceived += _ => received.TrySetResult();

        pair.A.Send(secret);
        await received.Task.WaitAsync(TimeSpan.FromSeconds(30));

        byte[] record = pair.SentBy(PairSide.A)[^1];
        Assert.Equal(23, record[0]); // application_data (RFC 5246 §6.2.1)
        Assert.Equal(-1, record.AsSpan().IndexOf(secret));
    }

    [Fact]
    internal async Task Oversized_application_data_is_refused()
    {
        await using var pair = new InMemoryDtlsPair();
        await pair.ConnectAsync();

        Assert.Throws<ArgumentException>(() => pair.A.Send(new byte[pair.A.MaxApplicationDataSize + 1]));
    }

    [Fact]
    internal async Task Send_before_connected_is_an_invalid_state()
    {
        await using var pair = new InMemoryDtlsPair();

        Assert.Throws<InvalidStateException>(() => pair.A.Send([1]));
        Assert.Equal(0, pair.A.MaxApplicationDataSize);
    }

    [Fact]
    internal async Task Close_sends_close_notify_and_the_peer_goes_closed()
    {
        await using var pair = new InMemoryDtlsPair();
        await pair.ConnectAsync();
        var peerClosed = new TaskCompletionSource<RTCDtlsTransportState>(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.B.StateChanged += (_, s) => peerClosed.TrySetResult(s);

        await pair.A.CloseAsync();

        Assert.Equal(RTCDtlsTransportState.Closed, await peerClosed.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        byte[] last = pair.SentBy(PairSide.A)[^1];
        Assert.Equal(21, last[0]); // an alert record (encrypted close_notify, RFC 5246 §7.2.1)
        Assert.Equal(1, last[4]); // in the application epoch
        await pair.B.WorkerTask.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Null(pair.B.Error);
        Assert.Equal(RTCDtlsTransportState.Closed, pair.A.State);
        Assert.True(pair.A.WorkerTask.IsCompleted);
        Assert.Throws<InvalidStateException>(() => pair.B.Send([1]));
    }

    [Fact]
    internal async Task Dispose_during_the_handshake_returns_and_leaves_no_thread()
    {
        var firstSend = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var transport = new DtlsTransport(
            DtlsRole.Client, InMemoryDtlsPair.CertificateA, InMemoryDtlsPair.CertificateB.GetFingerprints(), _ => firstSend.TrySetResult());
        transport.Start();
        await firstSend.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await transport.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(transport.WorkerTask.IsCompleted);
        Assert.Equal(RTCDtlsTransportState.Closed, transport.State);
        Assert.Null(transport.Error);
        await Assert.ThrowsAsync<InvalidStateException>(() => transport.WaitConnectedAsync());
        Assert.Throws<ObjectDisposedException>(transport.Start);
    }

    [Fact]
    internal async Task Server_waiting_for_a_client_hello_disposes_promptly()
    {
        var transport = new DtlsTransport(
            DtlsRole.Server, InMemoryDtlsPair.CertificateB, InMemoryDtlsPair.CertificateA.GetFingerprints(), _ => { });
        transport.Start();

        await transport.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(transport.WorkerTask.IsCompleted);
        Assert.Equal(RTCDtlsTransportState.Closed, transport.State);
    }

    [Fact]
    internal async Task Dispose_from_a_state_handler_on_the_dtls_thread_does_not_deadlock()
    {
        await using var pair = new InMemoryDtlsPair();
        var disposed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.A.StateChanged += (_, s) =>
        {
            if (s == RTCDtlsTransportState.Connected)
            {
                _ = pair.A.DisposeAsync().AsTask().ContinueWith(_ => disposed.TrySetResult(), TaskScheduler.Default);
            }
        };

        pair.Start();
        await disposed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await pair.A.WorkerTask.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(RTCDtlsTransportState.Closed, pair.A.State);
    }

    [Fact]
    internal async Task Handshake_without_an_answer_fails_after_the_timeout_on_the_injected_clock()
    {
        var time = new FakeTimeProvider();
        var firstSend = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var transport = new DtlsTransport(
            DtlsRole.Client,
            InMemoryDtlsPair.CertificateA,
            InMemoryDtlsPair.CertificateB.GetFingerprints(),
            _ => firstSend.TrySetResult(),
            new DtlsTransportOptions { HandshakeTimeout = TimeSpan.FromSeconds(30) },
            time);
        transport.Start();
        await firstSend.Task.WaitAsync(TimeSpan.FromSeconds(30));

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(RTCDtlsTransportState.Connecting, transport.State);
        time.Advance(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<DtlsHandshakeTimeoutException>(() => transport.WaitConnectedAsync());
        Assert.Equal(RTCDtlsTransportState.Failed, transport.State);
        Assert.IsType<DtlsHandshakeTimeoutException>(transport.Error);
        await transport.WorkerTask.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    internal async Task Timeout_after_connecting_changes_nothing()
    {
        var time = new FakeTimeProvider();
        await using var pair = new InMemoryDtlsPair(timeProvider: time);
        await pair.ConnectAsync();

        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(RTCDtlsTransportState.Connected, pair.A.State);
        await DtlsLossAndMalformedTests.AssertApplicationDataFlows(pair);
    }

    [Fact]
    internal void Rfc7983_first_byte_20_to_63_is_dtls()
    {
        for (int b = 0; b < 256; b++)
        {
            Assert.Equal(b is >= 20 and <= 63, DtlsTransport.IsDtlsPacket([(byte)b, 0, 0]));
        }

        Assert.False(DtlsTransport.IsDtlsPacket([]));
    }

    [Fact]
    internal void Bad_options_are_refused_at_construction()
    {
        Assert.Throws<ArgumentException>(() => new DtlsTransport(
            DtlsRole.Client, InMemoryDtlsPair.CertificateA, InMemoryDtlsPair.CertificateB.GetFingerprints(), _ => { },
            new DtlsTransportOptions { SrtpProfiles = [0x1234] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DtlsTransport(
            DtlsRole.Client, InMemoryDtlsPair.CertificateA, InMemoryDtlsPair.CertificateB.GetFingerprints(), _ => { },
            new DtlsTransportOptions { HandshakeTimeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentException>(() => new DtlsTransport(
            DtlsRole.Client, InMemoryDtlsPair.CertificateA, [], _ => { }));
    }
}

public class DtlsWarmUpTests
{
    [Fact]
    public async Task Warm_up_completes_a_full_handshake_and_data_exchange()
    {
        Task warmUp = DtlsWarmUp.RunAsync();

        await warmUp.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(warmUp.IsCompletedSuccessfully);
    }
}
