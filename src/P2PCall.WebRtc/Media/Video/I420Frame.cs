namespace P2PCall.WebRtc.Media.Video;

/// <summary>
/// One planar YUV 4:2:0 picture (I420) with tight rows: the Y plane is <see cref="Width"/> bytes per row, the U and V
/// planes are <c>(Width + 1) / 2</c>. The frame owns its three managed arrays; producers hand a new frame to each
/// consumer and never write to it afterwards, so a frame may be kept or shared freely once received.
/// </summary>
public sealed class I420Frame
{
    /// <summary>Creates a black frame of the given size.</summary>
    /// <param name="width">Width in pixels (≥ 1).</param>
    /// <param name="height">Height in pixels (≥ 1).</param>
    /// <param name="timestamp">Presentation time of the frame.</param>
    public I420Frame(int width, int height, TimeSpan timestamp = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Width = width;
        Height = height;
        Timestamp = timestamp;
        Y = new byte[StrideY * height];
        U = new byte[StrideUV * ChromaHeight];
        V = new byte[StrideUV * ChromaHeight];
        U.AsSpan().Fill(128);
        V.AsSpan().Fill(128);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Presentation time of the frame.</summary>
    public TimeSpan Timestamp { get; set; }

    /// <summary>Bytes per row of <see cref="Y"/> (equals <see cref="Width"/>).</summary>
    public int StrideY => Width;

    /// <summary>Bytes per row of <see cref="U"/> and <see cref="V"/>.</summary>
    public int StrideUV => (Width + 1) / 2;

    /// <summary>Rows of the chroma planes.</summary>
    public int ChromaHeight => (Height + 1) / 2;

    /// <summary>The luma plane.</summary>
    public byte[] Y { get; }

    /// <summary>The blue-difference chroma plane.</summary>
    public byte[] U { get; }

    /// <summary>The red-difference chroma plane.</summary>
    public byte[] V { get; }

    /// <summary>Size in bytes of a tight I420 frame.</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <returns>The byte count of all three planes.</returns>
    public static int GetBufferSize(int width, int height) => (width * height) + (2 * ((width + 1) / 2) * ((height + 1) / 2));
}
