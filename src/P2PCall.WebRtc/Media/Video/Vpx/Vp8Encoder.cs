using System.Runtime.InteropServices;

namespace P2PCall.WebRtc.Media.Video.Vpx;

/// <summary>Settings of the VP8 encoder.</summary>
public sealed class Vp8EncoderSettings
{
    /// <summary>Width in pixels. Default 640.</summary>
    public int Width { get; init; } = 640;

    /// <summary>Height in pixels. Default 480.</summary>
    public int Height { get; init; } = 480;

    /// <summary>Frames per second. Default 30.</summary>
    public int FrameRate { get; init; } = 30;

    /// <summary>Target bitrate in kbit/s. Default 1000.</summary>
    public int BitrateKbps { get; init; } = 1000;

    /// <summary>Longest distance between keyframes, in frames. Default 300.</summary>
    public int KeyframeMaxDistance { get; init; } = 300;
}

/// <summary>One encoded VP8 frame.</summary>
/// <param name="Data">The compressed frame (owned by the caller).</param>
/// <param name="IsKeyframe">True for an intra frame.</param>
public readonly record struct Vp8EncodedFrame(byte[] Data, bool IsKeyframe);

/// <summary>VP8 encoder over libvpx in realtime mode (VPX_DL_REALTIME, cpu-used −6, one thread, error resilient). Not thread-safe.</summary>
public sealed class Vp8Encoder : IDisposable
{
    private readonly IntPtr _ctx;
    private readonly IntPtr _img;
    private long _pts;
    private bool _forceKeyframe;
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <summary>Creates an encoder; throws <see cref="VpxLibraryUnavailableException"/> when libvpx is missing.</summary>
    /// <param name="settings">Resolution, frame rate and bitrate.</param>
    public Vp8Encoder(Vp8EncoderSettings? settings = null)
    {
        Settings = settings ??= new Vp8EncoderSettings();
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Width, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Height, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.FrameRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.BitrateKbps, 10);
        VpxLibrary.EnsureAvailable();
        IntPtr cfg = Marshal.AllocHGlobal(VpxNative.EncCfgSize);
        _ctx = Marshal.AllocHGlobal(VpxNative.CodecCtxSize);
        try
        {
            IntPtr iface = VpxNative.vpx_codec_vp8_cx();
            Check(VpxNative.vpx_codec_enc_config_default(iface, cfg, 0), "vpx_codec_enc_config_default");
            Marshal.WriteInt32(cfg, VpxNative.CfgThreads, 1);
            Marshal.WriteInt32(cfg, VpxNative.CfgWidth, settings.Width);
            Marshal.WriteInt32(cfg, VpxNative.CfgHeight, settings.Height);
            Marshal.WriteInt32(cfg, VpxNative.CfgTimebaseNum, 1);
            Marshal.WriteInt32(cfg, VpxNative.CfgTimebaseDen, settings.FrameRate);
            Marshal.WriteInt32(cfg, VpxNative.CfgErrorResilient, 1); // VPX_ERROR_RESILIENT_DEFAULT
            Marshal.WriteInt32(cfg, VpxNative.CfgLagInFrames, 0);
            Marshal.WriteInt32(cfg, VpxNative.CfgEndUsage, 1); // VPX_CBR
            Marshal.WriteInt32(cfg, VpxNative.CfgTargetBitrate, settings.BitrateKbps);
            Marshal.WriteInt32(cfg, VpxNative.CfgKfMode, 1); // VPX_KF_AUTO
            Marshal.WriteInt32(cfg, VpxNative.CfgKfMinDist, 0);
            Marshal.WriteInt32(cfg, VpxNative.CfgKfMaxDist, settings.KeyframeMaxDistance);
            Check(VpxNative.vpx_codec_enc_init_ver(_ctx, iface, cfg, new CLong(0), VpxNative.EncoderAbiVersion), "vpx_codec_enc_init_ver");
        }
        catch
        {
            Marshal.FreeHGlobal(_ctx);
            throw;
        }
        finally
        {
            Marshal.FreeHGlobal(cfg);
        }

