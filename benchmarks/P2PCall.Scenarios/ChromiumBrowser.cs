using System.Net.NetworkInformation;
using Microsoft.Playwright;
using P2PCall.Signaling.SocketIO.Tests;

namespace P2PCall.Scenarios;

/// <summary>
/// Debian's headless Chromium driven by Playwright with only our switches (see the interop tests' ChromiumFixture
/// and shared/notes/chromium-webrtc-here.md): fake camera and microphone, loopback allowed for ICE, a fresh profile.
/// </summary>
internal sealed class ChromiumBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly string _profile = Path.Combine(Path.GetTempPath(), "p2pcall-scenarios-" + Guid.NewGuid().ToString("N"));
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Why Chromium runs are refused here, or null when they may run.</summary>
    public static string? WhyNot()
    {
        if (!File.Exists(ChromiumPath))
        {
            return $"{ChromiumPath} is not installed (apt-get install chromium).";
        }

        // Every packet must stay on loopback: the only interface with an address must be lo.
        var withAddress = NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.GetIPProperties().UnicastAddresses.Count > 0)
            .ToList();
        if (withAddress.Count == 0 || withAddress.Any(i => i.NetworkInterfaceType != NetworkInterfaceType.Loopback))
        {
            return "not inside a loopback-only network namespace (interfaces with addresses: " +
                string.Join(", ", withAddress.Select(i => i.Name)) + ").";
        }

        string server;
        try
        {
            server = NodeProcess.ServerDirectory;
        }
        catch (DirectoryNotFoundException ex)
        {
            return ex.Message;
        }

        if (!Directory.Exists(Path.Combine(server, "node_modules", "socket.io")))
        {
            return $"the signaling server's npm packages are missing: run `npm ci` in {server} (before entering the namespace).";
        }

        return null;
    }

    public static async Task<ChromiumBrowser> LaunchAsync()
    {
        var browser = new ChromiumBrowser();
        browser._playwright = await Playwright.CreateAsync();
        browser._browser = await browser._playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            IgnoreAllDefaultArgs = true,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--allow-loopback-in-peer-connection", "--remote-debugging-pipe",
                // Two tabs measured side by side: neither may have its timers throttled as a background tab.
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows",
                "--user-data-dir=" + browser._profile, "about:blank",
            ],
        });
        return browser;
    }

    public string Version => _browser?.Version ?? "?";

    public async Task<IPage> NewPageAsync(string url)
    {
        var page = await _browser!.NewPageAsync();
        await page.GotoAsync(url);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
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
}
