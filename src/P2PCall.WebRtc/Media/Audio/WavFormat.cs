using System.Buffers.Binary;

namespace P2PCall.WebRtc.Media.Audio;

/// <summary>A WAV file is not 16-bit PCM RIFF/WAVE, or is damaged.</summary>
public sealed class WavFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, and where.</param>
    public WavFormatException(string message)
        : base(message)
    {
    }
}

/// <summary>Reads and writes the RIFF/WAVE headers of 16-bit PCM files.</summary>
internal static class WavFormat
{
    public const int HeaderLength = 44;
    private const ushort FormatPcm = 1;
    private const ushort FormatExtensible = 0xFFFE;

    /// <summary>Reads chunks up to the start of the <c>data</c> chunk; the stream is left at the first sample.</summary>
    public static (int SampleRate, int Channels, long DataLength) ReadHeader(Stream stream)
    {
        Span<byte> header = stackalloc byte[12];
        ReadExactly(stream, header, "RIFF header");
        if (!header[..4].SequenceEqual("RIFF"u8) || !header[8..12].SequenceEqual("WAVE"u8))
        {
            throw new WavFormatException("Not a RIFF/WAVE file (missing 'RIFF' or 'WAVE' at offset 0 or 8).");
        }

        int? sampleRate = null;
        int channels = 0;
        Span<byte> chunk = stackalloc byte[8];
        Span<byte> fmt = stackalloc byte[40];
        for (var chunks = 0; chunks < 64; chunks++)
        {
            var offset = stream.CanSeek ? stream.Position : -1;
            ReadExactly(stream, chunk, "chunk header");
            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            if (chunk[..4].SequenceEqual("fmt "u8))
            {
                if (size < 16 || size > fmt.Length)
                {
                    throw new WavFormatException($"The 'fmt ' chunk at offset {offset} has length {size}; expected 16 to 40.");
                }

                ReadExactly(stream, fmt[..(int)size], "'fmt ' chunk");
                Skip(stream, size & 1);
                var tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
                var rate = BinaryPrimitives.ReadInt32LittleEndian(fmt[4..]);
                var bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
                if (tag == FormatExtensible && size >= 40)
                {
                    tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]); // the sub-format GUID starts with the format tag
                }

                if (tag != FormatPcm || bits != 16)
                {
                    throw new WavFormatException($"Only 16-bit PCM WAV is supported; this file has format tag {tag} with {bits} bits per sample.");
                }

                if (channels is not (1 or 2))
                {
                    throw new WavFormatException($"Only mono and stereo WAV are supported; this file has {channels} channels.");
                }

                if (rate < 8000 || rate > 192_000 || rate % 50 != 0)
                {
                    throw new WavFormatException($"The sample rate {rate} Hz is not supported (8000–192000 Hz, a multiple of 50).");
                }

                sampleRate = rate;
            }
            else if (chunk[..4].SequenceEqual("data"u8))
            {
                if (sampleRate is null)
                {
                    throw new WavFormatException("The 'data' chunk comes before the 'fmt ' chunk.");
                }

                return (sampleRate.Value, channels, size);
            }
            else
            {
                Skip(stream, size + (size & 1)); // RIFF chunks are padded to an even length
            }
        }

        throw new WavFormatException("No 'data' chunk within the first 64 chunks.");
    }

    /// <summary>Writes a 44-byte header for <paramref name="dataLength"/> bytes of samples.</summary>
    public static void WriteHeader(Span<byte> header, int sampleRate, int channels, uint dataLength)
    {
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], 36 + dataLength);
        "WAVE"u8.CopyTo(header[8..]);
        "fmt "u8.CopyTo(header[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header[20..], FormatPcm);
        BinaryPrimitives.WriteUInt16LittleEndian(header[22..], (ushort)channels);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], sampleRate * channels * 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], (ushort)(channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(header[34..], 16);
        "data"u8.CopyTo(header[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], dataLength);
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string what)
    {
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read < buffer.Length)
        {
            throw new WavFormatException($"The file ends inside the {what}: needed {buffer.Length} bytes, found {read}.");
        }
    }

    private static void Skip(Stream stream, long count)
    {
        if (count == 0)
        {
            return;
        }

        if (stream.CanSeek)
        {
            stream.Seek(count, SeekOrigin.Current);
            return;
        }

        Span<byte> scratch = stackalloc byte[256];
        while (count > 0)
        {
            var read = stream.Read(scratch[..(int)Math.Min(count, scratch.Length)]);
            if (read == 0)
            {
                throw new WavFormatException("The file ends inside a chunk.");
            }

            count -= read;
        }
    }
}
