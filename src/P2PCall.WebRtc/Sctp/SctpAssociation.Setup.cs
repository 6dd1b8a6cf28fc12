using System.Buffers.Binary;
using System.Security.Cryptography;

namespace P2PCall.WebRtc.Sctp;

/// <summary>Association setup: INIT, INIT-ACK with a state cookie, COOKIE-ECHO, COOKIE-ACK (RFC 9260 §5.1).</summary>
internal sealed partial class SctpAssociation
{
    private const ushort StateCookieParameter = 7;
    private const ushort SupportedExtensionsParameter = 0x8008; // RFC 5061 §4.2.7
    private const ushort ForwardTsnSupportedParameter = 0xC000; // RFC 3758 §3.1
    private const int InitFixedLength = 16;
    private const int CookieBodyLength = 21;
    private const int CookieMacLength = 16;
    private const byte PeerForwardTsnFlag = 1;
    private const byte PeerReconfigFlag = 2;

    // Our optional parameters: Supported Extensions (RE-CONFIG, FORWARD-TSN) and Forward-TSN-Supported.
    private static readonly byte[] InitParameters =
    [
        0x80, 0x08, 0x00, 0x06, (byte)SctpChunkType.ReConfig, (byte)SctpChunkType.ForwardTsn, 0x00, 0x00,
        0xC0, 0x00, 0x00, 0x04,
    ];

    private byte[]? _cookie;

    /// <summary>Whether the peer announced partial reliability (RFC 3758 §3.3).</summary>
    public bool PeerSupportsForwardTsn { get; private set; }

    /// <summary>Whether the peer announced stream reconfiguration (RFC 6525 §5.1).</summary>
    public bool PeerSupportsReconfig { get; private set; }

    private void SendInit()
    {
        Span<byte> value = stackalloc byte[InitFixedLength + InitParameters.Length];
        WriteInitValue(value, _myTag, _options.ReceiveWindow, _myInitialTsn);
        InitParameters.CopyTo(value[InitFixedLength..]);
        var packet = _packet.AsSpan();
        var end = SctpPacket.WriteChunk(packet, SctpPacket.CommonHeaderLength, SctpChunkType.Init, 0, value);
        SendPacket(packet[..end], 0);
        _setupDeadline = Deadline(_rto);
    }

    private void OnInit(ReadOnlySpan<byte> value)
    {
        // RFC 9260 §3.3.2: an initiate tag of 0 is invalid, and streams must be non-zero.
        if (value.Length < InitFixedLength || BinaryPrimitives.ReadUInt32BigEndian(value) == 0 ||
            BinaryPrimitives.ReadUInt16BigEndian(value[8..]) == 0 || BinaryPrimitives.ReadUInt16BigEndian(value[10..]) == 0)
        {
            Counters.PacketsDropped++;
            return;
        }

        if (_state is not (State.Closed or State.CookieWait or State.CookieEchoed or State.Established))
        {
            return; // §9.2: an INIT during shutdown is not answered here
        }

        var peerTag = BinaryPrimitives.ReadUInt32BigEndian(value);
        var peerWindow = BinaryPrimitives.ReadUInt32BigEndian(value[4..]);
        var peerTsn = BinaryPrimitives.ReadUInt32BigEndian(value[12..]);
        var features = ReadFeatures(value[InitFixedLength..]);

        // The cookie carries what COOKIE-ECHO needs, MAC'd so that we keep no state before it (§5.1.3).
        Span<byte> cookie = stackalloc byte[CookieBodyLength + CookieMacLength];
        BinaryPrimitives.WriteUInt32BigEndian(cookie, peerTag);
        BinaryPrimitives.WriteUInt32BigEndian(cookie[4..], peerTsn);
        BinaryPrimitives.WriteUInt32BigEndian(cookie[8..], peerWindow);
        BinaryPrimitives.WriteUInt32BigEndian(cookie[12..], _myTag);
        BinaryPrimitives.WriteUInt32BigEndian(cookie[16..], _myInitialTsn);
        cookie[20] = features;
        Mac(cookie[..CookieBodyLength], cookie[CookieBodyLength..]);

        var cookieParameterLength = 4 + cookie.Length;
        var paddedCookie = (cookieParameterLength + 3) & ~3;
        Span<byte> ack = stackalloc byte[InitFixedLength + paddedCookie + InitParameters.Length];
        ack.Clear();
        // §5.2.1: an INIT in COOKIE-WAIT (both sides started) is answered with our original tag and TSN.
        WriteInitValue(ack, _myTag, _options.ReceiveWindow, _myInitialTsn);
        BinaryPrimitives.WriteUInt16BigEndian(ack[16..], StateCookieParameter);
        BinaryPrimitives.WriteUInt16BigEndian(ack[18..], (ushort)cookieParameterLength);
        cookie.CopyTo(ack[20..]);
        InitParameters.CopyTo(ack[(InitFixedLength + paddedCookie)..]);
        var packet = _packet.AsSpan();
        var end = SctpPacket.WriteChunk(packet, SctpPacket.CommonHeaderLength, SctpChunkType.InitAck, 0, ack);
        SendPacket(packet[..end], peerTag);
    }

