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
    private Task _mediaStart = Task.CompletedTask;
    private bool _mediaStarted;

    /// <summary>
    /// Starts the senders on a thread of their own once the transport is secure. Nothing is encoded before anyone can
    /// send it, and the connection reports connected without waiting for the encoders to be set up (a 640×480 VP8
    /// encoder took ~20 ms on the DTLS thread, which delayed "connected" by as much); audio starts first.
    /// </summary>
    private void StartLocalMediaInBackground()
    {
        lock (_gate)
        {
            if (_mediaStarted || IsClosed)
            {
                return;
            }

            _mediaStarted = true;
            // On a thread of its own, not a pool worker: creating two VP8 encoders takes ~20 ms of CPU per side, and on
            // the two workers of a 2-core machine that held back the socket receive loops and the media clock (the first
            // audio packet waited up to 40 ms to be read).
            _mediaStart = Task.Factory.StartNew(StartLocalMedia, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    private void StartLocalMedia()
    {
        RTCRtpSender[] senders;
        lock (_gate)
        {
            if (IsClosed)
            {
                return;
            }

            senders = [.. _senders];
        }

        try
        {
            foreach (var sender in senders)
            {
                if (sender.Track is LocalAudioTrack audio && sender.Transceiver.Sending)
                {
                    var pump = new AudioSender(audio, sender, null, _time);
                    pump.Start();
                    Register<IAsyncDisposable>(pump, _mediaPumps);
                }
            }

            foreach (var sender in senders)
            {
                if (sender.Track is LocalVideoTrack video && sender.Transceiver.Sending
                    && sender.Codecs.FirstOrDefault(c => c.MimeType.Equals("video/VP8", StringComparison.OrdinalIgnoreCase)) is { } vp8)
                {
                    // VP8 (RFC 7741) at the source's frame rate; PLI/FIR from the peer ask it for a keyframe.
                    var pump = new VideoSender(sender, video.Source, vp8.PayloadType, 1000, _time) { FrameRead = video.OnFrameCaptured };
                    pump.Start();
                    Register(pump, _videoPumps);
                }
            }
        }
#pragma warning disable CA1031 // a sender that cannot start (no codec, encoder failure) must not take the connection down
        catch (Exception e)
#pragma warning restore CA1031
        {
            OnBackgroundError(e);
        }
    }

    /// <summary>Keeps a started pump for <see cref="StopLocalMediaAsync"/>, or stops it when the connection closed meanwhile.</summary>
    private void Register<T>(T pump, List<T> pumps)
        where T : class
    {
        lock (_gate)
        {
            if (!IsClosed)
            {
                pumps.Add(pump);
                return;
            }
        }

        (pump as IDisposable)?.Dispose();
    }

    private async Task StopLocalMediaAsync()
    {
        Task starting;
        lock (_gate)
        {
            _mediaStarted = true; // none may start after this
            starting = _mediaStart;
        }

        await starting.ConfigureAwait(false);
        IAsyncDisposable[] pumps;
        VideoSender[] videos;
        lock (_gate)
        {
            pumps = [.. _mediaPumps];
            _mediaPumps.Clear();
            videos = [.. _videoPumps];
            _videoPumps.Clear();
        }

        // Outside _gate: a video sender's Dispose waits for its frame in progress, whose SendRtp takes _rtcpGate, and
        // GetStats takes _rtcpGate then _gate; disposing under _gate closed that cycle (a hang-up while stats are read).
        foreach (var video in videos)
        {
            video.Dispose();
        }

        foreach (var pump in pumps)
        {
            await pump.DisposeAsync().ConfigureAwait(false);
        }
    }
}
