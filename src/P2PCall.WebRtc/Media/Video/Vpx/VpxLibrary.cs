using System.Runtime.InteropServices;

namespace P2PCall.WebRtc.Media.Video.Vpx;

/// <summary>Thrown when the native VP8 library is missing or too old.</summary>
public sealed class VpxLibraryUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="libraryName">The native library that was probed.</param>
    /// <param name="message">What went wrong, including the install hint.</param>
    public VpxLibraryUnavailableException(string libraryName, string message) : base(message) => LibraryName = libraryName;

    /// <summary>The native library that was probed.</summary>
    public string LibraryName { get; }
}

/// <summary>Startup check for libvpx (VP8 needs libvpx 1.12 or newer, <c>libvpx.so.7</c>).</summary>
public static class VpxLibrary
{
    private static int s_checked;

    /// <summary>Throws <see cref="VpxLibraryUnavailableException"/> unless the library loads and is version 1.x with x ≥ 12.</summary>
    /// <param name="libraryName">The library to probe; defaults to <c>libvpx.so.7</c>.</param>
    public static void EnsureAvailable(string libraryName = VpxNative.Library)
    {
        if (libraryName == VpxNative.Library && Volatile.Read(ref s_checked) == 1)
        {
            return;
        }

        string hint = $"VP8 needs the native library '{libraryName}' (libvpx 1.12 or newer). Install it with: apt-get install libvpx7";
        if (!NativeLibrary.TryLoad(libraryName, out IntPtr handle))
        {
            throw new VpxLibraryUnavailableException(libraryName, $"Could not load '{libraryName}'. {hint}");
        }

        try
        {
            if (!NativeLibrary.TryGetExport(handle, "vpx_codec_version", out IntPtr fn))
            {
                throw new VpxLibraryUnavailableException(libraryName, $"'{libraryName}' has no vpx_codec_version export. {hint}");
            }

            int version;
            unsafe
            {
                version = ((delegate* unmanaged<int>)fn)();
            }

            int major = (version >> 16) & 0xFF, minor = (version >> 8) & 0xFF;
            if (major != 1 || minor < 12)
            {
                throw new VpxLibraryUnavailableException(libraryName, $"'{libraryName}' is libvpx {major}.{minor}; 1.12 or newer is needed. {hint}");
            }
        }
        finally
        {
            NativeLibrary.Free(handle);
        }

        if (libraryName == VpxNative.Library)
        {
            Volatile.Write(ref s_checked, 1);
        }
    }
}
