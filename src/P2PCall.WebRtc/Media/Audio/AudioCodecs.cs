using System.Diagnostics;
using P2PCall.WebRtc.Media.Audio.Opus.Native;

namespace P2PCall.WebRtc.Media.Audio;

/// <summary>Which Opus implementation the codec factory (<see cref="AudioCodecs"/>) creates.</summary>
public enum OpusImplementation
{
    /// <summary>
    /// Native libopus when <c>libopus.so.0</c> loads (<see cref="OpusLibrary.IsAvailable"/>), otherwise the managed
    /// Concentus codec (the fallback is traced once per process). Where an option says <c>Auto</c>, the process-wide
    /// <see cref="AudioCodecs.DefaultOpusImplementation"/> decides.
    /// </summary>
    Auto = 0,

    /// <summary>Always libopus (<see cref="NativeOpusAudioEncoder"/>, <see cref="NativeOpusAudioDecoder"/>); creating a codec throws <see cref="OpusLibraryUnavailableException"/> when it is missing.</summary>
    Native,

    /// <summary>Always the managed Concentus codec (<see cref="OpusAudioEncoder"/>, <see cref="OpusAudioDecoder"/>).</summary>
    Managed,
}

/// <summary>Settings for the encoder a sender picks from the negotiated codecs.</summary>
public sealed class AudioEncoderOptions
{
    /// <summary>Opus bitrate in bit/s. Default 32,000.</summary>
    public int OpusBitrate { get; init; } = 32_000;

    /// <summary>Send stereo Opus; null follows the remote's <c>stereo=1</c> (RFC 7587 §6.1). Default null.</summary>
    public bool? OpusStereo { get; init; }

    /// <summary>Add Opus in-band FEC; null follows the remote's <c>useinbandfec=1</c> (RFC 7587 §6.1). Default null.</summary>
    public bool? OpusInbandFec { get; init; }

    /// <summary>Opus complexity 0–10. Default 5.</summary>
    public int OpusComplexity { get; init; } = 5;

    /// <summary>Native libopus or managed Concentus. Default <see cref="OpusImplementation.Auto"/> (follows <see cref="AudioCodecs.DefaultOpusImplementation"/>).</summary>
    public OpusImplementation OpusImplementation { get; init; }
}

/// <summary>Settings for the decoders a receiver creates.</summary>
public sealed class AudioDecoderOptions
{
    /// <summary>Opus output channels; null decodes stereo when the remote announces <c>sprop-stereo=1</c>, else mono.</summary>
    public int? OpusChannels { get; init; }

    /// <summary>Rebuild lost Opus frames from the next packet's in-band FEC when available. Default true.</summary>
    public bool OpusUseInbandFec { get; init; } = true;

    /// <summary>Native libopus or managed Concentus. Default <see cref="OpusImplementation.Auto"/> (follows <see cref="AudioCodecs.DefaultOpusImplementation"/>).</summary>
    public OpusImplementation OpusImplementation { get; init; }
}

/// <summary>Chooses and creates audio codecs from negotiated <see cref="RTCRtpCodecParameters"/>.</summary>
public static class AudioCodecs
{
    private static int s_fallbackTraced;

    /// <summary>
    /// The Opus implementation used where the encoder or decoder options say <see cref="OpusImplementation.Auto"/>,
    /// for example for the senders <see cref="RTCPeerConnection.AddTrack"/> starts. Default
    /// <see cref="OpusImplementation.Auto"/>: libopus when it loads, else Concentus. Set it before calls start.
    /// </summary>
    public static OpusImplementation DefaultOpusImplementation { get; set; }

    /// <summary>
    /// The encoder settings of senders created without options, for example those <see cref="RTCPeerConnection.AddTrack"/>
    /// starts. Lower <see cref="AudioEncoderOptions.OpusComplexity"/> here to trade quality for calls per core (Opus
    /// encoding is most of a call's CPU; see docs/benchmarks.md). Set it before calls start.
    /// </summary>
    public static AudioEncoderOptions DefaultEncoderOptions
    {
        get => s_defaultEncoderOptions;
        set => s_defaultEncoderOptions = value ?? throw new ArgumentNullException(nameof(value));
    }

    private static AudioEncoderOptions s_defaultEncoderOptions = new();

    /// <summary>The codecs offered by default when none were negotiated: Opus (111), PCMU (0), PCMA (8).</summary>
    public static IReadOnlyList<RTCRtpCodecParameters> Defaults { get; } =
    [
        new(111, "audio/opus", 48_000, 2, "minptime=10;useinbandfec=1"),
        new(0, "audio/PCMU", 8000, 1, null),
        new(8, "audio/PCMA", 8000, 1, null),
    ];

    /// <summary>True for Opus, PCMU and PCMA.</summary>
    /// <param name="codec">A negotiated codec.</param>
    public static bool IsSupported(RTCRtpCodecParameters codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        return Name(codec) switch
        {
            "opus" => codec.ClockRate == 48_000, // RFC 7587 §7: always opus/48000/2
            "pcmu" or "pcma" => codec.ClockRate == 8000,
            _ => false,
        };
    }

