using System.Globalization;

namespace P2PCall.Samples.Cli;

/// <summary>The sample's commands.</summary>
internal enum SampleCommand
{
    /// <summary>Caller and callee in this process over in-memory signaling.</summary>
    Demo,

    /// <summary>Register with a socket.io server and answer calls.</summary>
    Listen,

    /// <summary>Call a peer through a socket.io server.</summary>
    Call,

    /// <summary>Print the usage.</summary>
    Help,
}

/// <summary>The parsed command line (by hand: a command, then <c>--name value</c> or <c>--name=value</c> options and flags).</summary>
internal sealed record SampleArguments
{
    public const string Usage = """
        P2PCall sample console

        usage:
          demo                                   caller and callee in this process (in-memory signaling, loopback UDP)
          listen --server URL --user ID [--ask] [--once]
                                                 register with a socket.io signaling server and answer calls
          call   --server URL --user ID --peer ID
                                                 call a peer through the server, then hang up after --duration

        options:
          --duration S       seconds of connected call (default 10; listen: stop listening after S seconds, default: until Ctrl+C)
          --loopback-only    use only 127.0.0.1/::1 (the demo always does)
          --stun URL         a STUN/TURN server, e.g. stun:stun.example.org:3478 (repeatable)
          --audio-file WAV   send this 16-bit PCM WAV (looped) instead of the 440 Hz tone
          --video WxH[@FPS]  the test pattern's size and frame rate (default 640x480@30)
          --record-dir DIR   write what was received: <user>-received-audio.wav and <user>-received-video.y4m
          --json             no live view: print one JSON object at the end
          --ask              listen: ask before accepting each call (y/n on standard input)
          --once             listen: stop after the first call ends
          --verbose          log the SDK's debug output to standard error
          -h, --help         this text

        exit code: 0 when the call connected and media flowed both ways, 1 when not, 2 for bad arguments.
        """;

    public SampleCommand Command { get; init; }

    public Uri? Server { get; init; }

    public string? User { get; init; }

    public string? Peer { get; init; }

    public bool Ask { get; init; }

    public bool Once { get; init; }

    /// <summary>The --duration given, or null.</summary>
    public TimeSpan? Duration { get; init; }

    public bool LoopbackOnly { get; init; }

    public IReadOnlyList<string> Stun { get; init; } = [];

    public string? AudioFile { get; init; }

    /// <summary>The test pattern camera: width, height, frames per second.</summary>
    public (int Width, int Height, int FrameRate) Video { get; init; } = (640, 480, 30);

    public string? RecordDir { get; init; }

    public bool Json { get; init; }

    public bool Verbose { get; init; }

    /// <summary>The connected time of demo and call: --duration or 10 s.</summary>
    public TimeSpan CallDuration => Duration ?? TimeSpan.FromSeconds(10);

    /// <summary>Parses <paramref name="args"/>; on failure <paramref name="error"/> says what is wrong, in one line.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out SampleArguments result, out string? error)
    {
        result = new SampleArguments { Command = SampleCommand.Help };
        error = null;
        if (args.Count == 0 || args[0] is "-h" or "--help" or "help")
        {
            return true;
        }

        SampleCommand command;
        switch (args[0])
        {
            case "demo": command = SampleCommand.Demo; break;
            case "listen": command = SampleCommand.Listen; break;
            case "call": command = SampleCommand.Call; break;
            default:
                error = $"unknown command '{args[0]}' (expected demo, listen or call; --help for usage)";
                return false;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        var stun = new List<string>();
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                return true;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"unexpected argument '{arg}'";
                return false;
            }

            var name = arg;
            string? value = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                name = arg[..eq];
                value = arg[(eq + 1)..];
            }

