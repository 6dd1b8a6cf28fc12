namespace P2PCall.WebRtc.Media.Audio.Opus.Native;

/// <summary>
/// Opus encoder over libopus (<c>libopus.so.0</c>): 48 kHz, 20 ms frames, 960 samples per channel, VoIP application,
/// the same settings and packets as the managed <see cref="OpusAudioEncoder"/> at a fraction of its CPU and with no
/// managed allocation per frame. <see cref="Encode"/> and <see cref="Dispose"/> are serialised, so disposing during an
/// encode waits for it and the native state is never freed under libopus.
/// </summary>
public sealed class NativeOpusAudioEncoder : IAudioEncoder
{
    private readonly Lock _gate = new();
    private readonly OpusEncoderHandle _handle;
    private bool _disposed;

    /// <summary>Creates an encoder; throws <see cref="OpusLibraryUnavailableException"/> when libopus is missing.</summary>
    /// <param name="payloadType">The negotiated payload type.</param>
    /// <param name="settings">Channels, bitrate, complexity and FEC.</param>
    public NativeOpusAudioEncoder(byte payloadType, OpusEncoderSettings? settings = null)
    {
        settings ??= new OpusEncoderSettings();
        settings.Validate();

        OpusLibrary.EnsureAvailable();
        PayloadType = payloadType;
        Channels = settings.Channels;
        UseInbandFec = settings.UseInbandFec;
        _handle = OpusNative.opus_encoder_create(48_000, Channels, OpusNative.ApplicationVoip, out var error);
        if (error != OpusNative.Ok || _handle.IsInvalid)
        {
            _handle.Dispose();
            throw new InvalidOperationException($"opus_encoder_create failed ({error}): {OpusNative.Error(error)}");
        }

        try
        {
            Set(OpusNative.SetBitrateRequest, settings.Bitrate);
            Set(OpusNative.SetComplexityRequest, Math.Clamp(settings.Complexity, 0, 10));
            Set(OpusNative.SetInbandFecRequest, settings.UseInbandFec ? 1 : 0);
            Set(OpusNative.SetPacketLossPercRequest, settings.UseInbandFec ? Math.Clamp(settings.ExpectedPacketLossPercent, 1, 100) : 0);
            if (settings.UseInbandFec)
            {
                // RFC 6716 §2.1.7: FEC (LBRR) exists only in the SILK and hybrid modes; the voice hint keeps the
                // encoder out of CELT-only for a steady signal, where FEC would silently stop.
                Set(OpusNative.SetSignalRequest, OpusNative.SignalVoice);
            }
        }
        catch
        {
            _handle.Dispose();
            throw;
        }
    }

    /// <summary>True when packets carry in-band FEC.</summary>
    public bool UseInbandFec { get; }

    /// <inheritdoc />
    public string CodecName => "opus";

    /// <inheritdoc />
    public byte PayloadType { get; }

    /// <inheritdoc />
    public int SampleRate => 48_000;

    /// <inheritdoc />
    public int Channels { get; }

    /// <inheritdoc />
    public int FrameSamplesPerChannel => 960;

    /// <inheritdoc />
    public int RtpTimestampIncrement => 960; // RFC 7587 §4.1: the RTP clock is always 48 kHz

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">The encoder was disposed.</exception>
    /// <exception cref="InvalidOperationException">libopus refused the frame (for example a destination too small).</exception>
    public unsafe int Encode(ReadOnlySpan<short> pcm, Span<byte> destination)
    {
        int samples = FrameSamplesPerChannel * Channels;
        if (pcm.Length < samples)
        {
            throw new ArgumentException($"An Opus frame is {samples} interleaved samples; {pcm.Length} were given.", nameof(pcm));
        }

        int length;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            fixed (short* p = pcm)
            fixed (byte* d = destination)
            {
                length = OpusNative.opus_encode(_handle, p, FrameSamplesPerChannel, d, destination.Length);
            }
        }

        return length >= 0 ? length : throw new InvalidOperationException($"opus_encode failed ({length}): {OpusNative.Error(length)}");
    }

    /// <summary>Reads an encoder setting back from libopus (an OPUS_GET_* request); for tests and diagnostics.</summary>
    internal int Get(int request)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int rc = OpusNative.opus_encoder_ctl_get(_handle, request, out int value);
            return rc == OpusNative.Ok ? value : throw new InvalidOperationException($"opus_encoder_ctl({request}) failed ({rc}): {OpusNative.Error(rc)}");
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

    private void Set(int request, int value)
    {
        int rc = OpusNative.opus_encoder_ctl_set(_handle, request, value);
        if (rc != OpusNative.Ok)
        {
            throw new InvalidOperationException($"opus_encoder_ctl({request}, {value}) failed ({rc}): {OpusNative.Error(rc)}");
        }
    }
}
