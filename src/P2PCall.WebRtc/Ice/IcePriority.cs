using System.Globalization;
using System.Net;
using System.Text;
using P2PCall.WebRtc.Stun;

namespace P2PCall.WebRtc.Ice;

/// <summary>Candidate and pair priorities and foundations (RFC 8445 §5.1.2, §5.1.1.3, §6.1.2.3).</summary>
internal static class IcePriority
{
    /// <summary>RFC 8445 §5.1.2.2: recommended type preference for host candidates.</summary>
    public const int HostTypePreference = 126;

    /// <summary>RFC 8445 §5.1.2.2: recommended type preference for peer-reflexive candidates.</summary>
    public const int PeerReflexiveTypePreference = 110;

    /// <summary>RFC 8445 §5.1.2.2: recommended type preference for server-reflexive candidates.</summary>
    public const int ServerReflexiveTypePreference = 100;

    /// <summary>
    /// RFC 8445 §5.1.2.1: priority = 2^24 × type preference + 2^8 × local preference + (256 − component id).
    /// </summary>
    public static uint Candidate(int typePreference, int localPreference, int component) =>
        (uint)((typePreference << 24) + (localPreference << 8) + (256 - component));

    /// <summary>
    /// RFC 8445 §6.1.2.3: pair priority = 2^32 × MIN(G, D) + 2 × MAX(G, D) + (G &gt; D ? 1 : 0),
    /// G the controlling agent's candidate priority, D the controlled agent's.
    /// </summary>
    public static ulong Pair(uint controlling, uint controlled) =>
        ((ulong)Math.Min(controlling, controlled) << 32) + (2UL * Math.Max(controlling, controlled)) + (controlling > controlled ? 1UL : 0UL);

    /// <summary>
    /// RFC 8445 §5.1.1.3: candidates share a foundation when they have the same type, base IP address,
    /// STUN server and transport. Written as a decimal CRC-32, the way browsers write theirs.
    /// </summary>
    public static string Foundation(IceCandidateType type, IPAddress baseAddress, string? server)
    {
        string key = string.Create(CultureInfo.InvariantCulture, $"{IceCandidate.TypeName(type)}|{baseAddress}|{server}|udp");
        return StunCrc32.Compute(Encoding.UTF8.GetBytes(key)).ToString(CultureInfo.InvariantCulture);
    }
}
