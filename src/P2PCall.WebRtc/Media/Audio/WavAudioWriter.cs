using System.Buffers.Binary;

namespace P2PCall.WebRtc.Media.Audio;

/// <summary>
/// Writes audio frames to a 16-bit PCM WAV file. The header's lengths are fixed when the writer is
/// disposed. Thread-safe.
/// </summary>
public sealed class WavAudioWriter : IAudioSink, IDisposable, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly long _start;
    private byte[] _scratch = new byte[3840];
    private long _dataLength;
    private bool _disposed;

    /// <summary>Creates (or overwrites) a WAV file.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="sampleRate">The sample rate of the frames.</param>
    /// <param name="channels">1 or 2.</param>
    public WavAudioWriter(string path, int sampleRate, int channels)
        : this(File.Create(path), sampleRate, channels, ownsStream: true)
    {
    }

    /// <summary>Writes WAV to a seekable stream.</summary>
    /// <param name="stream">A writable, seekable stream.</param>
    /// <param name="sampleRate">The sample rate of the frames.</param>
    /// <param name="channels">1 or 2.</param>
    /// <param name="ownsStream">Dispose the stream with the writer.</param>
    public WavAudioWriter(Stream stream, int sampleRate, int channels, bool ownsStream = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        AudioFormat.Validate(sampleRate, channels);
        if (!stream.CanWrite || !stream.CanSeek)
        {
            throw new ArgumentException("The stream must be writable and seekable (the header is fixed at the end).", nameof(stream));
        }

        _stream = stream;
        _ownsStream = ownsStream;
        SampleRate = sampleRate;
        Channels = channels;
        _start = stream.Position;
        Span<byte> header = stackalloc byte[WavFormat.HeaderLength];
        WavFormat.WriteHeader(header, sampleRate, channels, 0);
        stream.Write(header);
    }

    /// <summary>The sample rate.</summary>
    public int SampleRate { get; }

    /// <summary>The number of channels.</summary>
    public int Channels { get; }

    /// <summary>Sample bytes written so far.</summary>
    public long DataLength
    {
        get
        {
            lock (_gate)
            {
                return _dataLength;
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The frame's rate or channel count differs from the file's.</exception>
    public void Write(AudioFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.SampleRate != SampleRate || frame.Channels != Channels)
        {
            throw new ArgumentException($"The file is {SampleRate} Hz × {Channels}; the frame is {frame.SampleRate} Hz × {frame.Channels}.", nameof(frame));
        }

        Write(frame.Samples.Span);
    }

    /// <summary>Appends interleaved samples.</summary>
    /// <param name="samples">Samples in the file's format.</param>
    public void Write(ReadOnlySpan<short> samples)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_scratch.Length < samples.Length * 2)
            {
                _scratch = new byte[samples.Length * 2];
            }

            for (var i = 0; i < samples.Length; i++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(_scratch.AsSpan(i * 2), samples[i]);
            }

            _stream.Write(_scratch, 0, samples.Length * 2);
            _dataLength += samples.Length * 2;
        }
    }

    /// <summary>Fixes the header and closes the file.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            var end = _stream.Position;
            Span<byte> header = stackalloc byte[WavFormat.HeaderLength];
            WavFormat.WriteHeader(header, SampleRate, Channels, (uint)Math.Min(_dataLength, uint.MaxValue - 36));
            _stream.Position = _start;
            _stream.Write(header);
            _stream.Position = end;
            _stream.Flush();
            if (_ownsStream)
            {
                _stream.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
