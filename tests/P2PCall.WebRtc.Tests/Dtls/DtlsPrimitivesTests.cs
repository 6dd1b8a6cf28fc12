using P2PCall.WebRtc.Dtls;

namespace P2PCall.WebRtc.Tests.Dtls;

public class DtlsPrimitivesTests
{
    [Fact]
    public void Keying_material_splits_as_rfc5764_section_4_2_lays_it_out()
    {
        byte[] material = [.. Enumerable.Range(0, 2 * (16 + 14)).Select(i => (byte)i)];

        var client = new DtlsSrtpKeyingMaterial(DtlsSrtpProfile.Aes128CmHmacSha1_80, DtlsRole.Client, material);
        var server = new DtlsSrtpKeyingMaterial(DtlsSrtpProfile.Aes128CmHmacSha1_80, DtlsRole.Server, (byte[])material.Clone());

        // client_write_key | server_write_key | client_write_salt | server_write_salt
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (byte)i), client.ClientWriteKey.ToArray());
        Assert.Equal(Enumerable.Range(16, 16).Select(i => (byte)i), client.ServerWriteKey.ToArray());
        Assert.Equal(Enumerable.Range(32, 14).Select(i => (byte)i), client.ClientWriteSalt.ToArray());
        Assert.Equal(Enumerable.Range(46, 14).Select(i => (byte)i), client.ServerWriteSalt.ToArray());
        Assert.Equal(client.ClientWriteKey.ToArray(), client.LocalWriteKey.ToArray());
        Assert.Equal(client.ClientWriteKey.ToArray(), server.RemoteWriteKey.ToArray());
        Assert.Equal(client.ServerWriteSalt.ToArray(), server.LocalWriteSalt.ToArray());
        Assert.Equal(client.ClientWriteSalt.ToArray(), server.RemoteWriteSalt.ToArray());

        client.Clear();
        Assert.All(client.Material.ToArray(), b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(DtlsSrtpProfile.Aes128CmHmacSha1_80, 16, 14)]
    [InlineData(DtlsSrtpProfile.Aes128CmHmacSha1_32, 16, 14)]
    [InlineData(DtlsSrtpProfile.AeadAes128Gcm, 16, 12)]
    [InlineData(DtlsSrtpProfile.AeadAes256Gcm, 32, 12)]
    internal void Profile_lengths_follow_rfc5764_and_rfc7714(ushort profile, int key, int salt)
    {
        Assert.True(DtlsSrtpProfile.TryGetLengths(profile, out int k, out int s));
        Assert.Equal((key, salt), (k, s));
        Assert.Throws<ArgumentException>(() => new DtlsSrtpKeyingMaterial(profile, DtlsRole.Client, new byte[(2 * (key + salt)) - 1]));
    }

    [Fact]
    public void Unknown_profile_has_no_lengths()
    {
        Assert.False(DtlsSrtpProfile.TryGetLengths(0x0005, out _, out _));
    }

    [Fact]
    public void Record_filter_drops_protected_records_too_short_for_nonce_and_tag()
    {
        byte[] header = [23, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 7, 0, 0];

        for (int length = 0; length < 24; length++)
        {
            byte[] record = [.. header[..11], (byte)(length >> 8), (byte)length, .. new byte[length]];
            Assert.False(DtlsRecordFilter.IsAcceptable(record, DtlsRecordFilter.AesGcmMinimumCiphertext), $"length {length}");
        }

        byte[] ok = [.. header[..11], 0, 24, .. new byte[24]];
        Assert.True(DtlsRecordFilter.IsAcceptable(ok, DtlsRecordFilter.AesGcmMinimumCiphertext));
        byte[] epoch0 = [22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
        Assert.True(DtlsRecordFilter.IsAcceptable(epoch0, DtlsRecordFilter.AesGcmMinimumCiphertext));
        // A short protected record packed behind a good one is caught too.
        Assert.False(DtlsRecordFilter.IsAcceptable([.. ok, .. header[..11], 0, 3, 1, 2, 3], DtlsRecordFilter.AesGcmMinimumCiphertext));
    }

    [Fact]
    public void Record_filter_passes_every_truncation_of_a_header_without_failing()
    {
        byte[] datagram = [23, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 7, 0, 30, .. new byte[30]];

        for (int length = 0; length <= datagram.Length; length++)
        {
            // Truncated headers are not ours to judge: BouncyCastle drops them. The walk must just stay in bounds.
            _ = DtlsRecordFilter.IsAcceptable(datagram.AsSpan(0, length), DtlsRecordFilter.AesGcmMinimumCiphertext);
        }

        Assert.True(DtlsRecordFilter.IsAcceptable(datagram, DtlsRecordFilter.AesGcmMinimumCiphertext));
    }

    [Fact]
    public void Channel_receive_times_out_with_minus_one()
    {
        var channel = new DtlsDatagramChannel(_ => { }, 1200, 1500, 4);
        byte[] buffer = new byte[1500];

        Assert.Equal(-1, channel.Receive(buffer, 0, buffer.Length, 1));
    }

    [Fact]
    public void Channel_delivers_in_order_and_drops_when_full_or_oversize()
    {
        var channel = new DtlsDatagramChannel(_ => { }, 1200, 1500, 2);
        byte[] buffer = new byte[1500];

        Assert.True(channel.Enqueue([20, 1]));
        Assert.True(channel.Enqueue([21, 2, 3]));
        Assert.False(channel.Enqueue([22]));
        Assert.False(channel.Enqueue(new byte[1501]));
        Assert.False(channel.Enqueue([]));

        Assert.Equal(2, channel.Receive(buffer, 0, buffer.Length, 1));
        Assert.Equal([20, 1], buffer[..2]);
        Assert.Equal(3, channel.Receive(buffer.AsSpan(), 1));
        Assert.Equal([21, 2, 3], buffer[..3]);
        Assert.Equal(2, channel.DroppedCount);
    }

    [Fact]
    public async Task Channel_close_wakes_a_blocked_receive_which_then_throws()
    {
        var channel = new DtlsDatagramChannel(_ => { }, 1200, 1500, 4);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<Exception> receiver = Task.Factory.StartNew(
            () => Record.Exception(() =>
            {
                entered.SetResult();
                channel.Receive(new byte[1500], 0, 1500, 0); // 0 = wait until data or close
            }),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        await entered.Task;

        channel.Close();

        Assert.IsType<IOException>(await receiver.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(channel.Enqueue([20]));
        Assert.Throws<IOException>(() => channel.Receive(new byte[10], 1));
    }

    [Fact]
    public void Channel_send_swallows_a_failing_sender_and_stops_after_close()
    {
        int calls = 0;
        var channel = new DtlsDatagramChannel(_ => { calls++; throw new InvalidOperationException("no pair"); }, 1200, 1500, 4);

        channel.Send([1, 2, 3]);
        channel.Close();
        channel.Send([4]);

        Assert.Equal(1, calls);
        Assert.Equal(1, channel.DroppedCount);
    }
}
