using System.Globalization;
using System.Text;

namespace P2PCall.WebRtc.Media.Video;

/// <summary>Reads 8-bit 4:2:0 YUV4MPEG2 (Y4M) files frame by frame.</summary>
public sealed class Y4mReader : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private long _index;

    /// <summary>Opens a Y4M stream and parses its header; throws <see cref="InvalidDataException"/> for other formats.</summary>
    /// <param name="stream">The stream, positioned at the header.</param>
    /// <param name="leaveOpen">Keep the stream open on dispose.</param>
    public Y4mReader(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
        string header = ReadLine() ?? throw new InvalidDataException("Empty Y4M stream.");
        string[] tokens = header.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0 || tokens[0] != "YUV4MPEG2")
        {
            throw new InvalidDataException("Not a YUV4MPEG2 stream.");
        }

        int fpsNum = 30, fpsDen = 1;
        foreach (string t in tokens.AsSpan(1))
        {
            switch (t[0])
            {
                case 'W': Width = int.Parse(t.AsSpan(1), CultureInfo.InvariantCulture); break;
                case 'H': Height = int.Parse(t.AsSpan(1), CultureInfo.InvariantCulture); break;
                case 'F':
                    string[] f = t[1..].Split(':');
                    fpsNum = int.Parse(f[0], CultureInfo.InvariantCulture);
                    fpsDen = f.Length > 1 ? int.Parse(f[1], CultureInfo.InvariantCulture) : 1;
                    break;
                case 'C' when t is not ("C420" or "C420jpeg" or "C420paldv" or "C420mpeg2"):
                    throw new InvalidDataException($"Unsupported Y4M colour space '{t}'; only 8-bit 4:2:0 is read.");
            }
        }

        if (Width < 1 || Height < 1 || fpsNum < 1 || fpsDen < 1)
        {
            throw new InvalidDataException("Y4M header lacks a valid W, H or F.");
        }

        FrameRateNumerator = fpsNum;
        FrameRateDenominator = fpsDen;
    }

    /// <summary>Frame width.</summary>
    public int Width { get; }

    /// <summary>Frame height.</summary>
    public int Height { get; }

    /// <summary>Frame rate numerator.</summary>
    public int FrameRateNumerator { get; }

    /// <summary>Frame rate denominator.</summary>
    public int FrameRateDenominator { get; }

    /// <summary>Reads the next frame, or null at the end of the stream.</summary>
    /// <returns>A new frame, or null.</returns>
    public I420Frame? ReadFrame()
    {
        string? line = ReadLine();
        if (line is null)
        {
            return null;
        }

        if (!line.StartsWith("FRAME", StringComparison.Ordinal))
        {
            throw new InvalidDataException("Expected a FRAME marker.");
        }

        var ts = TimeSpan.FromSeconds((double)_index++ * FrameRateDenominator / FrameRateNumerator);
        var frame = new I420Frame(Width, Height, ts);
        _stream.ReadExactly(frame.Y);
        _stream.ReadExactly(frame.U);
        _stream.ReadExactly(frame.V);
        return frame;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private string? ReadLine()
    {
        var sb = new StringBuilder();
        while (true)
        {
            int b = _stream.ReadByte();
            if (b < 0)
            {
                return sb.Length == 0 ? null : throw new InvalidDataException("Truncated Y4M line.");
            }

            if (b == '\n')
            {
                return sb.ToString();
            }

            if (sb.Length > 1024)
            {
                throw new InvalidDataException("Y4M line too long.");
            }

            sb.Append((char)b);
        }
    }
}

/// <summary>Writes I420 frames as an 8-bit 4:2:0 YUV4MPEG2 (C420) stream.</summary>
public sealed class Y4mWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;

    /// <summary>Writes the stream header.</summary>
    /// <param name="stream">The output.</param>
    /// <param name="width">Frame width.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="frameRate">Frames per second.</param>
    /// <param name="leaveOpen">Keep the stream open on dispose.</param>
    public Y4mWriter(Stream stream, int width, int height, int frameRate, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
        Width = width;
        Height = height;
        _stream.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"YUV4MPEG2 W{width} H{height} F{frameRate}:1 Ip A1:1 C420\n")));
    }

    /// <summary>Frame width.</summary>
    public int Width { get; }

    /// <summary>Frame height.</summary>
    public int Height { get; }

    /// <summary>Appends one frame of the stream's size.</summary>
    /// <param name="frame">The frame.</param>
    public void WriteFrame(I420Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Width != Width || frame.Height != Height)
        {
            throw new ArgumentException("Frame size differs from the Y4M stream's.", nameof(frame));
        }

        _stream.Write("FRAME\n"u8);
        _stream.Write(frame.Y);
        _stream.Write(frame.U);
        _stream.Write(frame.V);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stream.Flush();
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }
}
