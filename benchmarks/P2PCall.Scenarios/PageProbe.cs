using System.Text.Json;
using Microsoft.Playwright;

namespace P2PCall.Scenarios;

/// <summary>
/// Timing probes the runner installs into a loaded seed page (public/index.html + app.js): it wraps the seed's
/// <c>initCallerInfo</c> (start of the call) and <c>onPcEvent</c> (to listen to the new connection) without changing
/// them, and times connected, first decoded audio (inbound-rtp totalSamplesReceived &gt; 0) and first decoded
/// video (framesDecoded &gt; 0), polled from getStats every 2 ms once connected. Times are epoch milliseconds
/// (performance.timeOrigin + now), comparable across tabs and with .NET's clock.
/// </summary>
internal static class PageProbe
{
    private const string Install = """
        () => {
          const b = window.__bench = { t0: null, connected: null, audio: null, video: null };
          const now = () => performance.timeOrigin + performance.now();
          const caller = seed.initCallerInfo.bind(seed);
          seed.initCallerInfo = (...args) => { b.t0 = now(); return caller(...args); };
          const onPc = seed.onPcEvent.bind(seed);
          seed.onPcEvent = (pc, ...rest) => {
            onPc(pc, ...rest);
            // Media needs DTLS done, so the getStats poll (which costs the page CPU) starts at "connected".
            pc.addEventListener("connectionstatechange", () => {
              if (pc.connectionState !== "connected" || b.connected) return;
              b.connected = now();
              let busy = false;
              const poll = setInterval(async () => {
                if (busy) return;
                busy = true;
                const stats = await pc.getStats();
                const t = now();
                stats.forEach(s => {
                  if (s.type !== "inbound-rtp") return;
                  if (s.kind === "audio" && s.totalSamplesReceived > 0 && !b.audio) b.audio = t;
                  if (s.kind === "video" && s.framesDecoded > 0 && !b.video) b.video = t;
                });
                busy = false;
                if ((b.audio && b.video) || pc.connectionState === "closed") clearInterval(poll);
              }, 2);
            });
          };
        }
        """;

    /// <summary>Pings on the page's own "chat" channel; the other side's seed code answers "pong:n".</summary>
    private const string Ping = """
        async n => {
          const ch = seed.channel;
          const rtts = [];
          for (let i = 0; i < n; i++) {
            const t = performance.now();
            await new Promise(resolve => {
              const on = e => { if (e.data === "pong:" + i) { ch.removeEventListener("message", on); resolve(); } };
              ch.addEventListener("message", on);
              ch.send("ping:" + i);
            });
            rtts.push(performance.now() - t);
          }
          return rtts;
        }
        """;

    /// <summary>
    /// Sends <c>total</c> bytes in 64 KiB messages with bufferedAmount flow control, then "ping:bulk"; the echo of it
    /// comes after the receiver handled every message (ordered channel). Returns milliseconds to that echo.
    /// </summary>
    private const string Bulk = """
        async total => {
          const ch = seed.channel;
          const size = 64 * 1024, high = 4 * 1024 * 1024, low = 1024 * 1024;
          const chunk = new Uint8Array(size);
          ch.bufferedAmountLowThreshold = low;
          const t = performance.now();
          for (let sent = 0; sent < total; sent += size) {
            if (ch.bufferedAmount > high) {
              await new Promise(r => ch.addEventListener("bufferedamountlow", r, { once: true }));
            }
            ch.send(sent + size <= total ? chunk : chunk.subarray(0, total - sent));
          }
          await new Promise(resolve => {
            const on = e => { if (e.data === "pong:bulk") { ch.removeEventListener("message", on); resolve(); } };
            ch.addEventListener("message", on);
            ch.send("ping:bulk");
          });
          return performance.now() - t;
        }
        """;

    public static Task InstallAsync(IPage page) => page.EvaluateAsync(Install);

    public static async Task<(double? T0, double? Connected, double? Audio, double? Video)> ReadAsync(IPage page)
    {
        var b = await page.EvaluateAsync<JsonElement>("() => window.__bench");
        static double? N(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Number ? e.GetProperty(name).GetDouble() : null;
        return (N(b, "t0"), N(b, "connected"), N(b, "audio"), N(b, "video"));
    }

    public static Task WaitAsync(IPage page, string condition) =>
        page.WaitForFunctionAsync($"() => window.__bench && ({condition})", null, new() { Timeout = 30000, PollingInterval = 20 });

    public static Task WaitChannelOpenAsync(IPage page) =>
        page.WaitForFunctionAsync("() => seed.channel && seed.channel.readyState === 'open'", null, new() { Timeout = 30000, PollingInterval = 20 });

    public static async Task<List<double>> PingAsync(IPage page, int count) =>
        [.. (await page.EvaluateAsync<double[]>(Ping, count))];

    public static Task<double> BulkAsync(IPage page, long total) => page.EvaluateAsync<double>(Bulk, total);
}