            switch (name)
            {
                case "--loopback-only" or "--json" or "--ask" or "--once" or "--verbose":
                    if (value is not null)
                    {
                        error = $"{name} takes no value";
                        return false;
                    }

                    flags.Add(name);
                    continue;
                case "--server" or "--user" or "--peer" or "--duration" or "--stun" or "--audio-file" or "--record-dir" or "--video":
                    if (value is null)
                    {
                        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                        {
                            error = $"{name} needs a value";
                            return false;
                        }

                        value = args[++i];
                    }

                    if (name == "--stun")
                    {
                        stun.Add(value);
                    }
                    else if (!values.TryAdd(name, value))
                    {
                        error = $"{name} given twice";
                        return false;
                    }

                    continue;
                default:
                    error = $"unknown option '{name}' (--help for usage)";
                    return false;
            }
        }

        string? Get(string name) => values.GetValueOrDefault(name);
        var parsed = new SampleArguments
        {
            Command = command,
            User = Get("--user"),
            Peer = Get("--peer"),
            Ask = flags.Contains("--ask"),
            Once = flags.Contains("--once"),
            LoopbackOnly = flags.Contains("--loopback-only"),
            Json = flags.Contains("--json"),
            Verbose = flags.Contains("--verbose"),
            Stun = stun,
            AudioFile = Get("--audio-file"),
            RecordDir = Get("--record-dir"),
        };

        if (Get("--duration") is { } durationText)
        {
            if (!double.TryParse(durationText, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                || !double.IsFinite(seconds) || seconds <= 0 || seconds > 24 * 3600)
            {
                error = $"--duration must be a number of seconds greater than 0, was '{durationText}'";
                return false;
            }

            parsed = parsed with { Duration = TimeSpan.FromSeconds(seconds) };
        }

        if (Get("--video") is { } videoText)
        {
            if (ParseVideo(videoText) is not { } video)
            {
                error = $"--video must be WxH or WxH@FPS with even sizes from 16 to 1920 and 1 to 60 fps, was '{videoText}'";
                return false;
            }

            parsed = parsed with { Video = video };
        }

        if (Get("--server") is { } serverText)
        {
            if (!Uri.TryCreate(serverText, UriKind.Absolute, out var server) || server.Scheme is not ("http" or "https" or "ws" or "wss"))
            {
                error = $"--server must be an http, https, ws or wss URL, was '{serverText}'";
                return false;
            }

            parsed = parsed with { Server = server };
        }

        foreach (var url in stun)
        {
            var colon = url.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == url.Length - 1 || url[..colon].ToLowerInvariant() is not ("stun" or "stuns" or "turn" or "turns"))
            {
                error = $"--stun must be a stun:, stuns:, turn: or turns: URL, was '{url}'";
                return false;
            }
        }

        if (parsed.AudioFile is { } audio && !File.Exists(audio))
        {
            error = $"--audio-file '{audio}' does not exist";
            return false;
        }

        error = command switch
        {
            SampleCommand.Demo when parsed.Server is not null || parsed.User is not null || parsed.Peer is not null =>
                "demo runs both sides itself: it takes no --server, --user or --peer",
            SampleCommand.Demo or SampleCommand.Call when parsed.Ask || parsed.Once => "--ask and --once are options of listen",
            SampleCommand.Listen or SampleCommand.Call when parsed.Server is null => $"{args[0]} needs --server URL",
            SampleCommand.Listen or SampleCommand.Call when string.IsNullOrWhiteSpace(parsed.User) => $"{args[0]} needs --user ID",
            SampleCommand.Call when string.IsNullOrWhiteSpace(parsed.Peer) => "call needs --peer ID",
            SampleCommand.Listen when parsed.Peer is not null => "listen takes no --peer: it answers whoever calls",
            SampleCommand.Call when parsed.Peer == parsed.User => "--peer must differ from --user",
            _ => null,
        };
        if (error is not null)
        {
            return false;
        }

        result = parsed;
        return true;
    }

    private static (int, int, int)? ParseVideo(string text)
    {
        var at = text.Split('@');
        var size = at[0].Split('x');
        var fps = 30;
        if (at.Length > 2 || size.Length != 2
            || !int.TryParse(size[0], NumberStyles.None, CultureInfo.InvariantCulture, out var width)
            || !int.TryParse(size[1], NumberStyles.None, CultureInfo.InvariantCulture, out var height)
            || (at.Length == 2 && !int.TryParse(at[1], NumberStyles.None, CultureInfo.InvariantCulture, out fps)))
        {
            return null;
        }

        bool Even(int v) => v is >= 16 and <= 1920 && v % 2 == 0;
        return Even(width) && Even(height) && fps is >= 1 and <= 60 ? (width, height, fps) : null;
    }
}
