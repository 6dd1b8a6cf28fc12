using System.Text;
using P2PCall.WebRtc.Sdp;

namespace P2PCall.WebRtc.Tests.Sdp;

public class SdpFuzzTests
{
    private const string Alphabet = "=: /\r\n\0\tav0123456789-abcmosAZ*;,.\u00e9";

    [Fact]
    public void Random_mutations_of_the_chromium_offer_only_ever_fail_with_SdpParseException()
    {
        string original = SdpTestData.Load(SdpTestData.OfferWithCandidates);
        var random = new Random(8866);
        int parsed = 0;
        int rejected = 0;

        for (int iteration = 0; iteration < 2000; iteration++)
        {
            string mutated = Mutate(original, random);

            try
            {
                SessionDescription sdp = SessionDescription.Parse(mutated);
                parsed++;
                ExerciseTypedViews(sdp);

                // What we accept we can write, and what we write we read back the same.
                string written = sdp.ToString();
                SdpTestData.AssertSameModel(sdp, SessionDescription.Parse(written));
                Assert.Equal(written, SessionDescription.Parse(written).ToString());
            }
            catch (SdpParseException ex)
            {
                rejected++;
                Assert.InRange(ex.LineNumber, 1, mutated.Count(c => c == '\n') + 2);
                Assert.False(SessionDescription.TryParse(mutated, out _, out SdpParseError? error));
                Assert.Equal(ex.Error, error);
            }
        }

        // Both outcomes are exercised, so the test cannot pass by accident.
        Assert.True(parsed > 100, $"parsed {parsed}");
        Assert.True(rejected > 100, $"rejected {rejected}");
    }

    [Fact]
    public void Every_truncation_of_the_chromium_offer_parses_or_fails_cleanly()
    {
        string original = SdpTestData.Load(SdpTestData.Offer);

        for (int length = 0; length < original.Length; length++)
        {
            string truncated = original[..length];
            if (SessionDescription.TryParse(truncated, out SessionDescription? sdp, out SdpParseError? error))
            {
                ExerciseTypedViews(sdp);
                string written = sdp.ToString();
                SdpTestData.AssertSameModel(sdp, SessionDescription.Parse(written));
                if (!truncated.EndsWith(' '))
                {
                    // Only a cut right after a separator space is normalised (m= fields are re-joined).
                    Assert.Equal(truncated.TrimEnd('\r', '\n') + "\r\n", written);
                }
            }
            else
            {
                Assert.InRange(error.LineNumber, 1, truncated.Count(c => c == '\n') + 2);
                Assert.Throws<SdpParseException>(() => SessionDescription.Parse(truncated));
            }
        }
    }

    private static string Mutate(string text, Random random)
    {
        var sb = new StringBuilder(text);
        int edits = random.Next(1, 6);
        for (int e = 0; e < edits; e++)
        {
            int pos = random.Next(sb.Length + 1);
            switch (random.Next(6))
            {
                case 0 when pos < sb.Length:
                    sb.Remove(pos, Math.Min(random.Next(1, 40), sb.Length - pos));
                    break;
                case 1:
                    sb.Insert(pos, Alphabet[random.Next(Alphabet.Length)]);
                    break;
                case 2 when pos < sb.Length:
                    sb[pos] = Alphabet[random.Next(Alphabet.Length)];
                    break;
                case 3:
                    // Duplicate a random stretch (repeats lines or parts of them).
                    int start = random.Next(sb.Length);
                    int len = Math.Min(random.Next(1, 120), sb.Length - start);
                    sb.Insert(pos, sb.ToString(start, len));
                    break;
                case 4:
                    // Replace a digit run's character with a big number or a sign.
                    sb.Insert(pos, random.Next(3) switch { 0 => "99999999999999999999", 1 => "-", _ => "/" });
                    break;
                default:
                    // Swap two lines.
                    string[] lines = sb.ToString().Split("\r\n");
                    int a = random.Next(lines.Length);
                    int b = random.Next(lines.Length);
                    (lines[a], lines[b]) = (lines[b], lines[a]);
                    sb.Clear().Append(string.Join("\r\n", lines));
                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>Reads every typed view: none may throw on anything the parser accepted.</summary>
    private static void ExerciseTypedViews(SessionDescription sdp)
    {
        _ = sdp.Groups;
        _ = sdp.GetBundleGroup();
        _ = sdp.IceLite;
        _ = sdp.Fingerprints;
        _ = sdp.Direction;
        foreach (MediaDescription m in sdp.Media)
        {
            _ = sdp.GetIceUfrag(m);
            _ = sdp.GetIcePwd(m);
            _ = sdp.GetSetup(m);
            _ = sdp.GetDirection(m);
            foreach (SdpFingerprint f in sdp.GetFingerprints(m))
            {
                _ = f.TryGetHash(out _);
            }

            _ = m.Mid;
            _ = m.IceOptions;
            _ = m.Extmaps;
            _ = m.Msids;
            _ = m.Ssrcs;
            _ = m.SsrcGroups;
            _ = m.SctpPort;
            _ = m.MaxMessageSize;
            _ = m.EffectiveSctpPort;
            _ = m.Candidates;
            _ = m.IsDataChannel;
            foreach (SdpCodec c in m.GetCodecs())
            {
                _ = c.GetFmtpParameters();
            }

            foreach (SdpFmtp f in m.Fmtps)
            {
                _ = f.GetParameters();
            }
        }
    }
}
