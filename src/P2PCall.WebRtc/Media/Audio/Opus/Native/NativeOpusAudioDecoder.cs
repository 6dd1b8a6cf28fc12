namespace P2PCall.WebRtc.Media.Audio.Opus.Native;

/// <summary>
/// Opus decoder over libopus (<c>libopus.so.0</c>): 48 kHz output, mono or stereo whatever the sender encoded
/// (RFC 7587 §3.4). A lost frame is rebuilt from the next packet's in-band FEC when that packet is at hand, otherwise
/// concealed by Opus packet loss concealment. Never throws into the receive path: a corrupt packet returns -1, a
/// disposed decoder returns -1 (decode) or silence (conceal). Calls are serialised with <see cref="Dispose"/>.
/// </summary>
public sealed class NativeOpusAudioDecoder : IAudioDecoder
{
    private const int MaxFrameSamplesPerChannel = 5760; // 120 ms at 48 kHz, the longest Opus packet (RFC 6716 §3.2.5)

    private readonly Lock _gate = new();
    private readonly OpusDecoderHandle _handle;
    private bool _disposed;

    /// <summary>Creates a decoder; throws <see cref="OpusLibraryUnavailableException"/> when libopus is missing.</summary>
    /// <param name="channels">Output channels, 1 or 2.</param>
    /// <param name="useInbandFec">Use the next packet's FEC data to rebuild a lost frame.</param>
    public NativeOpusAudioDecoder(int channels = 1, bool useInbandFec = true)
    {
        if (channels is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Opus channels must be 1 or 2.");
        }

        OpusLibrary.EnsureAvailable();
        Channels = channels;
        CanRecoverFromNextPacket = useInbandFec;
        _handle = OpusNative.opus_decoder_create(48_000, channels, out var error);
        if (error != OpusNative.Ok || _handle.IsInvalid)
        {
            _handle.Dispose();
            throw new InvalidOperationException($"opus_decoder_create failed ({error}): {OpusNative.Error(error)}");
        }
    }

    /// <inheritdoc />
    public string CodecName => "opus";

    /// <inheritdoc />
    public int SampleRate => 48_000;

    /// <inheritdoc />
    public int Channels { get; }

    /// <inheritdoc />
    public int FrameSamplesPerChannel => 960;

    /// <inheritdoc />
    public bool CanRecoverFromNextPacket { get; }

    /// <inheritdoc />
    public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        int frameSize = Math.Min(pcm.Length / Channels, MaxFrameSamplesPerChannel);
        if (payload.IsEmpty || frameSize <= 0)
        {
            return -1;
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return -1;
            }

            int samples = DecodeLocked(payload, pcm, frameSize, fec: false);
            return samples >= 0 ? samples : -1; // OPUS_INVALID_PACKET, OPUS_BUFFER_TOO_SMALL, ...: a rejected payload
        }
    }

    /// <inheritdoc />
    public int Conceal(ReadOnlySpan<byte> nextPayload, Span<short> pcm, out bool recovered)
    {
        recovered = false;
        var frame = pcm[..(FrameSamplesPerChannel * Channels)];
        lock (_gate)
        {
            if (!_disposed)
            {
                if (CanRecoverFromNextPacket && OpusPacket.HasInbandFec(nextPayload))
                {
                    // RFC 7587 §3.2 / RFC 6716 §2.1.7: decode_fec on the next packet yields the lost frame from its LBRR data.
                    int fec = DecodeLocked(nextPayload, frame, FrameSamplesPerChannel, fec: true);
                    if (fec > 0)
                    {
                        recovered = true;
                        return fec;
                    }
                }

                // Opus packet loss concealment: a null packet asks the decoder to extrapolate.
                int plc = DecodeLocked(ReadOnlySpan<byte>.Empty, frame, FrameSamplesPerChannel, fec: false);
                if (plc > 0)
                {
                    return plc;
                }
            }
        }

        frame.Clear();
        return FrameSamplesPerChannel;
    }

    /// <summary>Reads a decoder value from libopus (an OPUS_GET_* request); for tests and diagnostics.</summary>
    internal int Get(int request)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int rc = OpusNative.opus_decoder_ctl_get(_handle, request, out int value);
            return rc == OpusNative.Ok ? value : throw new InvalidOperationException($"opus_decoder_ctl({request}) failed ({rc}): {OpusNative.Error(rc)}");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _handle.Dispose();
        }
    }

    private unsafe int DecodeLocked(ReadOnlySpan<byte> payload, Span<short> pcm, int frameSize, bool fec)
    {
        fixed (byte* data = payload)
        fixed (short* output = pcm)
        {
            // An empty span pins to null: opus_decode(st, NULL, 0, ...) is the PLC call.
            return OpusNative.opus_decode(_handle, payload.IsEmpty ? null : data, payload.Length, output, frameSize, fec ? 1 : 0);
        }
    }
}
