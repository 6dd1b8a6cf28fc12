using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Playwright;

namespace P2PCall.Interop.Tests;

/// <summary>
/// One headless Debian Chromium for a test class, with fake camera and microphone, and a page server on
/// 127.0.0.1 (getUserMedia needs a secure context: http://127.0.0.1 is one, about:blank is not).
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private const string BlankPage = "<!doctype html><html><head><meta charset=\"utf-8\"><title>P2PCall interop</title></head><body></body></html>";
    private readonly string _profile = Path.Combine(Path.GetTempPath(), "p2pcall-chromium-" + Guid.NewGuid().ToString("N"));
    private HttpListener? _server;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public Uri PageUri { get; private set; } = new("http://127.0.0.1/");

    public async Task InitializeAsync()
    {
        if (LoopbackNamespace.WhyNot() is not null)
        {
            return; // every test of the class is skipped
        }

        StartServer();
        _playwright = await Playwright.CreateAsync();
        // Only our own switches (shared/notes/chromium-webrtc-here.md): fake devices, loopback allowed for ICE.
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = LoopbackNamespace.ChromiumPath,
            IgnoreAllDefaultArgs = true,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--allow-loopback-in-peer-connection", "--remote-debugging-pipe",
                "--user-data-dir=" + _profile, "about:blank",
            ],
        });
    }

    /// <summary>A new tab on the blank page, or on <paramref name="url"/>.</summary>
    public async Task<IPage> NewPageAsync(string? url = null)
    {
        var page = await _browser!.NewPageAsync();
        await page.GotoAsync(url ?? PageUri.ToString());
        return page;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        _server?.Close();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void StartServer()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        PageUri = new Uri($"http://127.0.0.1:{port}/");
        _server = new HttpListener();
        _server.Prefixes.Add(PageUri.ToString());
        _server.Start();
        _ = Task.Run(async () =>
        {
            while (_server.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _server.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                var body = Encoding.UTF8.GetBytes(BlankPage);
                context.Response.ContentType = "text/html; charset=utf-8";
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });
    }
}
