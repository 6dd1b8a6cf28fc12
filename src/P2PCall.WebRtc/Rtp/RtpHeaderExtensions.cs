using System.Text;

namespace P2PCall.WebRtc.Rtp;

/// <summary>RFC 8285 constants and helpers for the extensions WebRTC negotiates first.</summary>
internal static class RtpHeaderExtensions
{
    /// <summary>The one-byte form's profile value (RFC 8285 §4.2).</summary>
    public const ushort OneByteProfile = 0xBEDE;

    /// <summary>The two-byte form's profile value with app bits 0 (RFC 8285 §4.3: <c>0x100X</c>).</summary>
    public const ushort TwoByteProfile = 0x1000;

    /// <summary>The highest id the one-byte form can carry (15 is reserved; RFC 8285 §4.2).</summary>
    public const int MaxOneByteId = 14;

    /// <summary>The longest element the one-byte form can carry (RFC 8285 §4.2).</summary>
    public const int MaxOneByteLength = 16;

    /// <summary>The longest element the two-byte form can carry (RFC 8285 §4.3).</summary>
    public const int MaxTwoByteLength = 255;

    /// <summary>The extmap URI of the media identification extension (RFC 8843 §15).</summary>
    public const string SdesMidUri = "urn:ietf:params:rtp-hdrext:sdes:mid";

    /// <summary>The extmap URI of the client-to-mixer audio level extension (RFC 6464 §4).</summary>
    public const string SsrcAudioLevelUri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

    /// <summary>Classifies an extension profile value.</summary>
    /// <param name="profile">The 16-bit "defined by profile" field.</param>
    /// <returns>The layout it announces.</returns>
    public static RtpHeaderExtensionForm GetForm(ushort profile) => profile switch
    {
        OneByteProfile => RtpHeaderExtensionForm.OneByte,
        _ when (profile & 0xFFF0) == TwoByteProfile => RtpHeaderExtensionForm.TwoByte,
        _ => RtpHeaderExtensionForm.Other,
    };

    /// <summary>Reads a MID value (RFC 8843 §15: the SDES MID item's text, without terminator).</summary>
    /// <param name="data">The element data.</param>
    /// <param name="mid">The MID as a string (this allocates; compare <paramref name="data"/> directly on hot paths).</param>
    /// <returns><see langword="false"/> for an empty value or one that is not valid UTF-8.</returns>
    public static bool TryReadMid(ReadOnlySpan<byte> data, out string mid)
    {
        mid = string.Empty;
        if (data.IsEmpty || !System.Text.Unicode.Utf8.IsValid(data))
        {
            return false;
        }

        mid = Encoding.UTF8.GetString(data);
        return true;
    }

    /// <summary>Writes a MID value as UTF-8 bytes.</summary>
    /// <param name="mid">The MID, 1–255 bytes of UTF-8 (RFC 8843 §15 uses the SDES item length limit).</param>
    /// <param name="destination">Where to write.</param>
    /// <param name="written">The bytes written.</param>
    /// <returns><see langword="false"/> when the MID is empty, too long or does not fit.</returns>
    public static bool TryWriteMid(string mid, Span<byte> destination, out int written)
    {
        ArgumentNullException.ThrowIfNull(mid);
        written = 0;
        int length = Encoding.UTF8.GetByteCount(mid);
        if (length is 0 or > MaxTwoByteLength || length > destination.Length)
        {
            return false;
        }

        written = Encoding.UTF8.GetBytes(mid, destination);
        return true;
    }

    /// <summary>Reads an RFC 6464 audio level element.</summary>
    /// <param name="data">The element data; the first byte is V (1 bit) and level (7 bits).</param>
    /// <param name="voiceActivity">The V flag: the encoder believes the audio contains speech.</param>
    /// <param name="levelDbov">The level in −dBov, 0 (loudest) to 127 (silence).</param>
    /// <returns><see langword="false"/> for an empty element.</returns>
    public static bool TryReadAudioLevel(ReadOnlySpan<byte> data, out bool voiceActivity, out byte levelDbov)
    {
        // RFC 6464 §3: one byte, V in the top bit, level in the low 7 bits; receivers ignore extra bytes.
        if (data.IsEmpty)
        {
            voiceActivity = false;
            levelDbov = 0;
            return false;
        }

        voiceActivity = (data[0] & 0x80) != 0;
        levelDbov = (byte)(data[0] & 0x7F);
        return true;
    }

    /// <summary>Encodes an RFC 6464 audio level byte.</summary>
    /// <param name="voiceActivity">The V flag.</param>
    /// <param name="levelDbov">The level in −dBov, 0–127.</param>
    /// <returns>The one-byte element value.</returns>
    public static byte EncodeAudioLevel(bool voiceActivity, byte levelDbov)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(levelDbov, (byte)127);
        return (byte)((voiceActivity ? 0x80 : 0) | levelDbov);
    }
}
