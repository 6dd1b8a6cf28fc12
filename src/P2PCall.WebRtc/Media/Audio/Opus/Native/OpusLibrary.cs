using System.Runtime.InteropServices;

namespace P2PCall.WebRtc.Media.Audio.Opus.Native;

/// <summary>Thrown when the native Opus library (libopus) is missing or unusable.</summary>
public sealed class OpusLibraryUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="libraryName">The native library that was probed.</param>
    /// <param name="message">What went wrong, including the install hint.</param>
    public OpusLibraryUnavailableException(string libraryName, string message) : base(message) => LibraryName = libraryName;

    /// <summary>The native library that was probed.</summary>
    public string LibraryName { get; }
}

/// <summary>Startup check for libopus 1.x (<c>libopus.so.0</c>, Debian package <c>libopus0</c>).</summary>
public static class OpusLibrary
{
    private static readonly Lazy<(string? Version, string? Error)> s_probe = new(() => Probe(OpusNative.Library));

    /// <summary>True when <c>libopus.so.0</c> loads and is libopus 1.x. Probed once per process.</summary>
    public static bool IsAvailable => s_probe.Value.Error is null;

    /// <summary>The library's version string (for example <c>libopus 1.3.1</c>), or null when it is unavailable.</summary>
    public static string? Version => s_probe.Value.Version;

    /// <summary>Why the library is unavailable (with the install hint), or null when it is available.</summary>
    public static string? UnavailableReason => s_probe.Value.Error;

    /// <summary>Throws <see cref="OpusLibraryUnavailableException"/> unless the library loads and is libopus 1.x.</summary>
    /// <param name="libraryName">The library to probe; defaults to <c>libopus.so.0</c> (the result is cached for it).</param>
    public static void EnsureAvailable(string libraryName = OpusNative.Library)
    {
        var (_, error) = libraryName == OpusNative.Library ? s_probe.Value : Probe(libraryName);
        if (error is not null)
        {
            throw new OpusLibraryUnavailableException(libraryName, error);
        }
    }

    private static (string? Version, string? Error) Probe(string libraryName)
    {
        string hint = $"Native Opus needs the library '{libraryName}' (libopus 1.x). Install it with: apt-get install libopus0";
        if (!NativeLibrary.TryLoad(libraryName, out IntPtr handle))
        {
            return (null, $"Could not load '{libraryName}'. {hint}");
        }

        try
        {
            if (!NativeLibrary.TryGetExport(handle, "opus_get_version_string", out IntPtr fn)
                || !NativeLibrary.TryGetExport(handle, "opus_encoder_ctl", out _)
                || !NativeLibrary.TryGetExport(handle, "opus_decode", out _))
            {
                return (null, $"'{libraryName}' lacks the libopus exports (opus_get_version_string, opus_encoder_ctl, opus_decode). {hint}");
            }

            string? version;
            unsafe
            {
                version = Marshal.PtrToStringUTF8(((delegate* unmanaged<IntPtr>)fn)());
            }

            // "libopus 1.3.1" (or "libopus 1.3.1-fixed"): the API used here is the same in every 1.x.
            return version is not null && version.StartsWith("libopus 1.", StringComparison.Ordinal)
                ? (version, null)
                : (null, $"'{libraryName}' reports '{version}', not libopus 1.x. {hint}");
        }
        finally
        {
            NativeLibrary.Free(handle);
        }
    }
}
