namespace P2PCall.WebRtc.Stun;

/// <summary>STUN attribute type codes (RFC 8489 §18.3, RFC 8445 §16.1).</summary>
internal static class StunAttributeType
{
    /// <summary>MAPPED-ADDRESS (RFC 8489 §14.1).</summary>
    public const ushort MappedAddress = 0x0001;

    /// <summary>USERNAME (RFC 8489 §14.3).</summary>
    public const ushort Username = 0x0006;

    /// <summary>MESSAGE-INTEGRITY (RFC 8489 §14.5).</summary>
    public const ushort MessageIntegrity = 0x0008;

    /// <summary>ERROR-CODE (RFC 8489 §14.8).</summary>
    public const ushort ErrorCode = 0x0009;

    /// <summary>UNKNOWN-ATTRIBUTES (RFC 8489 §14.9).</summary>
    public const ushort UnknownAttributes = 0x000A;

    /// <summary>XOR-MAPPED-ADDRESS (RFC 8489 §14.2).</summary>
    public const ushort XorMappedAddress = 0x0020;

    /// <summary>PRIORITY (RFC 8445 §16.1).</summary>
    public const ushort Priority = 0x0024;

    /// <summary>USE-CANDIDATE (RFC 8445 §16.1).</summary>
    public const ushort UseCandidate = 0x0025;

    /// <summary>SOFTWARE (RFC 8489 §14.14).</summary>
    public const ushort Software = 0x8022;

    /// <summary>FINGERPRINT (RFC 8489 §14.7).</summary>
    public const ushort Fingerprint = 0x8028;

    /// <summary>ICE-CONTROLLED (RFC 8445 §16.1).</summary>
    public const ushort IceControlled = 0x8029;

    /// <summary>ICE-CONTROLLING (RFC 8445 §16.1).</summary>
    public const ushort IceControlling = 0x802A;

    /// <summary>RFC 8489 §14: types 0x0000-0x7FFF are comprehension-required.</summary>
    public static bool IsComprehensionRequired(ushort type) => type < 0x8000;

    /// <summary>Whether this stack understands (processes) a comprehension-required type.</summary>
    public static bool IsUnderstood(ushort type) => type switch
    {
        MappedAddress or Username or MessageIntegrity or ErrorCode or UnknownAttributes
            or XorMappedAddress or Priority or UseCandidate => true,
        _ => false,
    };
}

/// <summary>STUN error codes used by ICE (RFC 8489 §14.8, RFC 8445 §7.3.1.1).</summary>
internal static class StunErrorCode
{
    /// <summary>400 Bad Request.</summary>
    public const int BadRequest = 400;

    /// <summary>401 Unauthenticated.</summary>
    public const int Unauthenticated = 401;

    /// <summary>420 Unknown Attribute.</summary>
    public const int UnknownAttribute = 420;

    /// <summary>487 Role Conflict (RFC 8445 §7.3.1.1).</summary>
    public const int RoleConflict = 487;
}
