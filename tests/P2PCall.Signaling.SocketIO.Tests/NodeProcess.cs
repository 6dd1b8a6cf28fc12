using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;

namespace P2PCall.Signaling.SocketIO.Tests;

/// <summary>A node process whose stdout is JSON lines, read into a queue the tests await.</summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly Channel<JsonElement> _lines = Channel.CreateUnbounded<JsonElement>();
    private readonly List<string> _all = [];

    private NodeProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.Writer.TryComplete();
                return;
            }

            lock (_all)
            {
                _all.Add(e.Data);
            }

            try
            {
                using var doc = JsonDocument.Parse(e.Data);
                _lines.Writer.TryWrite(doc.RootElement.Clone());
            }
            catch (JsonException)
            {
                // Not a JSON line (kept in Output() for diagnostics); never crash the test host.
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_all)
                {
                    _all.Add("stderr: " + e.Data);
                }
            }
        };
    }

    /// <summary>The signaling server's folder (samples/signaling-server), found from the test binaries upwards.</summary>
    public static string ServerDirectory { get; } = FindServerDirectory();

    public static NodeProcess Start(string script, IEnumerable<string> arguments, IDictionary<string, string> environment)
    {
        if (!Directory.Exists(Path.Combine(ServerDirectory, "node_modules", "socket.io")))
        {
            // Tests never touch the network: CI (eng/test.sh) installs the server's npm packages first.
            throw new InvalidOperationException($"The signaling server's npm packages are missing: run `npm ci` in {ServerDirectory}.");
        }

        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = ServerDirectory,
        };
        info.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["NODE_PATH"] = Path.Combine(ServerDirectory, "node_modules");
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        var node = new NodeProcess(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Waits for the next line that matches; lines before it are skipped.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(timeout.Token);
                if (match(line))
                {
                    return line;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            throw new TimeoutException("node never printed the expected line; output:\n" + Output(), ex);
        }
    }

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public string Output()
    {
        lock (_all)
        {
            return string.Join('\n', _all);
        }
    }

    /// <summary>Stops the process: SIGTERM (graceful shutdown) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        _process.StandardInput.Close();
        Posix.Kill(_process.Id, Posix.SigTerm);
        using var timeout = new CancellationTokenSource(Deadline);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private static string FindServerDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "signaling-server");
            if (File.Exists(Path.Combine(candidate, "server.js")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("samples/signaling-server not found above " + AppContext.BaseDirectory);
    }
}

internal static partial class Posix
{
    public const int SigTerm = 15;

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill")]
    private static partial int KillNative(int pid, int signal);

    public static void Kill(int pid, int signal) => _ = KillNative(pid, signal);
}
