namespace P2PCall.WebRtc.Sdp;

/// <summary>Why a session description could not be parsed: the line, its text and the rule it broke.</summary>
/// <param name="LineNumber">The offending line, counted from one.</param>
/// <param name="Line">The offending line's text without its line break (empty when the text ended early).</param>
/// <param name="Reason">What is wrong with it.</param>
public sealed record SdpParseError(int LineNumber, string Line, string Reason)
{
    /// <summary>A one-line description: line number, reason and line text.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"SDP line {LineNumber}: {Reason} (\"{Line}\")";
}

/// <summary>The text given to <see cref="SessionDescription.Parse(string)"/> is not a valid session description (RFC 8866).</summary>
public sealed class SdpParseException : FormatException
{
    /// <summary>Creates the exception for a parse error.</summary>
    /// <param name="error">What went wrong and where.</param>
    public SdpParseException(SdpParseError error)
        : base((error ?? throw new ArgumentNullException(nameof(error))).ToString())
    {
        Error = error;
    }

    /// <summary>Creates the exception with a message only (line 0, no line text).</summary>
    public SdpParseException()
        : this(new SdpParseError(0, string.Empty, "invalid session description"))
    {
    }

    /// <summary>Creates the exception with a message only (line 0, no line text).</summary>
    /// <param name="message">The reason.</param>
    public SdpParseException(string message)
        : this(new SdpParseError(0, string.Empty, message))
    {
    }

    /// <summary>Creates the exception with a message and a cause (line 0, no line text).</summary>
    /// <param name="message">The reason.</param>
    /// <param name="innerException">The cause.</param>
    public SdpParseException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = new SdpParseError(0, string.Empty, message);
    }

    /// <summary>The structured error.</summary>
    public SdpParseError Error { get; }

    /// <summary>The offending line, counted from one.</summary>
    public int LineNumber => Error.LineNumber;

    /// <summary>The offending line's text.</summary>
    public string Line => Error.Line;

    /// <summary>What is wrong with the line.</summary>
    public string Reason => Error.Reason;
}
