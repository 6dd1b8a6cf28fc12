// One real UDP socket (RFC 768): a single receive loop that delivers datagrams from one reused
// buffer to the handler, and a synchronous, non-blocking send. Owns the socket and the loop task.
using System.Net;
using System.Net.Sockets;

namespace P2PCall.WebRtc.Net;

/// <summary>A real UDP socket bound by <see cref="UdpNetwork"/>.</summary>
/// <remarks>
/// The handler runs on the socket's receive loop (a thread-pool thread), one datagram at a time.
/// Nothing is allocated per datagram from a peer seen before: the payload is read into one reused
/// buffer, and the sender's <see cref="IPEndPoint"/> comes from a small cache keyed by the raw socket address.
/// </remarks>
public sealed class UdpDatagramSocket : IDatagramSocket
{
    /// <summary>The receive buffer size: the largest UDP payload is 65,507 (IPv4) or 65,527 (IPv6) bytes (RFC 768, RFC 8200 §3).</summary>
    internal const int MaxDatagramSize = 64 * 1024;

    // A peer table bounded so a flood from many source ports cannot grow memory; when full it is
    // simply cleared (ICE talks to a handful of peers, so this almost never happens).
    private const int MaxCachedPeers = 256;

    // Windows reports an ICMP port-unreachable on a later receive of an unconnected UDP socket;
    // this ioctl (SIO_UDP_CONNRESET) turns that off. Linux reports it only on connected sockets.
    private const int SioUdpConnReset = unchecked((int)0x9800000C);

    private readonly Socket _socket;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lifecycle = new();
    private readonly Lock _sendGate = new();
    private readonly Dictionary<IPEndPoint, SocketAddress> _sendAddresses = [];
    private readonly Dictionary<SocketAddress, IPEndPoint> _receiveEndPoints = []; // receive loop only
    private readonly IPEndPoint _endPointFactory;
    private Task _receiveLoop = Task.CompletedTask;
    private int _started;
    private int _disposed;
    private int _handlerThreadId;
    private long _datagramsReceived;
    private long _datagramsSent;
    private long _sendFailures;
    private long _receiveErrors;
    private long _handlerErrors;

    private UdpDatagramSocket(Socket socket)
    {
        _socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _endPointFactory = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
    }

    /// <inheritdoc />
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Datagrams received and handed to the handler.</summary>
    public long DatagramsReceived => Interlocked.Read(ref _datagramsReceived);

    /// <summary>Datagrams accepted by the operating system for sending.</summary>
    public long DatagramsSent => Interlocked.Read(ref _datagramsSent);

    /// <summary>Sends that returned false (socket closed, buffer full, unreachable network, wrong address family).</summary>
    public long SendFailures => Interlocked.Read(ref _sendFailures);

    /// <summary>Transient receive errors that the loop counted and survived (for example an ICMP-triggered connection reset).</summary>
    public long ReceiveErrors => Interlocked.Read(ref _receiveErrors);

    /// <summary>Exceptions thrown by the handler; each was caught and the loop went on.</summary>
    public long HandlerErrors => Interlocked.Read(ref _handlerErrors);

    /// <summary>The most recent exception thrown by the handler, for diagnostics.</summary>
    public Exception? LastHandlerError { get; private set; }

    /// <summary>The error that stopped the receive loop, when it stopped for a reason other than disposal.</summary>
    public Exception? ReceiveFault { get; private set; }

    /// <summary>The receive loop; completed before <see cref="Start"/> and after <see cref="DisposeAsync"/>.</summary>
    internal Task ReceiveLoopTask
    {
        get
        {
            lock (_lifecycle)
            {
                return _receiveLoop;
            }
        }
    }