    private void OnInitAck(ReadOnlySpan<byte> value)
    {
        if (_state != State.CookieWait || value.Length < InitFixedLength)
        {
            return;
        }

        var cookie = FindParameter(value[InitFixedLength..], StateCookieParameter);
        if (cookie.IsEmpty || BinaryPrimitives.ReadUInt32BigEndian(value) == 0)
        {
            Counters.PacketsDropped++;
            return;
        }

        AcceptPeer(BinaryPrimitives.ReadUInt32BigEndian(value), BinaryPrimitives.ReadUInt32BigEndian(value[12..]), BinaryPrimitives.ReadUInt32BigEndian(value[4..]), ReadFeatures(value[InitFixedLength..]));
        _cookie = cookie.ToArray();
        _state = State.CookieEchoed;
        _setupAttempts = 0;
        SendCookieEcho();
    }

    private void SendCookieEcho()
    {
        var packet = _packet.AsSpan();
        var end = SctpPacket.WriteChunk(packet, SctpPacket.CommonHeaderLength, SctpChunkType.CookieEcho, 0, _cookie);
        SendPacket(packet[..end], _peerTag);
        _setupDeadline = Deadline(_rto);
    }

    private void OnCookieEcho(ReadOnlySpan<byte> cookie)
    {
        Span<byte> mac = stackalloc byte[CookieMacLength];
        if (cookie.Length != CookieBodyLength + CookieMacLength)
        {
            Counters.PacketsDropped++;
            return;
        }

        Mac(cookie[..CookieBodyLength], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, cookie[CookieBodyLength..]) || BinaryPrimitives.ReadUInt32BigEndian(cookie[12..]) != _myTag)
        {
            Counters.PacketsDropped++; // RFC 9260 §5.1.5: a cookie that does not verify is silently discarded
            return;
        }

        if (_state is State.Closed or State.CookieWait or State.CookieEchoed)
        {
            AcceptPeer(BinaryPrimitives.ReadUInt32BigEndian(cookie), BinaryPrimitives.ReadUInt32BigEndian(cookie[4..]), BinaryPrimitives.ReadUInt32BigEndian(cookie[8..]), cookie[20]);
            BecomeEstablished();
        }

        Reply(SctpChunkType.CookieAck, []);
    }

    private void AcceptPeer(uint peerTag, uint peerInitialTsn, uint peerWindow, byte features)
    {
        _peerTag = peerTag;
        _received = new SctpReceivedTsns(peerInitialTsn - 1);
        _peerWindow = peerWindow;
        _expectedReconfigRequest = peerInitialTsn; // RFC 6525 §5.2.1
        PeerSupportsForwardTsn = (features & PeerForwardTsnFlag) != 0;
        PeerSupportsReconfig = (features & PeerReconfigFlag) != 0;
    }

    private void Mac(ReadOnlySpan<byte> body, Span<byte> mac)
    {
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(_cookieKey, body, full);
        full[..mac.Length].CopyTo(mac);
    }

    /// <summary>Reads which extensions the peer's INIT or INIT-ACK announces (RFC 5061 §4.2.7, RFC 3758 §3.1).</summary>
    private static byte ReadFeatures(ReadOnlySpan<byte> parameters)
    {
        byte features = 0;
        if (FindParameter(parameters, ForwardTsnSupportedParameter, out _))
        {
            features |= PeerForwardTsnFlag;
        }

        var extensions = FindParameter(parameters, SupportedExtensionsParameter);
        if (extensions.Contains((byte)SctpChunkType.ForwardTsn))
        {
            features |= PeerForwardTsnFlag;
        }

        if (extensions.Contains((byte)SctpChunkType.ReConfig))
        {
            features |= PeerReconfigFlag;
        }

        return features;
    }

    private static ReadOnlySpan<byte> FindParameter(ReadOnlySpan<byte> parameters, ushort type) =>
        FindParameter(parameters, type, out var value) ? value : [];

    /// <summary>RFC 9260 §3.2.1: TLV parameters, each padded to 4 bytes; a bad length ends the walk.</summary>
    private static bool FindParameter(ReadOnlySpan<byte> parameters, ushort type, out ReadOnlySpan<byte> value)
    {
        value = [];
        while (parameters.Length >= 4)
        {
            var t = BinaryPrimitives.ReadUInt16BigEndian(parameters);
            var length = BinaryPrimitives.ReadUInt16BigEndian(parameters[2..]);
            if (length < 4 || length > parameters.Length)
            {
                return false;
            }

            if (t == type)
            {
                value = parameters[4..length];
                return true;
            }

            var next = (length + 3) & ~3;
            if (next >= parameters.Length)
            {
                return false;
            }

            parameters = parameters[next..];
        }

        return false;
    }

    private static void WriteInitValue(Span<byte> value, uint tag, uint window, uint initialTsn)
    {
        BinaryPrimitives.WriteUInt32BigEndian(value, tag);
        BinaryPrimitives.WriteUInt32BigEndian(value[4..], window);
        BinaryPrimitives.WriteUInt16BigEndian(value[8..], ushort.MaxValue); // outbound streams
        BinaryPrimitives.WriteUInt16BigEndian(value[10..], ushort.MaxValue); // inbound streams
        BinaryPrimitives.WriteUInt32BigEndian(value[12..], initialTsn);
    }
}
