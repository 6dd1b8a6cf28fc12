using System.Runtime.InteropServices;

namespace P2PCall.WebRtc.Media.Video.Vpx;

/// <summary>
/// VP8 decoder over libvpx. Calls are serialised: <see cref="Dispose"/> waits for a decode in progress, so the
/// native context is never freed under libvpx (that crashed the process before).
/// </summary>
public sealed class Vp8Decoder : IDisposable
{
    private readonly Lock _gate = new();
    private readonly IntPtr _ctx;
    private bool _disposed;

    /// <summary>Creates a decoder; throws <see cref="VpxLibraryUnavailableException"/> when libvpx is missing.</summary>
    public Vp8Decoder()
    {
        VpxLibrary.EnsureAvailable();
        _ctx = Marshal.AllocHGlobal(VpxNative.CodecCtxSize);
        int rc = VpxNative.vpx_codec_dec_init_ver(_ctx, VpxNative.vpx_codec_vp8_dx(), IntPtr.Zero, new CLong(0), VpxNative.DecoderAbiVersion);
        if (rc != 0)
        {
            Marshal.FreeHGlobal(_ctx);
            throw new InvalidOperationException($"vpx_codec_dec_init_ver failed ({rc}).");
        }
    }

    /// <summary>Decodes one compressed frame. Returns false (and no frame) when libvpx rejects the data.</summary>
    /// <param name="data">One complete VP8 frame.</param>
    /// <param name="timestamp">Timestamp given to the output frame.</param>
    /// <param name="frame">The decoded picture with tight rows, or null when the data held no displayable frame.</param>
    /// <returns>True when libvpx accepted the data; false for rejected data or a disposed decoder.</returns>
    public bool TryDecode(ReadOnlySpan<byte> data, TimeSpan timestamp, out I420Frame? frame)
    {
        lock (_gate)
        {
            frame = null;
            return !_disposed && !data.IsEmpty && DecodeLocked(data, timestamp, out frame);
        }
    }

    /// <summary>The last libvpx error text.</summary>
    public string LastError
    {
        get
        {
            lock (_gate)
            {
                return _disposed ? "disposed" : VpxNative.Error(_ctx);
            }
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
            VpxNative.vpx_codec_destroy(_ctx);
            Marshal.FreeHGlobal(_ctx);
        }
    }

    private unsafe bool DecodeLocked(ReadOnlySpan<byte> data, TimeSpan timestamp, out I420Frame? frame)
    {
        frame = null;

        fixed (byte* p = data)
        {
            if (VpxNative.vpx_codec_decode(_ctx, (IntPtr)p, (uint)data.Length, IntPtr.Zero, new CLong(0)) != 0)
            {
                return false;
            }
        }

        IntPtr iter = IntPtr.Zero;
        IntPtr img;
        while ((img = VpxNative.vpx_codec_get_frame(_ctx, ref iter)) != IntPtr.Zero)
        {
            frame = CopyTight(img, timestamp);
        }

        return true;
    }

    // Decoded rows are padded (stride > width): copy row by row into a tight frame.
    private static unsafe I420Frame CopyTight(IntPtr img, TimeSpan timestamp)
    {
        int w = Marshal.ReadInt32(img, VpxNative.ImgDisplayWidth);
        int h = Marshal.ReadInt32(img, VpxNative.ImgDisplayHeight);
        var frame = new I420Frame(w, h, timestamp);
        CopyPlane(img, 0, frame.Y, frame.StrideY, h);
        CopyPlane(img, 1, frame.U, frame.StrideUV, frame.ChromaHeight);
        CopyPlane(img, 2, frame.V, frame.StrideUV, frame.ChromaHeight);
        return frame;
    }

    private static unsafe void CopyPlane(IntPtr img, int plane, byte[] dst, int dstStride, int rows)
    {
        byte* src = (byte*)Marshal.ReadIntPtr(img, VpxNative.ImgPlanes + (plane * IntPtr.Size));
        int srcStride = Marshal.ReadInt32(img, VpxNative.ImgStrides + (plane * 4));
        for (int r = 0; r < rows; r++)
        {
            new ReadOnlySpan<byte>(src + ((long)r * srcStride), dstStride).CopyTo(dst.AsSpan(r * dstStride, dstStride));
        }
    }
}
