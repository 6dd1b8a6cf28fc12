using System.Buffers.Binary;
using System.Security.Cryptography;

namespace P2PCall.WebRtc.Sctp;

/// <summary>
/// Datagram packetization-layer path MTU discovery (RFC 8899 §6.2, DPLPMTUD for SCTP): probe packets of a HEARTBEAT
/// padded with a PAD chunk (RFC 4820) to the size under test; a HEARTBEAT-ACK proves the path carried it, and DATA
/// chunks are then bundled into packets of that size. Probes never carry data, so a lost probe costs nothing but itself.
/// </summary>
/// <remarks>
/// Starts at BASE_PLPMTU = 1200 (RFC 8899 §5.1.2, the size RFC 8831 §5 assumes for WebRTC) and searches upward to
/// <see cref="SctpAssociationOptions.MaxPathMtu"/>, bounded by DTLS's largest record (2^14 bytes, RFC 6347 §4.1).
/// Peers that drop large datagrams (Chromium reads at most about 2 KB per DTLS datagram) simply never acknowledge the
/// larger probes. On loopback the search ends at the maximum, which is what moves bulk data fastest.
/// </remarks>
internal sealed partial class SctpAssociation
{
    /// <summary>RFC 8899 §5.1.2 BASE_PLPMTU, also the packet size RFC 8831 §5 recommends before discovery.</summary>
    public const int BasePathMtu = 1200;

    /// <summary>RFC 8899 §5.1.2 MAX_PROBES.</summary>
    private const int MaxProbes = 3;

    /// <summary>HEARTBEAT info of a probe: parameter header, send time, nonce, size under test.</summary>
    private const int ProbeInfoLength = 24;

    /// <summary>RFC 4820 §3: the PAD chunk, type 0x84 (skip and do not report when unknown).</summary>
    private const byte PadChunkType = 0x84;

    /// <summary>
    /// SCTP packet sizes probed. 1,400 fits a 1,500-byte link under IPv6 (40) + UDP (8) + DTLS GCM (37) headers; the
    /// socket does not set DF, so on a real path the larger sizes may pass as IP fragments (RFC 8899 §3 wants probes
    /// unfragmented): another reason the discovery is opt-in and meant for P2PCall ↔ P2PCall links such as loopback.
    /// </summary>
    private static readonly int[] ProbeSizes = [1400, 4096, 8192, 16384];

    private int _pathMtu = BasePathMtu;
    private int _probeIndex;
    private int _probeSize;
    private int _probeAttempts;
    private ulong _probeNonce;
    private long _probeDeadline = long.MaxValue;
    private int _consecutiveTimeouts;

    /// <summary>The packet size new DATA is cut to (PLPMTU, RFC 8899 §2), starting at <see cref="BasePathMtu"/>.</summary>
    public int PathMtu
    {
        get
        {
            lock (_gate)
            {
                return _pathMtu;
            }
        }
    }

    /// <summary>
    /// DATA chunks stay small enough for a base-size packet whatever the path MTU; a larger PLPMTU bundles more of them
    /// per packet. So when the path shrinks (RFC 8899 §4.3), every chunk in flight can still be retransmitted alone.
    /// </summary>
    private const int MaxDataPerChunk = BasePathMtu - SctpPacket.CommonHeaderLength - DataChunkHeaderLength;

    /// <summary>Starts the search when the association comes up (RFC 8899 §5.2: BASE → SEARCHING).</summary>
    private void StartPathMtuSearch()
    {
        _probeIndex = 0;
        _probeAttempts = 0;
        _probeDeadline = _options.PathMtuDiscovery ? _time.GetTimestamp() : long.MaxValue;
    }

