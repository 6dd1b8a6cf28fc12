namespace P2PCall.WebRtc.Media.Video;

/// <summary>
/// Draws a test picture: vertical colour bars that move one step per frame, and a 16-bit frame counter in a row of
/// large black/white blocks at the top that survives lossy coding and can be read back with <see cref="TryReadCounter"/>.
/// </summary>
public static class TestPattern
{
    private const int Bits = 16;

    /// <summary>Draws frame number <paramref name="counter"/>.</summary>
    /// <param name="width">Width in pixels (≥ 64).</param>
    /// <param name="height">Height in pixels (≥ 32).</param>
    /// <param name="counter">The frame number to embed (low 16 bits).</param>
    /// <param name="timestamp">The frame's timestamp.</param>
    /// <returns>A new frame.</returns>
    public static I420Frame Draw(int width, int height, int counter, TimeSpan timestamp = default)
    {
        var f = new I420Frame(width, height, timestamp);
        int block = BlockSize(width, height);
        int shift = counter * 4;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                byte luma;
                if (y < block && x < block * Bits)
                {
                    int bit = Bits - 1 - (x / block);
                    luma = ((counter >> bit) & 1) != 0 ? (byte)235 : (byte)16;
                }
                else
                {
                    luma = (byte)(40 + ((((x + shift) / 40) % 8) * 25));
                }

                f.Y[(y * f.StrideY) + x] = luma;
            }
        }

        for (int y = 0; y < f.ChromaHeight; y++)
        {
            for (int x = 0; x < f.StrideUV; x++)
            {
                int bar = (((2 * x) + shift) / 40) % 8;
                bool top = 2 * y < block;
                f.U[(y * f.StrideUV) + x] = top ? (byte)128 : (byte)(64 + (bar * 16));
                f.V[(y * f.StrideUV) + x] = top ? (byte)128 : (byte)(192 - (bar * 16));
            }
        }

        return f;
    }

    /// <summary>Reads back the counter drawn by <see cref="Draw"/> from a (possibly decoded) frame.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="counter">The counter (16 bits).</param>
    /// <returns>False when the frame is too small to hold the counter.</returns>
    public static bool TryReadCounter(I420Frame frame, out int counter)
    {
        ArgumentNullException.ThrowIfNull(frame);
        counter = 0;
        int block = BlockSize(frame.Width, frame.Height);
        if (block < 2)
        {
            return false;
        }

        for (int i = 0; i < Bits; i++)
        {
            int sum = 0, n = 0;
            for (int y = block / 4; y < block * 3 / 4; y++)
            {
                for (int x = (i * block) + (block / 4); x < (i * block) + (block * 3 / 4); x++)
                {
                    sum += frame.Y[(y * frame.StrideY) + x];
                    n++;
                }
            }

            counter = (counter << 1) | (sum / n > 128 ? 1 : 0);
        }

        return true;
    }

    private static int BlockSize(int width, int height) => Math.Min(width / Bits, Math.Max(height / 8, 2)) & ~1;
}
