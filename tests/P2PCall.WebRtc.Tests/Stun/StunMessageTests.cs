using System.Buffers.Binary;
using System.Net;
using P2PCall.WebRtc.Stun;

namespace P2PCall.WebRtc.Tests.Stun;

public class StunMessageTests
{
    private static readonly byte[] Key = "a-password-of-22-chars"u8.ToArray();

    private static byte[] Build(Action<Steps> describe, StunMessageType? type = null)
    {
        var steps = new Steps();
        describe(steps);
        var buffer = new byte[600];
        var w = new StunMessageWriter(buffer, type ?? StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        foreach ((int kind, ushort attributeType, byte[] value) in steps.List)
        {
            if (kind == 1)
            {
                w.AddMessageIntegrity(Key);
            }
            else if (kind == 2)
            {
                w.AddFingerprint();
            }
            else
            {
                w.AddRaw(attributeType, value);
            }
        }

        Assert.True(w.TryComplete(out int length));
        return buffer[..length];
    }

    /// <summary>Describes an attribute list (the writer is a ref struct, so lambdas cannot hold it).</summary>
    private sealed class Steps
    {
        public List<(int Kind, ushort Type, byte[] Value)> List { get; } = [];

        public Steps Raw(ushort type, byte[] value)
        {
            List.Add((0, type, value));
            return this;
        }

        public Steps Integrity()
        {
            List.Add((1, 0, []));
            return this;
        }

        public Steps Fingerprint()
        {
            List.Add((2, 0, []));
            return this;
        }
    }

    [Fact]
    public void Round_trips_ice_attributes_and_error_code()
    {
        var buffer = new byte[300];
        var id = StunTransactionId.NewRandom();
        var w = new StunMessageWriter(buffer, StunMessageType.BindingError, id);
        w.AddUsername("abcd:efgh");
        w.AddPriority(1_845_501_695);
        w.AddUseCandidate();
        w.AddIceControlling(0x0102030405060708);
        w.AddErrorCode(487, "Role Conflict");
        w.AddUnknownAttributes([0x0003, 0x7777]);
        w.AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("::1"), 5000));
        w.AddMessageIntegrity(Key);
        w.AddFingerprint();
        Assert.True(w.TryComplete(out int length));

        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(buffer.AsSpan(0, length), out StunMessage m));
        Assert.Equal(StunClass.ErrorResponse, m.Type.Class);
        Assert.Equal(id, m.TransactionId);
        Assert.True(m.UsernameEquals("abcd:efgh"u8));
        Assert.False(m.UsernameEquals("abcd:efg"u8));
        Assert.True(m.TryGetPriority(out uint p));
        Assert.Equal(1_845_501_695u, p);
        Assert.True(m.UseCandidate);
        Assert.True(m.TryGetIceControlling(out ulong tb));
        Assert.Equal(0x0102030405060708UL, tb);
        Assert.True(m.TryGetErrorCode(out int code, out ReadOnlySpan<byte> reason));
        Assert.Equal(487, code);
        Assert.True(reason.SequenceEqual("Role Conflict"u8));
        Span<ushort> unknown = stackalloc ushort[4];
        Assert.Equal(2, m.CopyUnknownAttributes(unknown));
        Assert.Equal(0x7777, unknown[1]);
        Assert.True(m.TryGetXorMappedAddress(out IPEndPoint? mapped));
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 5000), mapped);
        Assert.True(m.VerifyMessageIntegrity(Key));
    }

    [Fact]
    public void Decodes_mapped_address_from_old_servers()
    {
        byte[] bytes = Build(b => b.Raw(StunAttributeType.MappedAddress, [0, 1, 0x13, 0x88, 192, 0, 2, 7]), StunMessageType.BindingSuccess);
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(bytes, out StunMessage m));
        Assert.True(m.TryGetMappedAddress(out IPEndPoint? mapped));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.7"), 5000), mapped);
        Assert.False(m.TryGetXorMappedAddress(out _));
    }

    [Fact]
    public void Parsing_and_verifying_a_request_allocates_nothing()
    {
        byte[] request = Rfc5769Vectors.Request;
        byte[] key = System.Text.Encoding.UTF8.GetBytes(Rfc5769Vectors.Password);
        ReadOnlySpan<byte> username = "evtj:h6vY"u8;
        bool ok = true;
        for (int i = 0; i < 10; i++)
        {
            ok &= Check(request, key, username); // warm up (JIT, crypto provider)
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            ok &= Check(request, key, username);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(ok);
        Assert.Equal(0, allocated);

        static bool Check(byte[] request, byte[] key, ReadOnlySpan<byte> username) =>
            StunMessage.TryParse(request, out StunMessage m) == StunParseResult.Ok
            && m.UsernameEquals(username) && m.TryGetPriority(out _) && m.VerifyMessageIntegrity(key);
    }

    [Fact]
    public void Unknown_comprehension_optional_attribute_is_skipped()
    {
        byte[] bytes = Build(b => b.Raw(0xC001, [1, 2, 3]).Integrity().Fingerprint());
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(bytes, out StunMessage m));
        Assert.Equal(0, m.UnknownComprehensionRequiredCount);
        Assert.True(m.VerifyMessageIntegrity(Key));
    }

    [Fact]
    public void Unknown_comprehension_required_attributes_are_reported_for_420()
    {
        byte[] bytes = Build(b => b.Raw(0x0003, [0, 0, 0, 4]).Raw(0x7001, []).Integrity().Raw(0x7002, [9]).Fingerprint());
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(bytes, out StunMessage m));
        Assert.Equal(2, m.UnknownComprehensionRequiredCount);
        Span<ushort> types = stackalloc ushort[8];
        int n = m.CopyUnknownComprehensionRequired(types);
        Assert.Equal(new ushort[] { 0x0003, 0x7001 }, types[..n].ToArray());
    }

    [Fact]
    public void Attributes_after_message_integrity_are_ignored()
    {
        byte[] bytes = Build(b => b.Raw(StunAttributeType.Priority, [0, 0, 0, 1]).Integrity()
            .Raw(StunAttributeType.UseCandidate, []).Raw(StunAttributeType.Priority, [0, 0, 0, 9]).Fingerprint());
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(bytes, out StunMessage m));
        Assert.False(m.UseCandidate);
        Assert.True(m.TryGetPriority(out uint p));
        Assert.Equal(1u, p);
        Assert.True(m.VerifyMessageIntegrity(Key));
    }

    [Fact]
    public void Attribute_after_fingerprint_is_rejected()
    {
        byte[] bytes = Build(b => b.Fingerprint().Raw(0x8050, [1]));
        Assert.Equal(StunParseResult.AttributeAfterFingerprint, StunMessage.TryParse(bytes, out _));
    }

    [Fact]
    public void Bad_fingerprint_is_rejected()
    {
        byte[] bytes = Build(b => b.Fingerprint());
        bytes[^1] ^= 1;
        Assert.Equal(StunParseResult.BadFingerprint, StunMessage.TryParse(bytes, out _));
    }

    [Theory]
    [InlineData(StunAttributeType.Priority, 3)]
    [InlineData(StunAttributeType.UseCandidate, 1)]
    [InlineData(StunAttributeType.IceControlling, 4)]
    [InlineData(StunAttributeType.XorMappedAddress, 9)]
    [InlineData(StunAttributeType.MessageIntegrity, 19)]
    [InlineData(StunAttributeType.UnknownAttributes, 3)]
    public void Known_attribute_with_wrong_length_is_rejected(ushort type, int length)
    {
        byte[] bytes = Build(b => b.Raw(type, new byte[length]));
        Assert.Equal(StunParseResult.InvalidAttribute, StunMessage.TryParse(bytes, out _));
    }

    [Fact]
    public void Header_errors_have_typed_reasons()
    {
        byte[] ok = Build(_ => { });
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(ok, out _));

        byte[] bad = (byte[])ok.Clone();
        bad[0] = 0x40;
        Assert.Equal(StunParseResult.NotStun, StunMessage.TryParse(bad, out _));

        bad = (byte[])ok.Clone();
        bad[5] ^= 1;
        Assert.Equal(StunParseResult.BadMagicCookie, StunMessage.TryParse(bad, out _));

        bad = (byte[])ok.Clone();
        bad[3] = 2;
        Assert.Equal(StunParseResult.LengthNotMultipleOf4, StunMessage.TryParse(bad, out _));

        bad = (byte[])ok.Clone();
        bad[3] = 4;
        Assert.Equal(StunParseResult.LengthMismatch, StunMessage.TryParse(bad, out _));

        Assert.Equal(StunParseResult.TruncatedHeader, StunMessage.TryParse(ok.AsSpan(0, 19), out _));
    }

    [Fact]
    public void Attribute_overrunning_the_message_is_rejected()
    {
        byte[] bytes = Build(b => b.Raw(0x8055, new byte[8]));
        bytes[22] = 0;
        bytes[23] = 9; // claims 9 (12 padded) bytes where 8 remain
        Assert.Equal(StunParseResult.AttributeOverrunsMessage, StunMessage.TryParse(bytes, out _));
    }

    [Fact]
    public void Writer_never_overflows_a_short_buffer()
    {
        for (int size = 0; size < Rfc5769Vectors.Request.Length; size++)
        {
            var buffer = new byte[size];
            var w = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
            w.AddSoftware("STUN test client");
            w.AddPriority(1);
            w.AddIceControlled(2);
            w.AddUsername("evtj:h6vY");
            w.AddMessageIntegrity(Key);
            w.AddFingerprint();
            Assert.False(w.TryComplete(out _));
            Assert.True(w.Overflowed);
        }
    }

    [Fact]
    public void Looks_like_stun_follows_rfc7983_first_byte_and_cookie()
    {
        Assert.True(StunMessage.LooksLikeStun(Rfc5769Vectors.Request));
        Assert.False(StunMessage.LooksLikeStun([22, 254, 253, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
        Assert.False(StunMessage.LooksLikeStun(Rfc5769Vectors.Request.AsSpan(0, 19)));
    }

    [Fact]
    public void Random_mutations_never_throw()
    {
        var random = new Random(8489);
        byte[][] seeds = [Rfc5769Vectors.Request, Rfc5769Vectors.ResponseIPv4, Rfc5769Vectors.ResponseIPv6];
        Span<ushort> types = stackalloc ushort[16];
        for (int i = 0; i < 20_000; i++)
        {
            byte[] bytes = (byte[])seeds[i % 3].Clone();
            int edits = 1 + random.Next(6);
            for (int e = 0; e < edits; e++)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            if (random.Next(4) == 0)
            {
                bytes = bytes[..random.Next(bytes.Length + 1)];
            }

            if (StunMessage.TryParse(bytes, out StunMessage m) == StunParseResult.Ok)
            {
                _ = m.TryGetXorMappedAddress(out _);
                _ = m.TryGetMappedAddress(out _);
                _ = m.TryGetErrorCode(out _, out _);
                _ = m.CopyUnknownAttributes(types);
                _ = m.CopyUnknownComprehensionRequired(types);
                _ = m.VerifyMessageIntegrity(Key);
                _ = m.Software.Length + m.Username.Length;
            }
        }
    }

    [Fact]
    public void Random_length_fields_never_throw()
    {
        // Rewrite every attribute length field of the request with random values after fixing FINGERPRINT.
        var random = new Random(5769);
        for (int i = 0; i < 5_000; i++)
        {
            byte[] bytes = (byte[])Rfc5769Vectors.Request.Clone();
            int offset = 20 + (4 * random.Next((bytes.Length - 20) / 4));
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(offset), (ushort)random.Next(65536));
            _ = StunMessage.TryParse(bytes, out _);
            _ = StunMessage.TryParse(bytes.AsSpan(0, offset + 4), out _);
        }
    }
}
