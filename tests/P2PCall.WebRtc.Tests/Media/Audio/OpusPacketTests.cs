using P2PCall.WebRtc.Media.Audio;

namespace P2PCall.WebRtc.Tests.Media.Audio;

public class OpusPacketTests
{
    [Theory]
    [InlineData(new byte[] { 15 << 3, 0xC3 }, true)]   // hybrid FB 20 ms, VAD 1, LBRR 1
    [InlineData(new byte[] { 15 << 3, 0x9E }, false)]  // VAD 1, LBRR 0
    [InlineData(new byte[] { 9 << 3, 0x40 }, true)]    // SILK WB 20 ms, LBRR 1
    [InlineData(new byte[] { 31 << 3, 0xFF }, false)]  // CELT-only never carries LBRR
    [InlineData(new byte[] { (15 << 3) | 0x04, 0x10 }, true)] // stereo: the side channel's LBRR flag
    [InlineData(new byte[] { (15 << 3) | 0x03, 0xFF }, false)] // code 3 is not inspected
    public void Reads_the_LBRR_flag_of_the_first_SILK_frame(byte[] packet, bool expected)
        => Assert.Equal(expected, OpusPacket.HasInbandFec(packet));

    [Fact]
    public void Every_truncation_is_a_clean_no()
    {
        byte[] packet = [15 << 3, 0xC3, 0x11, 0x22];
        for (var length = 0; length < 2; length++)
        {
            Assert.False(OpusPacket.HasInbandFec(packet.AsSpan(0, length)));
        }
    }

    [Theory]
    [InlineData("minptime=10;useinbandfec=1", "useinbandfec", "1")]
    [InlineData("stereo=1; sprop-stereo=0", "sprop-stereo", "0")]
    [InlineData("STEREO=1", "stereo", "1")]
    [InlineData("minptime=10", "stereo", null)]
    [InlineData(null, "stereo", null)]
    public void Fmtp_parameters_are_found_by_name(string? fmtp, string name, string? expected)
        => Assert.Equal(expected, AudioFmtp.Get(fmtp, name));
}
