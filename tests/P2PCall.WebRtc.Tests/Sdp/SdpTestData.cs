using P2PCall.WebRtc.Sdp;

namespace P2PCall.WebRtc.Tests.Sdp;

internal static class SdpTestData
{
    public const string Offer = "chromium-156-offer.sdp";
    public const string Answer = "chromium-156-answer.sdp";
    public const string OfferWithCandidates = "chromium-156-offer-with-candidates.sdp";
    public const string AnswerWithCandidates = "chromium-156-answer-with-candidates.sdp";

    public static readonly string[] AllFiles = [Offer, Answer, OfferWithCandidates, AnswerWithCandidates];

    public static string Load(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", name));

    /// <summary>Asserts two descriptions hold the same model, field by field and attribute by attribute.</summary>
    public static void AssertSameModel(SessionDescription expected, SessionDescription actual)
    {
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.Origin, actual.Origin);
        Assert.Equal(expected.SessionName, actual.SessionName);
        Assert.Equal(expected.Information, actual.Information);
        Assert.Equal(expected.Uri, actual.Uri);
        Assert.Equal(expected.Emails, actual.Emails);
        Assert.Equal(expected.Phones, actual.Phones);
        Assert.Equal(expected.Connection, actual.Connection);
        Assert.Equal(expected.Bandwidths, actual.Bandwidths);
        Assert.Equal(expected.Timings, actual.Timings);
        Assert.Equal(expected.TimeZones, actual.TimeZones);
        Assert.Equal(expected.EncryptionKey, actual.EncryptionKey);
        Assert.Equal(expected.Attributes, actual.Attributes);
        Assert.Equal(expected.Media.Count, actual.Media.Count);
        for (int i = 0; i < expected.Media.Count; i++)
        {
            MediaDescription e = expected.Media[i];
            MediaDescription a = actual.Media[i];
            Assert.Equal(e.MediaType, a.MediaType);
            Assert.Equal(e.Port, a.Port);
            Assert.Equal(e.PortCount, a.PortCount);
            Assert.Equal(e.Protocol, a.Protocol);
            Assert.Equal(e.Formats, a.Formats);
            Assert.Equal(e.Information, a.Information);
            Assert.Equal(e.Connections, a.Connections);
            Assert.Equal(e.Bandwidths, a.Bandwidths);
            Assert.Equal(e.EncryptionKey, a.EncryptionKey);
            Assert.Equal(e.Attributes, a.Attributes);
            Assert.Equal(e.GetCodecs(), a.GetCodecs());
        }
    }
}
