namespace P2PCall.WebRtc.Sdp;

/// <summary>The media direction attribute (RFC 8866 §6.7; RFC 3264 §5.1). Absent means <see cref="SendRecv"/>.</summary>
public enum SdpDirection
{
    /// <summary><c>a=sendrecv</c>: send and receive (the default).</summary>
    SendRecv,

    /// <summary><c>a=sendonly</c>: send only.</summary>
    SendOnly,

    /// <summary><c>a=recvonly</c>: receive only.</summary>
    RecvOnly,

    /// <summary><c>a=inactive</c>: neither.</summary>
    Inactive,
}

/// <summary>The DTLS role attribute <c>a=setup</c> (RFC 4145 §4; RFC 8842 §5).</summary>
public enum SdpSetupRole
{
    /// <summary><c>actpass</c>: either role; an offer always says this (RFC 8842 §5.2).</summary>
    ActPass,

    /// <summary><c>active</c>: this side is the DTLS client.</summary>
    Active,

    /// <summary><c>passive</c>: this side is the DTLS server.</summary>
    Passive,

    /// <summary><c>holdconn</c>: no connection for now.</summary>
    HoldConn,
}

/// <summary>Text forms of the SDP enums.</summary>
public static class SdpEnumText
{
    /// <summary>The attribute name of a direction: <c>sendrecv</c>, <c>sendonly</c>, <c>recvonly</c> or <c>inactive</c>.</summary>
    /// <param name="direction">The direction.</param>
    /// <returns>The name.</returns>
    public static string ToSdp(this SdpDirection direction) => direction switch
    {
        SdpDirection.SendOnly => "sendonly",
        SdpDirection.RecvOnly => "recvonly",
        SdpDirection.Inactive => "inactive",
        _ => "sendrecv",
    };

    /// <summary>The value of a setup role: <c>actpass</c>, <c>active</c>, <c>passive</c> or <c>holdconn</c>.</summary>
    /// <param name="role">The role.</param>
    /// <returns>The value.</returns>
    public static string ToSdp(this SdpSetupRole role) => role switch
    {
        SdpSetupRole.Active => "active",
        SdpSetupRole.Passive => "passive",
        SdpSetupRole.HoldConn => "holdconn",
        _ => "actpass",
    };

    /// <summary>Reads a direction name (case-sensitive, as RFC 8866 §6.7 writes them).</summary>
    /// <param name="text">The text.</param>
    /// <param name="direction">The direction.</param>
    /// <returns>False when the text is no direction.</returns>
    public static bool TryParseDirection(string? text, out SdpDirection direction)
    {
        switch (text)
        {
            case "sendrecv": direction = SdpDirection.SendRecv; return true;
            case "sendonly": direction = SdpDirection.SendOnly; return true;
            case "recvonly": direction = SdpDirection.RecvOnly; return true;
            case "inactive": direction = SdpDirection.Inactive; return true;
            default: direction = SdpDirection.SendRecv; return false;
        }
    }

    /// <summary>Reads a setup role.</summary>
    /// <param name="text">The text.</param>
    /// <param name="role">The role.</param>
    /// <returns>False when the text is no role.</returns>
    public static bool TryParseSetupRole(string? text, out SdpSetupRole role)
    {
        switch (text)
        {
            case "actpass": role = SdpSetupRole.ActPass; return true;
            case "active": role = SdpSetupRole.Active; return true;
            case "passive": role = SdpSetupRole.Passive; return true;
            case "holdconn": role = SdpSetupRole.HoldConn; return true;
            default: role = SdpSetupRole.ActPass; return false;
        }
    }

    /// <summary>The reverse direction an answerer uses (RFC 3264 §6.1): sendonly ↔ recvonly.</summary>
    /// <param name="direction">The offered direction.</param>
    /// <returns>The reversed direction.</returns>
    public static SdpDirection Reverse(this SdpDirection direction) => direction switch
    {
        SdpDirection.SendOnly => SdpDirection.RecvOnly,
        SdpDirection.RecvOnly => SdpDirection.SendOnly,
        _ => direction,
    };
}
