using System.Runtime.InteropServices;

namespace P2PCall.WebRtc.Media.Audio.Opus.Native;

/// <summary>
/// P/Invoke surface of libopus 1.x (<c>libopus.so.0</c>, Debian package <c>libopus0</c>). Only the stable C API of
/// <c>opus.h</c> is used (no structs are read), so any 1.x release works; the constants are those of <c>opus_defines.h</c>.
/// </summary>
internal static partial class OpusNative
{
    internal const string Library = "libopus.so.0";

    internal const int Ok = 0;
    internal const int BadArg = -1;
    internal const int InvalidPacket = -4;

    internal const int ApplicationVoip = 2048;    // OPUS_APPLICATION_VOIP
    internal const int SignalVoice = 3001;        // OPUS_SIGNAL_VOICE

    internal const int SetBitrateRequest = 4002;
    internal const int GetBitrateRequest = 4003;
    internal const int SetComplexityRequest = 4010;
    internal const int GetComplexityRequest = 4011;
    internal const int SetInbandFecRequest = 4012;
    internal const int GetInbandFecRequest = 4013;
    internal const int SetPacketLossPercRequest = 4014;
    internal const int GetPacketLossPercRequest = 4015;
    internal const int SetSignalRequest = 4024;
    internal const int GetSignalRequest = 4025;
    internal const int GetSampleRateRequest = 4029;
    internal const int GetLastPacketDurationRequest = 4039;

    [LibraryImport(Library)] internal static partial IntPtr opus_get_version_string();
    [LibraryImport(Library)] internal static partial IntPtr opus_strerror(int error);

    [LibraryImport(Library)] internal static partial OpusEncoderHandle opus_encoder_create(int sampleRate, int channels, int application, out int error);
    [LibraryImport(Library)] internal static partial void opus_encoder_destroy(IntPtr encoder);
    [LibraryImport(Library)] internal static unsafe partial int opus_encode(OpusEncoderHandle encoder, short* pcm, int frameSize, byte* data, int maxDataBytes);

    [LibraryImport(Library)] internal static partial OpusDecoderHandle opus_decoder_create(int sampleRate, int channels, out int error);
    [LibraryImport(Library)] internal static partial void opus_decoder_destroy(IntPtr decoder);
    [LibraryImport(Library)] internal static unsafe partial int opus_decode(OpusDecoderHandle decoder, byte* data, int length, short* pcm, int frameSize, int decodeFec);

    // opus_encoder_ctl / opus_decoder_ctl are variadic in C (int ctl(st, int request, ...)). .NET cannot call a variadic
    // function portably, so each argument shape gets a fixed-argument overload. On x86-64 System V (and Windows x64) a
    // variadic callee reads an int or pointer argument from the same register a fixed one uses, and only AL (the count of
    // vector registers) is extra: GCC's prologue only tests it for zero, so any value is safe for integer arguments. Linux
    // arm64 passes variadics in registers too; Apple arm64 puts them on the stack, where this would NOT work.

    /// <summary><c>opus_encoder_ctl(st, request, opus_int32 value)</c>: the OPUS_SET_* requests.</summary>
    [LibraryImport(Library, EntryPoint = "opus_encoder_ctl")] internal static partial int opus_encoder_ctl_set(OpusEncoderHandle encoder, int request, int value);

    /// <summary><c>opus_encoder_ctl(st, request, opus_int32* value)</c>: the OPUS_GET_* requests.</summary>
    [LibraryImport(Library, EntryPoint = "opus_encoder_ctl")] internal static partial int opus_encoder_ctl_get(OpusEncoderHandle encoder, int request, out int value);

    /// <summary><c>opus_decoder_ctl(st, request, opus_int32 value)</c>: the OPUS_SET_* requests.</summary>
    [LibraryImport(Library, EntryPoint = "opus_decoder_ctl")] internal static partial int opus_decoder_ctl_set(OpusDecoderHandle decoder, int request, int value);

    /// <summary><c>opus_decoder_ctl(st, request, opus_int32* value)</c>: the OPUS_GET_* requests.</summary>
    [LibraryImport(Library, EntryPoint = "opus_decoder_ctl")] internal static partial int opus_decoder_ctl_get(OpusDecoderHandle decoder, int request, out int value);

    internal static string Error(int error) => Marshal.PtrToStringUTF8(opus_strerror(error)) ?? $"opus error {error}";
}

/// <summary>Owns an <c>OpusEncoder*</c>; <see cref="SafeHandle.Dispose()"/> calls <c>opus_encoder_destroy</c> once no call uses it.</summary>
internal sealed class OpusEncoderHandle : SafeHandle
{
    public OpusEncoderHandle() : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        OpusNative.opus_encoder_destroy(handle);
        return true;
    }
}

/// <summary>Owns an <c>OpusDecoder*</c>; <see cref="SafeHandle.Dispose()"/> calls <c>opus_decoder_destroy</c> once no call uses it.</summary>
internal sealed class OpusDecoderHandle : SafeHandle
{
    public OpusDecoderHandle() : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        OpusNative.opus_decoder_destroy(handle);
        return true;
    }
}
