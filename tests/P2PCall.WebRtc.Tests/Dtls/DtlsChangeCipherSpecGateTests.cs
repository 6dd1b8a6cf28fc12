using System.Buffers.Binary;
using P2PCall.WebRtc.Dtls;

namespace P2PCall.WebRtc.Tests.Dtls;

/// <summary>The server-side hold on a ChangeCipherSpec that arrives before the rest of its flight (RFC 6347 §4.1, §4.2.2).</summary>
public class DtlsChangeCipherSpecGateTests
{
    private static byte[] Record(byte type, ushort epoch, ulong sequence, byte[] body)
    {
        var record = new byte[13 + body.Length];
        record[0] = type;
        record[1] = 0xFE;
        record[2] = 0xFD;
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(3), epoch);
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(5), (ushort)(sequence >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(7), (uint)sequence);
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(11), (ushort)body.Length);
        body.CopyTo(record, 13);
        return record;
    }

    private static byte[] Fragment(byte messageType, int length, ushort messageSeq, int offset, int fragmentLength)
    {
        var fragment = new byte[12 + fragmentLength];
        fragment[0] = messageType;
        fragment[1] = (byte)(length >> 16);
        fragment[2] = (byte)(length >> 8);
        fragment[3] = (byte)length;
        BinaryPrimitives.WriteUInt16BigEndian(fragment.AsSpan(4), messageSeq);
        fragment[6] = (byte)(offset >> 16);
        fragment[7] = (byte)(offset >> 8);
        fragment[8] = (byte)offset;
        fragment[9] = (byte)(fragmentLength >> 16);
        fragment[10] = (byte)(fragmentLength >> 8);
        fragment[11] = (byte)fragmentLength;
        return fragment;
    }

    private static byte[] Handshake(ulong recordSeq, byte type, ushort messageSeq, int length) =>
        Record(22, 0, recordSeq, Fragment(type, length, messageSeq, 0, length));

    private static byte[] ChangeCipherSpec(ulong recordSeq) => Record(20, 0, recordSeq, [1]);

    private static bool Passes(DtlsChangeCipherSpecGate gate, byte[] datagram, out byte[] kept)
    {
        var buffer = new byte[datagram.Length];
        bool unchanged = gate.Inspect(datagram, buffer, out int length);
        kept = unchanged ? datagram : buffer[..length];
        return unchanged;
    }

    private static DtlsChangeCipherSpecGate AfterClientHelloAndFlight(bool withCertificateVerify)
    {
        var gate = new DtlsChangeCipherSpecGate();
        Assert.True(Passes(gate, Handshake(0, 1, 0, 40), out _));   // ClientHello
        Assert.True(Passes(gate, Handshake(1, 11, 1, 300), out _)); // Certificate
        Assert.True(Passes(gate, Handshake(2, 16, 2, 40), out _));  // ClientKeyExchange
        if (withCertificateVerify)
        {
            Assert.True(Passes(gate, Handshake(3, 15, 3, 80), out _));
        }

        return gate;
    }

    [Fact]
    public void A_change_cipher_spec_after_a_complete_flight_passes()
    {
        var gate = AfterClientHelloAndFlight(withCertificateVerify: true);

        Assert.True(Passes(gate, ChangeCipherSpec(4), out _));
        Assert.Equal(0, gate.HeldCount);
    }

    [Fact]
    public void A_change_cipher_spec_before_the_certificate_verify_is_held_and_the_next_copy_passes()
    {
        var gate = AfterClientHelloAndFlight(withCertificateVerify: false);

        Assert.False(Passes(gate, ChangeCipherSpec(4), out var kept));
        Assert.Empty(kept);
        Assert.Equal(1, gate.HeldCount);

        // The retransmitted flight: new record numbers, the same message_seq values (RFC 6347 §4.2.4).
        Assert.True(Passes(gate, Handshake(5, 11, 1, 300), out _));
        Assert.True(Passes(gate, Handshake(6, 16, 2, 40), out _));
        Assert.True(Passes(gate, Handshake(7, 15, 3, 80), out _));
        Assert.True(Passes(gate, ChangeCipherSpec(8), out _));
    }

    [Fact]
    public void Only_the_change_cipher_spec_is_taken_out_of_a_datagram()
    {
        var gate = AfterClientHelloAndFlight(withCertificateVerify: false);
        var finished = Record(22, 1, 0, new byte[40]);
        var datagram = ChangeCipherSpec(4).Concat(finished).ToArray();

        Assert.False(Passes(gate, datagram, out var kept));

        Assert.Equal(finished, kept);
    }

    [Fact]
    public void A_message_counts_as_complete_only_when_all_its_fragments_arrived()
    {
        var gate = new DtlsChangeCipherSpecGate();
        Passes(gate, Handshake(0, 1, 0, 40), out _);
        Passes(gate, Record(22, 0, 1, Fragment(11, 300, 1, 0, 150)), out _);
        Passes(gate, Record(22, 0, 2, Fragment(11, 300, 1, 200, 100)), out _); // 150..200 missing
        Passes(gate, Handshake(3, 16, 2, 40), out _);
        Passes(gate, Handshake(4, 15, 3, 80), out _);

        Assert.False(Passes(gate, ChangeCipherSpec(5), out _));

        Passes(gate, Record(22, 0, 6, Fragment(11, 300, 1, 100, 120)), out _); // overlapping, fills the gap
        Passes(gate, Handshake(7, 15, 3, 80), out _);
        Assert.True(Passes(gate, ChangeCipherSpec(8), out _));
    }

    [Fact]
    public void Injected_far_off_messages_cannot_hold_the_gate_shut()
    {
        var gate = new DtlsChangeCipherSpecGate();
        Passes(gate, Handshake(0, 1, 0, 40), out _); // ClientHello
        for (ushort seq = 100; seq < 140; seq++)
        {
            Passes(gate, Record(22, 0, 50, Fragment(15, 500, seq, 0, 10)), out _); // incomplete, far from the handshake
        }

        Passes(gate, Handshake(1, 11, 1, 300), out _);
        Passes(gate, Handshake(2, 16, 2, 40), out _);
        Passes(gate, Handshake(3, 15, 3, 80), out _);

        Assert.True(Passes(gate, ChangeCipherSpec(4), out _));
    }

    [Fact]
    public void A_fragment_with_a_wrong_length_is_replaced_by_the_real_message()
    {
        var gate = new DtlsChangeCipherSpecGate();
        Passes(gate, Handshake(0, 1, 0, 40), out _);
        Passes(gate, Record(22, 0, 1, Fragment(15, 5000, 3, 0, 10)), out _); // injected: CertificateVerify "5000 bytes"
        Passes(gate, Handshake(2, 11, 1, 300), out _);
        Passes(gate, Handshake(3, 16, 2, 40), out _);
        Passes(gate, Handshake(4, 15, 3, 80), out _); // the real one

        Assert.True(Passes(gate, ChangeCipherSpec(5), out _));
    }

    [Fact]
    public void Fragments_of_a_truncated_record_do_not_count()
    {
        var gate = AfterClientHelloAndFlight(withCertificateVerify: false);
        var certificateVerify = Handshake(3, 15, 3, 80);
        var truncated = certificateVerify[..^1]; // the record header still claims the full length

        Passes(gate, truncated, out _);

        Assert.False(Passes(gate, ChangeCipherSpec(4), out _));
    }

    [Fact]
    public void Malformed_and_truncated_records_never_throw()
    {
        var gate = AfterClientHelloAndFlight(withCertificateVerify: true);
        var valid = Handshake(9, 15, 3, 80).Concat(ChangeCipherSpec(10)).ToArray();
        for (int length = 0; length <= valid.Length; length++)
        {
            Passes(gate, valid[..length], out _);
        }

        // A fragment header that claims more than the record holds, and one past its message's length.
        Passes(gate, Record(22, 0, 11, Fragment(15, 10, 3, 0, 10)[..15]), out _);
        Passes(gate, Record(22, 0, 12, Fragment(15, 10, 3, 8, 10)), out _);
        var random = new Random(5);
        for (int i = 0; i < 2000; i++)
        {
            var junk = new byte[random.Next(0, 80)];
            random.NextBytes(junk);
            Passes(gate, junk, out _);
        }
    }
}
