using System.Buffers.Binary;
using System.Security.Cryptography;

namespace P2PCall.WebRtc.Sctp;

/// <summary>Association setup: INIT, INIT-ACK with a state cookie, COOKIE-ECHO, COOKIE-ACK (RFC 9260 §5.1).</summary>
internal sealed partial class SctpAssociation
{
    private const ushort StateCookieParameter = 7;
    private const int CookieBodyLength = 20;
    private const int CookieMacLength = 16;
    private byte[]? _cookie;

    private void SendInit()
    {
        Span<byte> value = stackalloc byte[16];
        WriteInitValue(value, _myTag, LocalWindow, _myInitialTsn);
        Span<byte> packet = stackalloc byte[SctpPacket.CommonHeaderLength + SctpPacket.ChunkHeaderLength + 16];
        var end = SctpPacket.WriteChunk(packet, SctpPacket.CommonHeaderLength, SctpChunkType.Init, 0, value);
        SendPacket(packet[..end], 0);
        _setupDeadline = _time.GetTimestamp() + (long)(_rto.TotalSeconds * _time.TimestampFrequency);
    }

    private void OnInit(ReadOnlySpan<byte> value)
    {
        if (value.Length < 16 || BinaryPrimitives.ReadUInt32BigEndian(value) == 0)
        {
            PacketsDropped++;
            return; // RFC 9260 §3.3.2: an initiate tag of 0 is invalid
        }

        var peerTag = BinaryPrimitives.ReadUInt32BigEndian(value);
        var peerWindow = BinaryPrimitives.ReadUInt32BigEndian(value[4..]);
        var peerTsn = BinaryPrimitives.ReadUInt32BigEndian(value[12..]);

        // The cookie carries what COOKIE-ECHO needs, MAC'd so that we keep no state before it (§5.1.3).
        Span<byte> cookie = stackalloc byte[CookieBodyLength + CookieMacLength];
        BinaryPrimitives.WriteUInt32BigEndian(cookie, peerTag);
        BinaryPrimitives.WriteUInt32BigEndian(cookie[4..], peerTsn);
        BinaryPrimitives.WriteUInt32BigEndian(cookie[8..], peerWindow);
        BinaryPrimitives.WriteUInt32BigEndian(cookie[12..], _myTag);
        BinaryPrimitives.WriteUInt32BigEndian(cookie[16..], _myInitialTsn);
        Mac(cookie[..CookieBodyLength], cookie[CookieBodyLength..]);

        var parameterLength = 4 + cookie.Length;
        Span<byte> ack = stackalloc byte[16 + parameterLength];
        // §5.2.1: an INIT in COOKIE-WAIT (both sides started) is answered with our original tag and TSN.
        WriteInitValue(ack, _myTag, LocalWindow, _myInitialTsn);
        BinaryPrimitives.WriteUInt16BigEndian(ack[16..], StateCookieParameter);
        BinaryPrimitives.WriteUInt16BigEndian(ack[18..], (ushort)parameterLength);
        cookie.CopyTo(ack[20..]);
        Span<byte> packet = stackalloc byte[SctpPacket.CommonHeaderLength + SctpPacket.ChunkHeaderLength + ack.Length + 3];
        var end = SctpPacket.WriteChunk(packet, SctpPacket.CommonHeaderLength, SctpChunkType.InitAck, 0, ack);
        SendPacket(packet[..end], peerTag);
    }

    private void OnInitAck(ReadOnlySpan<byte> value)
    {
        if (_state != State.CookieWait || value.Length < 16)
        {
            return;
        }

        var cookie = FindParameter(value[16..], StateCookieParameter);
        if (cookie.IsEmpty)
        {
            PacketsDropped++;
            return;
        }

        AcceptPeer(BinaryPrimitives.ReadUInt32BigEndian(value), BinaryPrimitives.ReadUInt32BigEndian(value[12..]), BinaryPrimitives.ReadUInt32BigEndian(value[4..]));
        _cookie = cookie.ToArray();
        _state = State.CookieEchoed;
        _setupAttempts = 0;
        SendCookieEcho();
    }

    private void SendCookieEcho()
    {
        var packet = new byte[SctpPacket.CommonHeaderLength + SctpPacket.ChunkHeaderLength + _cookie!.Length + 3];
        var end = SctpPacket.WriteChunk(packet, SctpPacket.CommonHeaderLength, SctpChunkType.CookieEcho, 0, _cookie);
        SendPacket(packet.AsSpan(0, end), _peerTag);
        _setupDeadline = _time.GetTimestamp() + (long)(_rto.TotalSeconds * _time.TimestampFrequency);
    }

    private void OnCookieEcho(ReadOnlySpan<byte> cookie)
    {
        Span<byte> mac = stackalloc byte[CookieMacLength];
        if (cookie.Length != CookieBodyLength + CookieMacLength)
        {
            PacketsDropped++;
            return;
        }

        Mac(cookie[..CookieBodyLength], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, cookie[CookieBodyLength..]) || BinaryPrimitives.ReadUInt32BigEndian(cookie[12..]) != _myTag)
        {
            PacketsDropped++; // RFC 9260 §5.1.5: a cookie that does not verify is silently discarded
            return;
        }

        if (_state != State.Established)
        {
            AcceptPeer(BinaryPrimitives.ReadUInt32BigEndian(cookie), BinaryPrimitives.ReadUInt32BigEndian(cookie[4..]), BinaryPrimitives.ReadUInt32BigEndian(cookie[8..]));
            BecomeEstablished();
        }

        Reply(SctpChunkType.CookieAck, []);
    }

    private void AcceptPeer(uint peerTag, uint peerInitialTsn, uint peerWindow)
    {
        _peerTag = peerTag;
        _cumulativeTsn = peerInitialTsn - 1;
        _peerWindow = peerWindow;
    }

    private void Mac(ReadOnlySpan<byte> body, Span<byte> mac)
    {
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(_cookieKey, body, full);
        full[..mac.Length].CopyTo(mac);
    }

    private static ReadOnlySpan<byte> FindParameter(ReadOnlySpan<byte> parameters, ushort type)
    {
        // RFC 9260 §3.2.1: TLV parameters, each padded to 4 bytes; a bad length ends the walk.
        while (parameters.Length >= 4)
        {
            var t = BinaryPrimitives.ReadUInt16BigEndian(parameters);
            var length = BinaryPrimitives.ReadUInt16BigEndian(parameters[2..]);
            if (length < 4 || length > parameters.Length)
            {
                return [];
            }

            if (t == type)
            {
                return parameters[4..length];
            }

            var next = (length + 3) & ~3;
            if (next >= parameters.Length)
            {
                return [];
            }

            parameters = parameters[next..];
        }

        return [];
    }
}
