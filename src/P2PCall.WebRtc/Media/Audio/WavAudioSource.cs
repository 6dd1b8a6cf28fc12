using System.Buffers.Binary;

namespace P2PCall.WebRtc.Media.Audio;

/// <summary>
/// Plays a 16-bit PCM WAV file (RIFF, mono or stereo, any rate from 8 to 192 kHz that is a multiple of 50;
/// the sender resamples to the codec's rate). Other formats fail at construction with <see cref="WavFormatException"/>.
/// </summary>
public sealed class WavAudioSource : IAudioSource, IDisposable
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly long _dataStart;
    private readonly long _dataLength;
    private readonly byte[] _bytes;
    private long _dataRead;
    private bool _ended;

    /// <summary>Opens a WAV file.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="loop">Start again at the end instead of ending.</param>
    public WavAudioSource(string path, bool loop = false)
        : this(File.OpenRead(path), loop, ownsStream: true)
    {
    }

    /// <summary>Reads WAV from a stream.</summary>
    /// <param name="stream">The stream, positioned at the RIFF header; looping needs it seekable.</param>
    /// <param name="loop">Start again at the end instead of ending.</param>
    /// <param name="ownsStream">Dispose the stream with this source.</param>
    public WavAudioSource(Stream stream, bool loop = false, bool ownsStream = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _ownsStream = ownsStream;
        try
        {
            (SampleRate, Channels, _dataLength) = WavFormat.ReadHeader(stream);
        }
        catch when (ownsStream)
        {
            stream.Dispose();
            throw;
        }

        Loop = loop && stream.CanSeek;
        _dataStart = stream.CanSeek ? stream.Position : 0;
        _bytes = new byte[AudioFormat.FrameSamples(SampleRate) * Channels * 2];
    }

    /// <inheritdoc />
    public int SampleRate { get; }

    /// <inheritdoc />
    public int Channels { get; }

    /// <summary>True when playback starts again at the end.</summary>
    public bool Loop { get; }

    /// <summary>The length of the audio.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((double)_dataLength / (SampleRate * Channels * 2));

    /// <inheritdoc />
    public AudioReadResult ReadFrame(Span<short> frame)
    {
        if (_ended)
        {
            return AudioReadResult.Ended;
        }

        var wanted = (int)Math.Min(_bytes.Length, _dataLength - _dataRead);
        var read = wanted <= 0 ? 0 : _stream.ReadAtLeast(_bytes.AsSpan(0, wanted), wanted, throwOnEndOfStream: false);
        read &= ~1;
        _dataRead += read;
        if (read == 0)
        {
            if (Loop && _dataLength > 0)
            {
                _stream.Position = _dataStart;
                _dataRead = 0;
                return ReadFrame(frame);
            }

            _ended = true;
            return AudioReadResult.Ended;
        }

        var samples = read / 2;
        for (var i = 0; i < samples; i++)
        {
            frame[i] = BinaryPrimitives.ReadInt16LittleEndian(_bytes.AsSpan(i * 2));
        }

        frame[samples..(_bytes.Length / 2)].Clear(); // a short last frame is padded with silence
        return AudioReadResult.Frame;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }
}
