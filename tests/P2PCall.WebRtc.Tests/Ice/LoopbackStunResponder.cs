using System.Net;
using P2PCall.WebRtc.Net;
using P2PCall.WebRtc.Stun;

namespace P2PCall.WebRtc.Tests.Ice;

/// <summary>
/// A minimal STUN server (RFC 8489 §6.3) on a real loopback socket for tests. It can pretend to sit behind a
/// NAT by reporting a different mapped address, so a server-reflexive candidate differs from its base.
/// </summary>
internal sealed class LoopbackStunResponder : IAsyncDisposable
{
    private readonly IDatagramSocket _socket;
    private int _requests;

    public LoopbackStunResponder(IPAddress address, Func<IPEndPoint, IPEndPoint> map)
    {
        _socket = UdpNetwork.Default.Bind(new IPEndPoint(address, 0));
        _socket.Start((datagram, from) =>
        {
            if (StunMessage.TryParse(datagram, out StunMessage request) != StunParseResult.Ok
                || request.Type != StunMessageType.BindingRequest)
            {
                return;
            }

            Interlocked.Increment(ref _requests);
            Span<byte> buffer = stackalloc byte[128];
            var w = new StunMessageWriter(buffer, StunMessageType.BindingSuccess, request.TransactionId);
            w.AddXorMappedAddress(map(from));
            w.AddSoftware("test responder");
            w.AddFingerprint();
            w.TryComplete(out int length);
            _socket.Send(buffer[..length], from);
        });
    }

    public IPEndPoint EndPoint => _socket.LocalEndPoint;

    public int Requests => Volatile.Read(ref _requests);

    public string Url => EndPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
        ? $"stun:[{EndPoint.Address}]:{EndPoint.Port}"
        : $"stun:{EndPoint.Address}:{EndPoint.Port}";

    public ValueTask DisposeAsync() => _socket.DisposeAsync();
}