        VpxNative.vpx_codec_control_int(_ctx, VpxNative.Vp8eSetCpuUsed, -6);
        _img = VpxNative.vpx_img_alloc(IntPtr.Zero, VpxNative.ImgFmtI420, (uint)settings.Width, (uint)settings.Height, 16);
        if (_img == IntPtr.Zero)
        {
            VpxNative.vpx_codec_destroy(_ctx);
            Marshal.FreeHGlobal(_ctx);
            throw new OutOfMemoryException("vpx_img_alloc failed.");
        }
    }

    /// <summary>The settings in force.</summary>
    public Vp8EncoderSettings Settings { get; }

    /// <summary>Makes the next encoded frame a keyframe (for a PLI or FIR).</summary>
    public void ForceKeyframe() => _forceKeyframe = true;

    /// <summary>Encodes one frame; returns null when the encoder dropped it (rate control). Serialised with
    /// <see cref="Dispose"/>, which waits for an encode in progress.</summary>
    /// <param name="frame">A frame of the configured size.</param>
    /// <returns>The encoded frame, or null.</returns>
    /// <exception cref="ObjectDisposedException">The encoder was disposed.</exception>
    public Vp8EncodedFrame? Encode(I420Frame frame)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return EncodeLocked(frame);
        }
    }

    private Vp8EncodedFrame? EncodeLocked(I420Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Width != Settings.Width || frame.Height != Settings.Height)
        {
            throw new ArgumentException($"Frame is {frame.Width}x{frame.Height}, encoder is {Settings.Width}x{Settings.Height}.", nameof(frame));
        }

        CopyPlane(frame.Y, frame.StrideY, frame.Height, 0);
        CopyPlane(frame.U, frame.StrideUV, frame.ChromaHeight, 1);
        CopyPlane(frame.V, frame.StrideUV, frame.ChromaHeight, 2);
        long flags = _forceKeyframe ? VpxNative.EncodeForceKeyframe : 0;
        _forceKeyframe = false;
        Check(VpxNative.vpx_codec_encode(_ctx, _img, _pts++, new CULong(1), new CLong((nint)flags), new CULong((nuint)VpxNative.DeadlineRealtime)), "vpx_codec_encode");
        Vp8EncodedFrame? result = null;
        IntPtr iter = IntPtr.Zero;
        IntPtr pkt;
        while ((pkt = VpxNative.vpx_codec_get_cx_data(_ctx, ref iter)) != IntPtr.Zero)
        {
            if (Marshal.ReadInt32(pkt) != 0)
            {
                continue; // only VPX_CODEC_CX_FRAME_PKT carries a frame
            }

            IntPtr buf = Marshal.ReadIntPtr(pkt, VpxNative.PktFrameBuf);
            int size = checked((int)Marshal.ReadInt64(pkt, VpxNative.PktFrameSize));
            uint pktFlags = (uint)Marshal.ReadInt32(pkt, VpxNative.PktFrameFlags);
            byte[] data = new byte[size];
            Marshal.Copy(buf, data, 0, size);
            result = new Vp8EncodedFrame(data, (pktFlags & VpxNative.FrameIsKey) != 0);
        }

        return result;
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
            VpxNative.vpx_img_free(_img);
            VpxNative.vpx_codec_destroy(_ctx);
            Marshal.FreeHGlobal(_ctx);
        }
    }

    private void CopyPlane(byte[] src, int srcStride, int rows, int plane)
    {
        IntPtr dst = Marshal.ReadIntPtr(_img, VpxNative.ImgPlanes + (plane * IntPtr.Size));
        int dstStride = Marshal.ReadInt32(_img, VpxNative.ImgStrides + (plane * 4));
        for (int r = 0; r < rows; r++)
        {
            Marshal.Copy(src, r * srcStride, dst + (r * dstStride), srcStride);
        }
    }

    private void Check(int rc, string call)
    {
        if (rc != 0)
        {
            throw new InvalidOperationException($"{call} failed ({rc}): {VpxNative.Error(_ctx)}");
        }
    }
}