    /// <summary>The first supported codec of the list (the remote's order of preference), or null.</summary>
    /// <param name="codecs">The negotiated codecs.</param>
    public static RTCRtpCodecParameters? Select(IReadOnlyList<RTCRtpCodecParameters> codecs)
    {
        ArgumentNullException.ThrowIfNull(codecs);
        return codecs.FirstOrDefault(IsSupported);
    }

    /// <summary>Creates an encoder sending with the codec's negotiated payload type.</summary>
    /// <param name="codec">A supported codec.</param>
    /// <param name="options">Encoder settings; defaults when null.</param>
    /// <exception cref="NotSupportedException">The codec is not Opus, PCMU or PCMA.</exception>
    public static IAudioEncoder CreateEncoder(RTCRtpCodecParameters codec, AudioEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(codec);
        options ??= new AudioEncoderOptions();
        return Name(codec) switch
        {
            "opus" when IsSupported(codec) => CreateOpusEncoder(codec, options),
            "pcmu" when IsSupported(codec) => new G711Encoder(G711Law.MuLaw, codec.PayloadType),
            "pcma" when IsSupported(codec) => new G711Encoder(G711Law.ALaw, codec.PayloadType),
            _ => throw new NotSupportedException($"No audio encoder for {codec.MimeType}/{codec.ClockRate}."),
        };
    }

    /// <summary>Creates a decoder for the codec.</summary>
    /// <param name="codec">A supported codec.</param>
    /// <param name="options">Decoder settings; defaults when null.</param>
    /// <exception cref="NotSupportedException">The codec is not Opus, PCMU or PCMA.</exception>
    public static IAudioDecoder CreateDecoder(RTCRtpCodecParameters codec, AudioDecoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(codec);
        options ??= new AudioDecoderOptions();
        return Name(codec) switch
        {
            "opus" when IsSupported(codec) => CreateOpusDecoder(codec, options),
            "pcmu" when IsSupported(codec) => new G711Decoder(G711Law.MuLaw),
            "pcma" when IsSupported(codec) => new G711Decoder(G711Law.ALaw),
            _ => throw new NotSupportedException($"No audio decoder for {codec.MimeType}/{codec.ClockRate}."),
        };
    }

    /// <summary>True when an Opus codec made with <paramref name="requested"/> is libopus (see <see cref="OpusImplementation"/>).</summary>
    /// <param name="requested">The implementation the options ask for.</param>
    public static bool UsesNativeOpus(OpusImplementation requested)
    {
        var effective = requested == OpusImplementation.Auto ? DefaultOpusImplementation : requested;
        // libopus is probed only when the choice depends on it (Managed forced never loads it).
        var available = effective == OpusImplementation.Auto && OpusLibrary.IsAvailable;
        if (effective != OpusImplementation.Auto || available)
        {
            return Choose(effective, OpusImplementation.Auto, available);
        }

        if (Interlocked.Exchange(ref s_fallbackTraced, 1) == 0)
        {
            Trace.TraceWarning($"P2PCall: {OpusLibrary.UnavailableReason} Opus falls back to the managed Concentus codec (about twice the CPU per call, ~130 KB of garbage per 20 ms frame pair).");
        }

        return false;
    }

    /// <summary>The selection rule: an explicit option wins, then the process default, then whether libopus loads.</summary>
    internal static bool Choose(OpusImplementation requested, OpusImplementation processDefault, bool libraryAvailable) =>
        (requested == OpusImplementation.Auto ? processDefault : requested) switch
        {
            OpusImplementation.Native => true,
            OpusImplementation.Managed => false,
            _ => libraryAvailable,
        };

    private static IAudioEncoder CreateOpusEncoder(RTCRtpCodecParameters codec, AudioEncoderOptions options)
    {
        var settings = new OpusEncoderSettings
        {
            Channels = (options.OpusStereo ?? AudioFmtp.IsOne(codec.SdpFmtpLine, "stereo")) ? 2 : 1,
            Bitrate = options.OpusBitrate,
            UseInbandFec = options.OpusInbandFec ?? AudioFmtp.IsOne(codec.SdpFmtpLine, "useinbandfec"),
            Complexity = options.OpusComplexity,
        };
        return UsesNativeOpus(options.OpusImplementation)
            ? new NativeOpusAudioEncoder(codec.PayloadType, settings)
            : new OpusAudioEncoder(codec.PayloadType, settings);
    }

    private static IAudioDecoder CreateOpusDecoder(RTCRtpCodecParameters codec, AudioDecoderOptions options)
    {
        var channels = options.OpusChannels ?? (AudioFmtp.IsOne(codec.SdpFmtpLine, "sprop-stereo") ? 2 : 1);
        return UsesNativeOpus(options.OpusImplementation)
            ? new NativeOpusAudioDecoder(channels, options.OpusUseInbandFec)
            : new OpusAudioDecoder(channels, options.OpusUseInbandFec);
    }

    private static string Name(RTCRtpCodecParameters codec)
    {
        var mime = codec.MimeType;
        var slash = mime.IndexOf('/');
        return (slash < 0 ? mime : mime[(slash + 1)..]).ToLowerInvariant();
    }
}
