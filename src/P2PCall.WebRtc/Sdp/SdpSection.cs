namespace P2PCall.WebRtc.Sdp;

/// <summary>
/// What session and media descriptions share: the ordered <see cref="Attributes"/> list and typed views
/// of the attributes allowed at both levels. Every typed property reads from and writes to
/// <see cref="Attributes"/>, so attribute order and unknown attributes are kept. A typed getter skips
/// malformed lines (they stay in <see cref="Attributes"/>), so it never throws on received input.
/// </summary>
public abstract class SdpSection
{
    private static readonly string[] DirectionNames = ["sendrecv", "sendonly", "recvonly", "inactive"];

    /// <summary>Creates an empty section.</summary>
    private protected SdpSection()
    {
    }

    /// <summary>Every <c>a=</c> line of this section, in order.</summary>
    public SdpAttributeList Attributes { get; } = new();

    /// <summary><c>a=ice-ufrag</c> (RFC 8839 §5.4); null when absent. Setting null removes it.</summary>
    public string? IceUfrag
    {
        get => Attributes.GetValue("ice-ufrag");
        set => SetOrRemove("ice-ufrag", value);
    }

    /// <summary><c>a=ice-pwd</c> (RFC 8839 §5.4); null when absent. Setting null removes it.</summary>
    public string? IcePwd
    {
        get => Attributes.GetValue("ice-pwd");
        set => SetOrRemove("ice-pwd", value);
    }

    /// <summary>
    /// The tokens of <c>a=ice-options</c> (RFC 8839 §5.6), for example <c>trickle</c>; empty when absent.
    /// Setting an empty list removes the attribute.
    /// </summary>
    public IReadOnlyList<string> IceOptions
    {
        get => Attributes.GetValues("ice-options").SelectMany(SdpText.SplitValue).ToArray();
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            SetOrRemove("ice-options", value.Count == 0 ? null : string.Join(' ', value));
        }
    }

    /// <summary>True when <c>a=ice-options</c> lists <c>trickle</c> (RFC 8838 §4.1.1).</summary>
    public bool SupportsTrickle => IceOptions.Contains("trickle", StringComparer.Ordinal);

    /// <summary>Every well-formed <c>a=fingerprint</c> (RFC 8122 §5), in order.</summary>
    public IReadOnlyList<SdpFingerprint> Fingerprints => Attributes.GetAll<SdpFingerprint>();

    /// <summary>The first well-formed <c>a=fingerprint</c>, or null. Setting replaces all fingerprints (null removes them).</summary>
    public SdpFingerprint? Fingerprint
    {
        get => Attributes.GetFirst<SdpFingerprint>();
        set => SetOrRemove(SdpFingerprint.AttributeName, value?.FormatValue());
    }

    /// <summary><c>a=setup</c> (RFC 4145 §4, RFC 8842 §5); null when absent or unknown. Setting null removes it.</summary>
    public SdpSetupRole? Setup
    {
        get => SdpEnumText.TryParseSetupRole(Attributes.GetValue("setup"), out SdpSetupRole r) ? r : null;
        set => SetOrRemove("setup", value?.ToSdp());
    }

    /// <summary>
    /// The direction attribute (RFC 8866 §6.7); <see cref="SdpDirection.SendRecv"/> when none is written.
    /// Setting replaces any direction attribute in place (or appends one).
    /// </summary>
    public SdpDirection Direction
    {
        get => DirectionOrNull ?? SdpDirection.SendRecv;
        set
        {
            int index = -1;
            for (int i = Attributes.Count - 1; i >= 0; i--)
            {
                if (Attributes[i].Value is null && DirectionNames.Contains(Attributes[i].Name))
                {
                    Attributes.RemoveAt(i);
                    index = i;
                }
            }

            var attribute = new SdpAttribute(value.ToSdp());
            if (index >= 0)
            {
                Attributes.Insert(index, attribute);
            }
            else
            {
                Attributes.Add(attribute);
            }
        }
    }

    /// <summary>True when a direction attribute is written in this section.</summary>
    public bool HasDirection => DirectionOrNull is not null;

    /// <summary>Every well-formed <c>a=extmap</c> (RFC 8285 §8), in order.</summary>
    public IReadOnlyList<SdpExtmap> Extmaps => Attributes.GetAll<SdpExtmap>();

    /// <summary><c>a=extmap-allow-mixed</c> (RFC 8285 §6): one- and two-byte header extensions may be mixed.</summary>
    public bool ExtmapAllowMixed
    {
        get => Attributes.Contains("extmap-allow-mixed");
        set => SetFlag("extmap-allow-mixed", value);
    }

    private SdpDirection? DirectionOrNull
    {
        get
        {
            foreach (SdpAttribute a in Attributes)
            {
                if (a.Value is null && SdpEnumText.TryParseDirection(a.Name, out SdpDirection d))
                {
                    return d;
                }
            }

            return null;
        }
    }

    /// <summary>Sets a single-valued attribute in place, or removes it when <paramref name="value"/> is null.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The value, or null to remove.</param>
    private protected void SetOrRemove(string name, string? value)
    {
        if (value is null)
        {
            Attributes.RemoveAll(name);
        }
        else
        {
            Attributes.Set(name, value);
        }
    }

    /// <summary>Adds (once) or removes a property attribute.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="present">Whether it should be present.</param>
    private protected void SetFlag(string name, bool present)
    {
        if (present)
        {
            Attributes.Set(name);
        }
        else
        {
            Attributes.RemoveAll(name);
        }
    }
}
