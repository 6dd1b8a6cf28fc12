namespace P2PCall.WebRtc.Media.Audio;

/// <summary>Reads parameters from an SDP <c>a=fmtp</c> value such as <c>minptime=10;useinbandfec=1</c> (RFC 7587 §6.1).</summary>
internal static class AudioFmtp
{
    /// <summary>Returns the value of <paramref name="name"/>, or null when absent.</summary>
    public static string? Get(string? fmtp, string name)
    {
        if (string.IsNullOrEmpty(fmtp))
        {
            return null;
        }

        foreach (var part in fmtp.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            var key = eq < 0 ? part : part[..eq].Trim();
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return eq < 0 ? string.Empty : part[(eq + 1)..].Trim();
            }
        }

        return null;
    }

    /// <summary>True when the parameter is present and equals 1 (RFC 7587 §6.1 boolean parameters).</summary>
    public static bool IsOne(string? fmtp, string name) => Get(fmtp, name) == "1";
}
