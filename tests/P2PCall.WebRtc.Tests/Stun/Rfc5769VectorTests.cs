using System.Net;
using System.Text;
using P2PCall.WebRtc.Stun;

namespace P2PCall.WebRtc.Tests.Stun;

public class Rfc5769VectorTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes(Rfc5769Vectors.Password);

    [Fact]
    public void Sample_request_decodes_with_its_attributes()
    {
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(Rfc5769Vectors.Request, out StunMessage m));
        Assert.Equal(StunMessageType.BindingRequest, m.Type);
        Assert.Equal(StunClass.Request, m.Type.Class);
        Assert.Equal(StunMethod.Binding, m.Type.Method);
        Assert.Equal(Rfc5769Vectors.TransactionId, m.TransactionIdBytes.ToArray());
        Assert.Equal("STUN test client", Encoding.UTF8.GetString(m.Software));
        Assert.True(m.UsernameEquals("evtj:h6vY"u8));
        Assert.True(m.TryGetPriority(out uint priority));
        Assert.Equal(0x6e0001ffu, priority);
        Assert.True(m.TryGetIceControlled(out ulong tieBreaker));
        Assert.Equal(0x932ff9b151263b36UL, tieBreaker);
        Assert.False(m.TryGetIceControlling(out _));
        Assert.False(m.UseCandidate);
        Assert.True(m.HasFingerprint);
        Assert.True(m.VerifyMessageIntegrity(Key));
    }

    [Fact]
    public void Ipv4_response_decodes_xor_mapped_address()
    {
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(Rfc5769Vectors.ResponseIPv4, out StunMessage m));
        Assert.Equal(StunMessageType.BindingSuccess, m.Type);
        Assert.Equal("test vector", Encoding.UTF8.GetString(m.Software));
        Assert.True(m.TryGetXorMappedAddress(out IPEndPoint? mapped));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), mapped);
        Assert.True(m.VerifyMessageIntegrity(Key));
        Assert.True(m.HasFingerprint);
    }

    [Fact]
    public void Ipv6_response_decodes_xor_mapped_address()
    {
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(Rfc5769Vectors.ResponseIPv6, out StunMessage m));
        Assert.True(m.TryGetXorMappedAddress(out IPEndPoint? mapped));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853), mapped);
        Assert.True(m.VerifyMessageIntegrity(Key));
    }

    [Fact]
    public void Sample_request_encodes_byte_exact()
    {
        var buffer = new byte[200];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.Read(Rfc5769Vectors.TransactionId))
        {
            PaddingByte = 0x20,
        };
        w.AddSoftware("STUN test client");
        w.AddPriority(0x6e0001ff);
        w.AddIceControlled(0x932ff9b151263b36);
        w.AddUsername("evtj:h6vY");
        w.AddMessageIntegrity(Key);
        w.AddFingerprint();
        Assert.True(w.TryComplete(out int length));
        Assert.Equal(Convert.ToHexString(Rfc5769Vectors.Request), Convert.ToHexString(buffer, 0, length));
    }

    [Theory]
    [InlineData("192.0.2.1", 0x3c, nameof(Rfc5769Vectors.ResponseIPv4))]
    [InlineData("2001:db8:1234:5678:11:2233:4455:6677", 0x48, nameof(Rfc5769Vectors.ResponseIPv6))]
    public void Responses_encode_byte_exact(string address, int _, string vector)
    {
        var buffer = new byte[200];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingSuccess, StunTransactionId.Read(Rfc5769Vectors.TransactionId))
        {
            PaddingByte = 0x20,
        };
        w.AddSoftware("test vector");
        w.AddXorMappedAddress(new IPEndPoint(IPAddress.Parse(address), 32853));
        w.AddMessageIntegrity(Key);
        w.AddFingerprint();
        Assert.True(w.TryComplete(out int length));
        Assert.Equal(Convert.ToHexString(Rfc5769Vectors.Get(vector)), Convert.ToHexString(buffer, 0, length));
    }

    [Theory]
    [MemberData(nameof(Rfc5769Vectors.All), MemberType = typeof(Rfc5769Vectors))]
    public void Every_truncation_fails_cleanly(string vector)
    {
        byte[] bytes = Rfc5769Vectors.Get(vector);
        for (int n = 0; n < bytes.Length; n++)
        {
            StunParseResult result = StunMessage.TryParse(bytes.AsSpan(0, n), out _);
            Assert.NotEqual(StunParseResult.Ok, result);
        }
    }

    [Theory]
    [MemberData(nameof(Rfc5769Vectors.All), MemberType = typeof(Rfc5769Vectors))]
    public void Every_truncation_with_a_fixed_length_field_fails_cleanly(string vector)
    {
        // Shorten the datagram and fix the header length so parsing reaches the attribute walk.
        byte[] bytes = Rfc5769Vectors.Get(vector);
        for (int n = 20; n < bytes.Length; n++)
        {
            byte[] cut = bytes[..n];
            int length = n - 20;
            cut[2] = (byte)(length >> 8);
            cut[3] = (byte)length;
            StunParseResult result = StunMessage.TryParse(cut, out StunMessage m);
            if (result == StunParseResult.Ok)
            {
                // Cutting exactly at an attribute boundary before FINGERPRINT is a valid message, but it
                // no longer authenticates (the integrity covers the original length).
                Assert.False(m.HasMessageIntegrity && m.HasFingerprint);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Rfc5769Vectors.All), MemberType = typeof(Rfc5769Vectors))]
    public void Tampered_byte_fails_integrity_or_fingerprint(string vector)
    {
        byte[] original = Rfc5769Vectors.Get(vector);
        int integrityEnd = original.Length - 8; // before FINGERPRINT
        for (int i = 0; i < integrityEnd; i++)
        {
            byte[] bytes = (byte[])original.Clone();
            bytes[i] ^= 0x01;
            StunParseResult result = StunMessage.TryParse(bytes, out StunMessage m);
            Assert.NotEqual(StunParseResult.Ok, result); // FINGERPRINT catches every single-bit change
        }

        for (int i = 20; i < integrityEnd - 24; i++)
        {
            // Tamper, then recompute FINGERPRINT: MESSAGE-INTEGRITY must still catch it.
            byte[] bytes = (byte[])original.Clone();
            bytes[i] ^= 0x80;
            uint crc = StunCrc32.Compute(bytes.AsSpan(0, bytes.Length - 8)) ^ StunCrc32.FingerprintXor;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(bytes.Length - 4), crc);
            if (StunMessage.TryParse(bytes, out StunMessage m) == StunParseResult.Ok)
            {
                Assert.False(m.VerifyMessageIntegrity(Key));
            }
        }
    }

    [Fact]
    public void Wrong_password_fails_integrity()
    {
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(Rfc5769Vectors.Request, out StunMessage m));
        Assert.False(m.VerifyMessageIntegrity("VOkJxbRl1RmTxUk/WvJxBu"u8));
        Assert.False(m.VerifyMessageIntegrity(default));
    }
}