    /// <summary>Sends the next probe, or counts a lost one (RFC 8899 §5.2: MAX_PROBES losses end the search).</summary>
    private void OnPathMtuTimer(long now)
    {
        if (now < _probeDeadline)
        {
            return;
        }

        if (_probeSize != 0 && ++_probeAttempts >= MaxProbes)
        {
            // This size does not pass: the search is complete at the last confirmed size (SEARCH_COMPLETE).
            Counters.PathMtuProbesLost += _probeAttempts;
            _probeSize = 0;
            _probeDeadline = Deadline(_options.PathMtuRaiseInterval);
            _probeIndex = ProbeSizes.Length; // the raise timer restarts the search from the bottom
            return;
        }

        if (_probeSize == 0)
        {
            if (_probeIndex >= ProbeSizes.Length)
            {
                _probeIndex = 0; // the raise timer fired (RFC 8899 §5.2): search up again from the current size
            }

            while (_probeIndex < ProbeSizes.Length && (ProbeSizes[_probeIndex] <= _pathMtu || ProbeSizes[_probeIndex] > _options.MaxPathMtu))
            {
                _probeIndex++;
            }

            if (_probeIndex >= ProbeSizes.Length)
            {
                // Searched to the top: nothing larger to try (the raise timer only matters below the maximum).
                _probeDeadline = _pathMtu >= Math.Min(ProbeSizes[^1], _options.MaxPathMtu) ? long.MaxValue : Deadline(_options.PathMtuRaiseInterval);
                return;
            }

            _probeSize = ProbeSizes[_probeIndex];
            _probeAttempts = 0;
        }

        SendProbe(now);
    }

    private void SendProbe(long now)
    {
        // RFC 8899 §6.2.1.2: a probe is a HEARTBEAT chunk with a PAD chunk filling the packet to the probed size.
        var packet = _packet.AsSpan(0, _probeSize);
        _probeNonce = BinaryPrimitives.ReadUInt64LittleEndian(RandomNumberGenerator.GetBytes(8));
        Span<byte> info = stackalloc byte[ProbeInfoLength];
        BinaryPrimitives.WriteUInt16BigEndian(info, HeartbeatInfoParameter);
        BinaryPrimitives.WriteUInt16BigEndian(info[2..], ProbeInfoLength);
        BinaryPrimitives.WriteInt64BigEndian(info[4..], now);
        BinaryPrimitives.WriteUInt64BigEndian(info[12..], _probeNonce);
        BinaryPrimitives.WriteInt32BigEndian(info[20..], _probeSize);
        var offset = SctpPacket.WriteChunk(packet, SctpPacket.CommonHeaderLength, SctpChunkType.Heartbeat, 0, info);
        var padding = _probeSize - offset - SctpPacket.ChunkHeaderLength;
        packet.Slice(offset + SctpPacket.ChunkHeaderLength, padding).Clear();
        var end = SctpPacket.WriteChunk(packet, offset, (SctpChunkType)PadChunkType, 0, packet.Slice(offset + SctpPacket.ChunkHeaderLength, padding));
        SendPacket(packet[..end], _peerTag);
        Counters.PathMtuProbesSent++;
        _probeDeadline = Deadline(_rto);
    }

    /// <summary>A HEARTBEAT-ACK whose info is a probe's: the path carried packets of that size (RFC 8899 §4.1).</summary>
    /// <returns>False when the info is not a probe's (an ordinary heartbeat).</returns>
    private bool OnProbeAck(ReadOnlySpan<byte> value)
    {
        if (value.Length != ProbeInfoLength || BinaryPrimitives.ReadUInt16BigEndian(value) != HeartbeatInfoParameter)
        {
            return false;
        }

        int size = BinaryPrimitives.ReadInt32BigEndian(value[20..]);
        if (_probeSize == 0 || size != _probeSize || BinaryPrimitives.ReadUInt64BigEndian(value[12..]) != _probeNonce)
        {
            Counters.PacketsDropped++; // stale or forged
            return true;
        }

        _pathMtu = size;
        _probeSize = 0;
        _probeIndex++;
        _probeDeadline = _time.GetTimestamp(); // go on searching at the next tick
        return true;
    }

    /// <summary>
    /// RFC 8899 §4.3 black-hole detection: consecutive T3-rtx expiries while above the base size fall back to it, so
    /// packets carry one base-size chunk again; the search restarts after the raise interval.
    /// </summary>
    private void OnRetransmissionTimeoutForPathMtu()
    {
        if (++_consecutiveTimeouts >= 2 && _pathMtu > BasePathMtu)
        {
            _pathMtu = BasePathMtu;
            _probeSize = 0;
            _probeIndex = 0;
            _probeDeadline = _options.PathMtuDiscovery ? Deadline(_options.PathMtuRaiseInterval) : long.MaxValue;
            Counters.PathMtuBlackHoles++;
        }
    }
}
