namespace P2PCall.WebRtc.Media.Audio;

/// <summary>Reads the parts of an Opus packet's TOC byte the receiver needs (RFC 6716 §3.1).</summary>
internal static class OpusPacket
{
    /// <summary>
    /// True when the packet's first SILK frame carries LBRR (in-band FEC) data for the previous frame.
    /// CELT-only packets never do (RFC 6716 §2.1.7). Only code 0 and code 1 packets are inspected.
    /// </summary>
    public static bool HasInbandFec(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 2)
        {
            return false;
        }

        var toc = packet[0];
        var config = toc >> 3;
        var stereo = (toc & 0x04) != 0;
        var frameCountCode = toc & 0x03;
        if (config >= 16 || frameCountCode > 1)
        {
            return false; // RFC 6716 §3.1: configs 16–31 are CELT-only; codes 2 and 3 need length parsing
        }

        // RFC 6716 §3.1 Table 2: SILK-only configs 0–11 use 10/20/40/60 ms, hybrid 12–15 use 10/20 ms.
        var frameMs = config < 12 ? (config % 4) switch { 0 => 10, 1 => 20, 2 => 40, _ => 60 } : (config % 2 == 0 ? 10 : 20);
        var silkFrames = frameMs <= 20 ? 1 : frameMs / 20;

        // RFC 6716 §4.2.3: the first bits of the range coder are the VAD flags (one per SILK frame) then the
        // LBRR flag, each coded with probability 1/2, so they are the top bits of the first payload byte.
        var first = packet[1];
        var lbrr = ((first >> (7 - silkFrames)) & 1) != 0;
        if (stereo)
        {
            lbrr |= ((first >> (6 - (2 * silkFrames))) & 1) != 0;
        }

        return lbrr;
    }
}
