using System.Runtime.InteropServices;

namespace P2PCall.WebRtc.Media.Video.Vpx;

/// <summary>
/// P/Invoke surface of libvpx 1.12 (<c>libvpx.so.7</c>, Debian package <c>libvpx7</c>). Struct offsets were checked with
/// <c>sizeof</c>/<c>offsetof</c> against the libvpx-dev 1.12 headers; the runtime needs only <c>libvpx.so.7</c>.
/// </summary>
internal static partial class VpxNative
{
    internal const string Library = "libvpx.so.7";
    internal const int EncoderAbiVersion = 25; // VPX_ENCODER_ABI_VERSION in 1.12 (a wrong older number is accepted silently)
    internal const int DecoderAbiVersion = 12; // VPX_DECODER_ABI_VERSION in 1.12
    internal const int EncCfgSize = 504;
    internal const int CodecCtxSize = 56;
    internal const int ImgFmtI420 = 0x102;
    internal const uint FrameIsKey = 1;
    internal const long EncodeForceKeyframe = 1; // VPX_EFLAG_FORCE_KF
    internal const ulong DeadlineRealtime = 1;   // VPX_DL_REALTIME
    internal const int Vp8eSetCpuUsed = 13;

    // vpx_codec_enc_cfg_t offsets (x86-64, 1.12).
    internal const int CfgThreads = 4, CfgWidth = 12, CfgHeight = 16, CfgTimebaseNum = 28, CfgTimebaseDen = 32,
        CfgErrorResilient = 36, CfgLagInFrames = 44, CfgEndUsage = 72, CfgTargetBitrate = 112, CfgKfMode = 160,
        CfgKfMinDist = 164, CfgKfMaxDist = 168;

    // vpx_image_t offsets.
    internal const int ImgDisplayWidth = 24, ImgDisplayHeight = 28, ImgPlanes = 48, ImgStrides = 80;

    // vpx_codec_cx_pkt_t offsets.
    internal const int PktFrameBuf = 8, PktFrameSize = 16, PktFrameFlags = 40;

    [LibraryImport(Library)] internal static partial IntPtr vpx_codec_vp8_cx();
    [LibraryImport(Library)] internal static partial IntPtr vpx_codec_vp8_dx();
    [LibraryImport(Library)] internal static partial int vpx_codec_version();
    [LibraryImport(Library)] internal static partial int vpx_codec_enc_config_default(IntPtr iface, IntPtr cfg, uint usage);
    [LibraryImport(Library)] internal static partial int vpx_codec_enc_init_ver(IntPtr ctx, IntPtr iface, IntPtr cfg, CLong flags, int ver);
    [LibraryImport(Library)] internal static partial int vpx_codec_dec_init_ver(IntPtr ctx, IntPtr iface, IntPtr cfg, CLong flags, int ver);
    [LibraryImport(Library)] internal static partial int vpx_codec_encode(IntPtr ctx, IntPtr img, long pts, CULong duration, CLong flags, CULong deadline);
    [LibraryImport(Library)] internal static partial IntPtr vpx_codec_get_cx_data(IntPtr ctx, ref IntPtr iter);
    [LibraryImport(Library)] internal static partial int vpx_codec_decode(IntPtr ctx, IntPtr data, uint size, IntPtr userPriv, CLong deadline);
    [LibraryImport(Library)] internal static partial IntPtr vpx_codec_get_frame(IntPtr ctx, ref IntPtr iter);
    [LibraryImport(Library)] internal static partial int vpx_codec_destroy(IntPtr ctx);
    [LibraryImport(Library)] internal static partial IntPtr vpx_codec_error(IntPtr ctx);
    [LibraryImport(Library)] internal static partial IntPtr vpx_img_alloc(IntPtr img, int fmt, uint width, uint height, uint align);
    [LibraryImport(Library)] internal static partial void vpx_img_free(IntPtr img);

    /// <summary>
    /// <c>vpx_codec_control_</c> is variadic in C. On x86-64 System V a variadic callee reads an int argument from the same
    /// register as a fixed one (and AL is ignored for non-float args), so this fixed-signature overload is sound there;
    /// on arm64 Apple variadics go on the stack and this would break (Linux arm64 uses registers and works).
    /// </summary>
    [LibraryImport(Library, EntryPoint = "vpx_codec_control_")] internal static partial int vpx_codec_control_int(IntPtr ctx, int id, int value);

    internal static string Error(IntPtr ctx) => Marshal.PtrToStringUTF8(vpx_codec_error(ctx)) ?? "unknown libvpx error";
}
