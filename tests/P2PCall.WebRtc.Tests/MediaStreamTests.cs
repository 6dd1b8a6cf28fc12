using NSubstitute;
using P2PCall.WebRtc;

namespace P2PCall.WebRtc.Tests;

public class MediaStreamTests
{
    [Fact]
    public void Tracks_are_split_by_kind_in_order()
    {
        var audio = Substitute.For<IMediaStreamTrack>();
        audio.Kind.Returns(MediaKind.Audio);
        var video = Substitute.For<IMediaStreamTrack>();
        video.Kind.Returns(MediaKind.Video);

        var stream = new MediaStream("s1", [audio, video]);

        Assert.Equal([audio, video], stream.Tracks);
        Assert.Equal([audio], stream.AudioTracks);
        Assert.Equal([video], stream.VideoTracks);
    }
}
