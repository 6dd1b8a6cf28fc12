using System.Security.Cryptography;

namespace P2PCall.WebRtc.Ice;

/// <summary>ICE username fragment and password generation (RFC 8445 §5.3).</summary>
public static class IceCredentials
{
    // RFC 8839 §5.4: ice-char = ALPHA / DIGIT / "+" / "/".
    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>Length of generated ufrags: at least 4 ice-chars (24 bits of randomness, RFC 8445 §5.3).</summary>
    public const int UfragLength = 8;

    /// <summary>Length of generated passwords: at least 22 ice-chars (128 bits, RFC 8445 §5.3).</summary>
    public const int PasswordLength = 24;

    /// <summary>A new random ufrag from <see cref="RandomNumberGenerator"/>.</summary>
    public static string NewUfrag() => RandomNumberGenerator.GetString(IceChars, UfragLength);

    /// <summary>A new random password from <see cref="RandomNumberGenerator"/>.</summary>
    public static string NewPassword() => RandomNumberGenerator.GetString(IceChars, PasswordLength);

    /// <summary>Whether <paramref name="value"/> is made only of ice-chars and has <paramref name="minLength"/>-256 of them.</summary>
    /// <param name="value">The ufrag or password.</param>
    /// <param name="minLength">4 for a ufrag, 22 for a password.</param>
    public static bool IsValid(string? value, int minLength) =>
        value is not null && value.Length >= minLength && value.Length <= 256 && value.All(c => IceChars.Contains(c, StringComparison.Ordinal));
}
