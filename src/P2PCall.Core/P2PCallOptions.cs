using Microsoft.Extensions.Options;
using P2PCall.WebRtc;

namespace P2PCall.Core;

/// <summary>Options of P2PCall's sessions (bound with <c>services.AddP2PCall(o => …)</c>).</summary>
public sealed class P2PCallOptions
{
    /// <summary>How long a call may ring before it ends with <see cref="Calls.CallEndReason.NoAnswer"/>. Default 30 s.</summary>
    public TimeSpan RingTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an accepted call may take to connect (offer/answer, ICE, DTLS) before it ends with
    /// <see cref="Calls.CallEndReason.ConnectionFailed"/>. Default 30 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>STUN/TURN server URLs, for example <c>stun:stun.example.org:3478</c>.</summary>
    public IList<string> IceServers { get; } = new List<string>();

    /// <summary>Gather ICE candidates on loopback interfaces only (tests and single-machine demos).</summary>
    public bool LoopbackOnly { get; set; }

    /// <summary>Send local audio (the seed asks for <c>audio: true</c>). Default true.</summary>
    public bool Audio { get; set; } = true;

    /// <summary>Send local video (the seed asks for <c>video: true</c>). Default true.</summary>
    public bool Video { get; set; } = true;

    /// <summary>The label of the data channel each side opens. Default <c>chat</c>, as in the seed.</summary>
    public string ChatChannelLabel { get; set; } = "chat";

    /// <summary>
    /// When the host starts, run one in-process loopback call in the background so the first real call does not pay
    /// the JIT (~300 ms on a cold process, ~15 ms warm). Default true; only loopback addresses are used.
    /// </summary>
    public bool WarmUpOnStart { get; set; } = true;

    /// <summary>How many remote candidates are kept while the remote description is not yet applied. Default 256.</summary>
    public int MaxPendingCandidates { get; set; } = 256;

    internal RTCConfiguration ToRtcConfiguration()
    {
        var config = new RTCConfiguration { LoopbackOnly = LoopbackOnly };
        if (IceServers.Count > 0)
        {
            config.IceServers.Add(new RTCIceServer { Urls = IceServers.ToList() });
        }

        return config;
    }
}

/// <summary>Validates <see cref="P2PCallOptions"/> when the host starts.</summary>
internal sealed class P2PCallOptionsValidator : IValidateOptions<P2PCallOptions>
{
    private static readonly string[] Schemes = ["stun:", "stuns:", "turn:", "turns:"];

    public ValidateOptionsResult Validate(string? name, P2PCallOptions options)
    {
        var errors = new List<string>();
        if (options.RingTimeout <= TimeSpan.Zero || options.RingTimeout > TimeSpan.FromHours(1))
        {
            errors.Add($"RingTimeout must be between 0 and 1 hour, was {options.RingTimeout}.");
        }

        if (options.ConnectTimeout <= TimeSpan.Zero || options.ConnectTimeout > TimeSpan.FromHours(1))
        {
            errors.Add($"ConnectTimeout must be between 0 and 1 hour, was {options.ConnectTimeout}.");
        }

        foreach (var url in options.IceServers)
        {
            if (string.IsNullOrWhiteSpace(url) || !Schemes.Any(s => url.StartsWith(s, StringComparison.OrdinalIgnoreCase)) || url.IndexOf(':', StringComparison.Ordinal) == url.Length - 1)
            {
                errors.Add($"IceServers entry '{url}' is not a stun:, stuns:, turn: or turns: URL (RFC 7064, RFC 7065).");
            }
        }

        if (string.IsNullOrEmpty(options.ChatChannelLabel) || System.Text.Encoding.UTF8.GetByteCount(options.ChatChannelLabel) > ushort.MaxValue)
        {
            errors.Add("ChatChannelLabel must be a non-empty label of at most 65535 UTF-8 bytes (RFC 8832 §5.1).");
        }

        if (options.MaxPendingCandidates < 1)
        {
            errors.Add("MaxPendingCandidates must be at least 1.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
