using P2PCall.WebRtc.Media.Audio;
using P2PCall.WebRtc.Media.Video;

namespace P2PCall.WebRtc;

/// <summary>
/// Local tracks that carry their own source start sending by themselves once the transport is secure, as a
/// browser's tracks do after addTrack: a <see cref="LocalAudioTrack"/> gets an <see cref="AudioSender"/>
/// (encoder chosen from the negotiated codecs, 20 ms frames on the connection's clock).
/// </summary>
public sealed partial class RTCPeerConnection
{
    private readonly List<IAsyncDisposable> _mediaPumps = [];
    private readonly List<VideoSender> _videoPumps = [];

    private void StartLocalMedia()
    {
        lock (_gate)
        {
            if (_mediaPumps.Count > 0 || _videoPumps.Count > 0 || IsClosed)
            {
                return;
            }

            foreach (var sender in _senders)
            {
                if (sender.Track is LocalAudioTrack audio && sender.Transceiver.Sending)
                {
                    var pump = new AudioSender(audio, sender, null, _time);
                    pump.Start();
                    _mediaPumps.Add(pump);
                }
                else if (sender.Track is LocalVideoTrack video && sender.Transceiver.Sending
                    && sender.Codecs.FirstOrDefault(c => c.MimeType.Equals("video/VP8", StringComparison.OrdinalIgnoreCase)) is { } vp8)
                {
                    // VP8 (RFC 7741) at the source's frame rate; PLI/FIR from the peer ask it for a keyframe.
                    var pump = new VideoSender(sender, video.Source, vp8.PayloadType, 1000, _time) { FrameRead = video.OnFrameCaptured };
                    pump.Start();
                    _videoPumps.Add(pump);
                }
            }
        }
    }

    private async Task StopLocalMediaAsync()
    {
        IAsyncDisposable[] pumps;
        lock (_gate)
        {
            pumps = [.. _mediaPumps];
            _mediaPumps.Clear();
            foreach (var video in _videoPumps)
            {
                video.Dispose();
            }

            _videoPumps.Clear();
        }

        foreach (var pump in pumps)
        {
            await pump.DisposeAsync().ConfigureAwait(false);
        }
    }
}
