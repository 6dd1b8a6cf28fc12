using System.Buffers;
using Org.BouncyCastle.Tls;

namespace P2PCall.WebRtc.Dtls;

/// <summary>
/// Sends one datagram to the peer (over the ICE-selected pair). Must not block; loss is allowed. Called from the
/// DTLS thread and from <see cref="DtlsTransport.Send"/>'s caller, possibly at the same time: be thread-safe.
/// </summary>
/// <param name="datagram">The datagram; valid only during the call.</param>
internal delegate void DtlsSendHandler(ReadOnlySpan<byte> datagram);

/// <summary>
/// BouncyCastle's view of the network: <see cref="Receive(Span{byte}, int)"/> takes datagrams from a
/// bounded queue that the layer below fills through <see cref="Enqueue"/> (after RFC 7983 demultiplexing),
/// and <see cref="Send(ReadOnlySpan{byte})"/> hands datagrams to a delegate.
/// Receive blocks only the dedicated DTLS thread; <see cref="Close"/> wakes it at once.
/// </summary>
internal sealed class DtlsDatagramChannel : DatagramTransport
{
    private readonly object _gate = new(); // Monitor, not Lock: Receive waits with Monitor.Wait
    private readonly Queue<(byte[] Buffer, int Length)> _queue = new();
    private readonly DtlsSendHandler _send;
    private readonly int _capacity;
    private readonly int _sendLimit;
    private readonly int _receiveLimit;
    private volatile bool _closed;

    /// <summary>Creates the channel.</summary>
    /// <param name="send">Sends a datagram to the peer.</param>
    /// <param name="sendLimit">The largest datagram to send.</param>
    /// <param name="receiveLimit">The largest datagram accepted.</param>
    /// <param name="capacity">How many datagrams may wait.</param>
    public DtlsDatagramChannel(DtlsSendHandler send, int sendLimit, int receiveLimit, int capacity)
    {
        _send = send;
        _sendLimit = sendLimit;
        _receiveLimit = receiveLimit;
        _capacity = capacity;
    }

    /// <summary>Raised (on the closing thread) the first time the channel closes, by us or by BouncyCastle after close_notify.</summary>
    public event Action? Closed;

    /// <summary>Whether the channel was closed.</summary>
    public bool IsClosed => _closed;

    /// <summary>Datagrams dropped because the queue was full or they were too large.</summary>
    public long DroppedCount { get; private set; }

    /// <summary>Queues a received datagram for the DTLS thread; false when dropped (closed, full or too large).</summary>
    /// <param name="datagram">The datagram; copied.</param>
    /// <returns>Whether it was queued.</returns>
    public bool Enqueue(ReadOnlySpan<byte> datagram)
    {
        if (_closed || datagram.IsEmpty)
        {
            return false;
        }

        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            if (datagram.Length > _receiveLimit || _queue.Count >= _capacity)
            {
                DroppedCount++;
                return false;
            }

            byte[] buffer = ArrayPool<byte>.Shared.Rent(datagram.Length);
            datagram.CopyTo(buffer);
            _queue.Enqueue((buffer, datagram.Length));
            Monitor.Pulse(_gate);
            return true;
        }
    }

    /// <inheritdoc/>
    public int GetReceiveLimit() => _receiveLimit;

    /// <inheritdoc/>
    public int GetSendLimit() => _sendLimit;

    /// <inheritdoc/>
    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    /// <summary>
    /// Takes the next datagram, waiting up to <paramref name="waitMillis"/> ms (0 or less: until one arrives
    /// or the channel closes). Returns -1 on timeout, as BouncyCastle expects; throws once closed so
    /// BouncyCastle stops instead of spinning.
    /// </summary>
    /// <param name="buffer">Receives the datagram.</param>
    /// <param name="waitMillis">How long to wait.</param>
    /// <returns>The datagram length, or -1 on timeout.</returns>
    public int Receive(Span<byte> buffer, int waitMillis)
    {
        (byte[] Buffer, int Length) item;
        lock (_gate)
        {
            long deadline = waitMillis > 0 ? Environment.TickCount64 + waitMillis : long.MaxValue;
            while (_queue.Count == 0)
            {
                if (_closed)
                {
                    throw new IOException("The DTLS transport was closed.");
                }

                if (deadline == long.MaxValue)
                {
                    Monitor.Wait(_gate);
                }
                else
                {
                    long remaining = deadline - Environment.TickCount64;
                    if (remaining <= 0)
                    {
                        return -1;
                    }

                    Monitor.Wait(_gate, (int)remaining);
                }
            }

            if (_closed)
            {
                throw new IOException("The DTLS transport was closed.");
            }

            item = _queue.Dequeue();
        }

        try
        {
            if (item.Length > buffer.Length)
            {
                // BouncyCastle sizes its buffer to GetReceiveLimit(), so this does not happen; drop rather than truncate.
                return -1;
            }

            item.Buffer.AsSpan(0, item.Length).CopyTo(buffer);
            return item.Length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(item.Buffer);
        }
    }

    /// <inheritdoc/>
    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    /// <summary>Hands a datagram to the layer below; dropped silently once closed or when the sender throws (UDP semantics).</summary>
    /// <param name="buffer">The datagram.</param>
    public void Send(ReadOnlySpan<byte> buffer)
    {
        if (_closed)
        {
            return;
        }

        try
        {
            _send(buffer);
        }
#pragma warning disable CA1031 // Loss is normal for datagrams; a failing sender must not abort the handshake thread.
        catch (Exception)
#pragma warning restore CA1031
        {
            DroppedCount++;
        }
    }

    /// <summary>Closes the channel: wakes a blocked Receive (which then throws) and drops queued datagrams.</summary>
    public void Close()
    {
        Action? closed;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            while (_queue.TryDequeue(out (byte[] Buffer, int Length) item))
            {
                ArrayPool<byte>.Shared.Return(item.Buffer);
            }

            Monitor.PulseAll(_gate);
            closed = Closed;
        }

        closed?.Invoke();
    }
}

