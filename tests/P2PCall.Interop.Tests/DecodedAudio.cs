using System.Text.Json;

namespace P2PCall.Interop.Tests;

/// <summary>
/// What the browser decoded from a remote audio track (samples/signaling-server/public/audio-probe.js): PCM read
/// after the decoder through MediaStreamTrackProcessor (or Web Audio), samples in [-1, 1].
/// </summary>
public sealed record DecodedAudio(string Method, int Frames, int SampleRate, int Samples, double Rms, double Peak, double DominantHz)
{
    /// <summary>Reads the probe's answer (camelCase JSON).</summary>
    public static DecodedAudio From(JsonElement json) => json.Deserialize<DecodedAudio>(JsonSerializerOptions.Web)!;
}

/// <summary>The W3C webrtc-stats inbound-rtp audio fields the browser reports, summed over its audio receivers.</summary>
public sealed record InboundAudioStats(
    double PacketsReceived, double TotalSamplesReceived, double ConcealedSamples, double TotalAudioEnergy, double TotalSamplesDuration, double AudioLevel)
{
    /// <summary>Reads the probe's answer (camelCase JSON).</summary>
    public static InboundAudioStats From(JsonElement json) => json.Deserialize<InboundAudioStats>(JsonSerializerOptions.Web)!;

    /// <summary>Samples the decoder produced from received packets: totalSamplesReceived − concealedSamples.</summary>
    public double DecodedSamples => TotalSamplesReceived - ConcealedSamples;

    /// <summary>The mean audio level of everything played out: √(totalAudioEnergy / totalSamplesDuration) (webrtc-stats).</summary>
    public double MeanLevel => TotalSamplesDuration > 0 ? Math.Sqrt(TotalAudioEnergy / TotalSamplesDuration) : 0;
}

/// <summary>Decode-level checks of the audio a browser receives from .NET (our tone source: 440 Hz, amplitude 0.3).</summary>
internal static class BrowserAudioAssert
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Measures the browser's decoded PCM (1 s windows) until it carries the tone: not silent (RMS of a 0.3 sine
    /// is 0.21; a window with some loss still passes 0.05) and strongest at <paramref name="hz"/> ± 4 Hz.
    /// </summary>
    public static async Task<DecodedAudio> HearsToneAsync(Func<Task<DecodedAudio>> measure, double hz = 440)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var heard = await measure();
            if (heard.Frames > 0 && heard.Rms > 0.05 && Math.Abs(heard.DominantHz - hz) <= 4)
            {
                return heard;
            }

            Assert.True(TimeProvider.System.GetElapsedTime(started) < Deadline, $"the browser did not decode a {hz} Hz tone; last window: {heard}");
        }
    }

    /// <summary>
    /// getStats agrees with the decoded PCM: samples that were decoded, not concealed, keep rising, and the mean
    /// audio level of what was played out is well above silence. (No bound on the concealed share: on a loaded
    /// machine our sender may fall behind real time and the browser conceals the gaps, which is not a decode fault.)
    /// </summary>
    public static async Task<InboundAudioStats> StatsShowDecodingAsync(Func<Task<InboundAudioStats>> stats)
    {
        var first = await stats();
        var started = TimeProvider.System.GetTimestamp();
        var later = first;
        while (later.DecodedSamples <= first.DecodedSamples)
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < Deadline, $"the browser decoded no further samples: {later}");
            await Task.Delay(100);
            later = await stats();
        }

        Assert.True(later.TotalAudioEnergy > 0, later.ToString());
        Assert.True(later.MeanLevel > 0.05, $"mean audio level {later.MeanLevel:0.###}: {later}");
        return later;
    }
}