    /// <summary>Creates and binds a socket of the endpoint's address family.</summary>
    /// <param name="localEndPoint">The local address and port (0 picks a free port).</param>
    /// <param name="bufferSize">The receive and send buffer size to request.</param>
    /// <exception cref="SocketException">The bind failed.</exception>
    internal static UdpDatagramSocket Bind(IPEndPoint localEndPoint, int bufferSize)
    {
        var socket = new Socket(localEndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (localEndPoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                // IPv6 only: IPv4 peers are reached through the IPv4 socket, never as ::ffff:a.b.c.d.
                socket.DualMode = false;
            }

            // Send must never block (IDatagramSocket.Send); a full send buffer fails the send instead.
            socket.Blocking = false;
            RequestBufferSize(socket, SocketOptionName.ReceiveBuffer, bufferSize);
            RequestBufferSize(socket, SocketOptionName.SendBuffer, bufferSize);
            if (OperatingSystem.IsWindows())
            {
                socket.IOControl(SioUdpConnReset, [0, 0, 0, 0], null);
            }

            socket.Bind(localEndPoint);
            return new UdpDatagramSocket(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">Start was already called.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public void Start(DatagramHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_lifecycle)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (_started != 0)
            {
                throw new InvalidOperationException("The socket is already started.");
            }

            _started = 1;
            var token = _stopping.Token;

            // Task.Run: the handler never runs on the caller of Start, even if data is already queued.
            _receiveLoop = Task.Run(() => ReceiveLoopAsync(handler, token), CancellationToken.None);
        }
    }

    /// <inheritdoc />
    public bool Send(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (Volatile.Read(ref _disposed) != 0 || remote.AddressFamily != _socket.AddressFamily)
        {
            Interlocked.Increment(ref _sendFailures);
            return false;
        }

        try
        {
            _socket.SendTo(datagram, SocketFlags.None, GetSocketAddress(remote));
            Interlocked.Increment(ref _datagramsSent);
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // WouldBlock (buffer full), MessageSize, NetworkUnreachable, ... or a concurrent dispose.
            Interlocked.Increment(ref _sendFailures);
            return false;
        }
    }

    /// <summary>Stops the receive loop, closes the socket and waits for the loop to finish. Safe to call more than once.</summary>
    /// <remarks>
    /// While a handler is running (called from inside it, or from code a handler blocks on), it cannot wait for
    /// the loop without risking a deadlock: it closes the socket and the loop ends as soon as that handler returns.
    /// </remarks>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Task loop;
        lock (_lifecycle)
        {
            loop = _receiveLoop;
        }

        _stopping.Cancel();
        _socket.Dispose();
        if (Volatile.Read(ref _handlerThreadId) != 0)
        {
            // A handler is running: maybe this very call, or a handler blocked on something that waits for this
            // dispose (sync-over-async from a receive handler). Waiting could deadlock; the loop ends as soon as
            // that handler returns, since the socket is closed and the token cancelled.
            return;
        }

        // The loop never faults (it records its errors), so this await does not throw.
        await loop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task ReceiveLoopAsync(DatagramHandler handler, CancellationToken cancellationToken)
    {
        // Pinned: the operating system writes into it during every receive.
        byte[] buffer = GC.AllocateUninitializedArray<byte>(MaxDatagramSize, pinned: true);
        var from = new SocketAddress(_socket.AddressFamily);
        while (!cancellationToken.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _socket.ReceiveFromAsync(buffer.AsMemory(), SocketFlags.None, from, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested || Volatile.Read(ref _disposed) != 0)
            {
                // Cancelled: disposal cancels the token and closes the socket, which aborts the receive
                // with OperationCanceledException, ObjectDisposedException or SocketException(OperationAborted).
                break;
            }
            catch (SocketException e) when (IsTransient(e.SocketErrorCode))
            {
                // Transport: e.g. ConnectionReset after an ICMP port unreachable; the socket still works.
                Interlocked.Increment(ref _receiveErrors);
                continue;
            }
            catch (Exception e)
            {
                // Unexpected: the socket is unusable; record why and stop without faulting the task.
                ReceiveFault = e;
                break;
            }

            Interlocked.Increment(ref _datagramsReceived);
            var remote = ResolveRemote(from);
            Volatile.Write(ref _handlerThreadId, Environment.CurrentManagedThreadId);
            try
            {
                handler(buffer.AsSpan(0, length), remote);
            }
            catch (Exception e)
            {
                // A faulty handler must not stop delivery of the next datagram.
                LastHandlerError = e;
                Interlocked.Increment(ref _handlerErrors);
            }
            finally
            {
                Volatile.Write(ref _handlerThreadId, 0);
            }
        }
    }

    private IPEndPoint ResolveRemote(SocketAddress from)
    {
        // SocketAddress compares and hashes by content, so the reused receive address is a valid lookup key.
        if (_receiveEndPoints.TryGetValue(from, out var known))
        {
            return known;
        }

        var remote = (IPEndPoint)_endPointFactory.Create(from);
        if (_receiveEndPoints.Count >= MaxCachedPeers)
        {
            _receiveEndPoints.Clear();
        }

        var key = new SocketAddress(from.Family, from.Size);
        from.Buffer.Span.CopyTo(key.Buffer.Span);
        _receiveEndPoints[key] = remote;
        return remote;
    }

    private SocketAddress GetSocketAddress(IPEndPoint remote)
    {
        lock (_sendGate)
        {
            if (_sendAddresses.TryGetValue(remote, out var cached))
            {
                return cached;
            }

            if (_sendAddresses.Count >= MaxCachedPeers)
            {
                _sendAddresses.Clear();
            }

            // Keyed by a private copy: the caller's endpoint could be mutated later.
            var address = remote.Serialize();
            _sendAddresses[new IPEndPoint(remote.Address, remote.Port)] = address;
            return address;
        }
    }

    private static bool IsTransient(SocketError error) => error switch
    {
        SocketError.ConnectionReset or SocketError.ConnectionRefused or SocketError.HostUnreachable
            or SocketError.NetworkUnreachable or SocketError.NetworkReset or SocketError.MessageSize
            or SocketError.NoBufferSpaceAvailable or SocketError.Interrupted or SocketError.TryAgain
            or SocketError.TimedOut => true,
        _ => false,
    };

    private static void RequestBufferSize(Socket socket, SocketOptionName option, int size)
    {
        // Some kernels (macOS) reject a size above their cap instead of clamping it: halve until accepted.
        for (int request = size; request >= 64 * 1024; request /= 2)
        {
            try
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, option, request);
                return;
            }
            catch (SocketException)
            {
            }
        }
    }
}
