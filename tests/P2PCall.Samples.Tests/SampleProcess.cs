using System.Diagnostics;
using System.Text.Json;

namespace P2PCall.Samples.Tests;

/// <summary>Runs the sample console as a process (<c>dotnet P2PCall.Samples.Console.dll …</c>) and collects its output.</summary>
internal sealed record SampleResult(int ExitCode, string Output, string Error)
{
    /// <summary>The lines written to standard error.</summary>
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The one JSON object --json prints (standard output holds nothing else).</summary>
    public JsonElement Json()
    {
        using var doc = JsonDocument.Parse(Output);
        return doc.RootElement.Clone();
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}

internal static class SampleProcess
{
    /// <summary>Far more than any run here takes; reaching it fails the test.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "P2PCall.Samples.Console.dll");

    public static Task<SampleResult> RunAsync(params string[] arguments) => RunWithInputAsync(string.Empty, arguments);

    /// <summary>Runs the sample with <paramref name="input"/> as its standard input (then closed).</summary>
    public static async Task<SampleResult> RunWithInputAsync(string input, params string[] arguments)
    {
        var info = new ProcessStartInfo(DotnetHost.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"the sample did not exit within {Deadline}: {string.Join(' ', arguments)}\n{await output}\n{await error}");
        }

        return new SampleResult(process.ExitCode, await output, await error);
    }
}

/// <summary>The dotnet host running these tests (so child processes use the same SDK and runtime).</summary>
internal static class DotnetHost
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        var main = Environment.ProcessPath;
        return main is not null && System.IO.Path.GetFileNameWithoutExtension(main) == "dotnet" ? main : "dotnet";
    }
}

/// <summary>A loopback TCP port nothing listens on (bound, read, released).</summary>
internal static class FreePort
{
    public static int Get()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
