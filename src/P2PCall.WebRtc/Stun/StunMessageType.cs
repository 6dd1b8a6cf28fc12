namespace P2PCall.WebRtc.Stun;

/// <summary>The STUN message class (RFC 8489 §5): the two C bits of the message type.</summary>
internal enum StunClass : byte
{
    /// <summary>A request (C1 C0 = 0b00).</summary>
    Request = 0,

    /// <summary>An indication (0b01).</summary>
    Indication = 1,

    /// <summary>A success response (0b10).</summary>
    SuccessResponse = 2,

    /// <summary>An error response (0b11).</summary>
    ErrorResponse = 3,
}

/// <summary>STUN methods this stack uses (RFC 8489 §18.2).</summary>
internal enum StunMethod : ushort
{
    /// <summary>Binding (0x001), the only method ICE needs.</summary>
    Binding = 0x001,
}

/// <summary>
/// The 14-bit STUN message type: a 12-bit method with the 2 class bits interleaved
/// (RFC 8489 §5, figure 3: M11..M7 C1 M6..M4 C0 M3..M0).
/// </summary>
/// <param name="Value">The type as it appears on the wire.</param>
internal readonly record struct StunMessageType(ushort Value)
{
    /// <summary>Binding request (0x0001).</summary>
    public static StunMessageType BindingRequest => From(StunMethod.Binding, StunClass.Request);

    /// <summary>Binding success response (0x0101).</summary>
    public static StunMessageType BindingSuccess => From(StunMethod.Binding, StunClass.SuccessResponse);

    /// <summary>Binding error response (0x0111).</summary>
    public static StunMessageType BindingError => From(StunMethod.Binding, StunClass.ErrorResponse);

    /// <summary>Binding indication (0x0011), used for keepalives (RFC 8445 §11).</summary>
    public static StunMessageType BindingIndication => From(StunMethod.Binding, StunClass.Indication);

    /// <summary>The class bits.</summary>
    public StunClass Class => (StunClass)(((Value >> 4) & 0x1) | ((Value >> 7) & 0x2));

    /// <summary>The method bits.</summary>
    public StunMethod Method => (StunMethod)((Value & 0x000F) | ((Value >> 1) & 0x0070) | ((Value >> 2) & 0x0F80));

    /// <summary>Combines a method and a class (RFC 8489 §5).</summary>
    public static StunMessageType From(StunMethod method, StunClass @class)
    {
        int m = (int)method;
        int c = (int)@class;
        return new StunMessageType((ushort)((m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) | ((c & 1) << 4) | ((c & 2) << 7)));
    }
}
