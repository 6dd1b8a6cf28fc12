using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Xml.Linq;

namespace P2PCall.Samples.Tests;

/// <summary>
/// The "reference the packages from an app" path: the four packages packed into a folder feed under a version of
/// their own, a brand-new <c>dotnet new console</c> app that references them, calls <c>services.AddP2PCall()</c> with
/// in-memory signaling and completes a loopback call. Restores into its own NUGET_PACKAGES folder, so the machine's
/// package cache never sees the test version. Slow (a restore and a build): trait Category=Packaging.
/// </summary>
[Trait("Category", "Packaging")]
[Collection(SampleProcessCollection.Name)]
public sealed class PackageConsumptionTests : IDisposable
{
    private static readonly string[] Packages = ["P2PCall.Core", "P2PCall.WebRtc", "P2PCall.Signaling.InMemory", "P2PCall.Signaling.SocketIO"];
    private static readonly TimeSpan StepDeadline = TimeSpan.FromMinutes(4);

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("p2pcall-consume-");
    private readonly string _version = $"0.0.0-test.{Guid.NewGuid():N}"[..24];

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task A_new_console_app_references_the_packages_and_completes_a_loopback_call()
    {
        var repo = RepositoryRoot();
        var feed = Directory.CreateDirectory(Path.Combine(_root.FullName, "feed")).FullName;
        var cache = Directory.CreateDirectory(Path.Combine(_root.FullName, "packages")).FullName;
        var app = Path.Combine(_root.FullName, "ConsumerApp");
        // The packages are the binaries these tests were built with (the same configuration), packed as `dotnet pack` does.
        var configuration = typeof(PackageConsumptionTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        foreach (var package in Packages)
        {
            await RunAsync(repo, null, "pack", Path.Combine("src", package, package + ".csproj"), "--no-build", "--no-restore",
                "-c", configuration, "-o", feed, $"-p:PackageVersion={_version}");
            AssertPackage(feed, package);
        }

        var upstream = await MachineSourcesAsync(repo);
        var machineCache = await GlobalPackagesFolderAsync(repo);
        await RunAsync(_root.FullName, cache, "new", "console", "-n", "ConsumerApp", "-o", app, "--no-restore");
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), NuGetConfig(feed, machineCache, upstream));
        AddPackageReferences(Path.Combine(app, "ConsumerApp.csproj"));
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), ConsumerProgram);

        var run = await RunAsync(app, cache, "run", "-c", "Release");

        foreach (var line in new[] { "caller: Connected", "callee: Connected", "chat at B: hello from A", "callee ended: RemoteHangup" })
        {
            Assert.True(run.Contains(line, StringComparison.Ordinal), $"'{line}' missing from the app's output:\n{run}");
        }

        // Restored from our feed into the private cache, under the test's own version.
        foreach (var package in Packages)
        {
            Assert.True(Directory.Exists(Path.Combine(cache, package.ToLowerInvariant(), _version)), package);
        }
    }

    /// <summary>Each package: id, version, description, license, README, XML docs and a symbols package beside it.</summary>
    private void AssertPackage(string feed, string id)
    {
        var nupkg = Path.Combine(feed, $"{id}.{_version}.nupkg");
        Assert.True(File.Exists(Path.Combine(feed, $"{id}.{_version}.snupkg")), $"{id}: no symbols package");
        using var zip = ZipFile.OpenRead(nupkg);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("README.md", names);
        Assert.Contains($"lib/net10.0/{id}.dll", names);
        Assert.Contains($"lib/net10.0/{id}.xml", names);
        using var nuspecStream = zip.GetEntry($"{id}.nuspec")!.Open();
        var metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Get(string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
        Assert.Equal(id, Get("id"));
        Assert.Equal(_version, Get("version"));
        Assert.Equal("MIT", Get("license"));
        Assert.Equal("README.md", Get("readme"));
        Assert.False(string.IsNullOrWhiteSpace(Get("description")), id);
    }

    private void AddPackageReferences(string csproj)
    {
        var project = XDocument.Load(csproj);
        project.Root!.Add(new XElement("ItemGroup",
            Packages.Select(p => new XElement("PackageReference", new XAttribute("Include", p), new XAttribute("Version", _version)))));
        project.Save(csproj);
    }

    private static string NuGetConfig(string feed, string machineCache, IEnumerable<string> upstream)
    {
        var sources = new XElement("packageSources",
            new XElement("clear"),
            new XElement("add", new XAttribute("key", "p2pcall-test-feed"), new XAttribute("value", feed)),
            // Everything else the packages need is already in the machine's package cache (the solution restored it): read it as a feed.
            new XElement("add", new XAttribute("key", "machine-cache"), new XAttribute("value", machineCache)),
            upstream.Select((url, i) => new XElement("add", new XAttribute("key", $"upstream-{i}"), new XAttribute("value", url))));
        return new XDocument(new XElement("configuration", sources)).ToString();
    }

    /// <summary>The enabled package sources of the machine's NuGet configuration (<c>dotnet nuget list source</c>).</summary>
    private static async Task<IReadOnlyList<string>> MachineSourcesAsync(string repo)
    {
        var listing = await RunAsync(repo, null, "nuget", "list", "source", "--format", "short");
        return listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("E ", StringComparison.Ordinal))
            .Select(line => line[2..].Trim())
            .ToList();
    }

    private static async Task<string> GlobalPackagesFolderAsync(string repo)
    {
        var listing = await RunAsync(repo, null, "nuget", "locals", "global-packages", "--list");
        var line = listing.Split('\n').Single(l => l.StartsWith("global-packages:", StringComparison.Ordinal));
        return line["global-packages:".Length..].Trim();
    }

    /// <summary>Runs the dotnet CLI; fails the test with its output when it exits non-zero. Returns standard output.</summary>
    private static async Task<string> RunAsync(string directory, string? nugetPackages, params string[] arguments)
    {
        var info = new ProcessStartInfo(DotnetHost.Path)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // A clean CLI: nothing inherited from the test host's MSBuild, no build servers left behind.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["UseSharedCompilation"] = "false";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        if (nugetPackages is not null)
        {
            info.Environment["NUGET_PACKAGES"] = nugetPackages;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(StepDeadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var text = await output;
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} (in {directory}) exited {process.ExitCode}:\n{text}\n{await error}");
        return text;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "P2PCall.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("P2PCall.sln not found above " + AppContext.BaseDirectory);
    }

    private const string ConsumerProgram = """
        using Microsoft.Extensions.DependencyInjection;
        using P2PCall;
        using P2PCall.Core.Calls;
        using P2PCall.Signaling.InMemory;
        using P2PCall.WebRtc;
        using P2PCall.WebRtc.Media;

        var deadline = TimeSpan.FromSeconds(60);
        var hub = new InMemorySignalingHub();
        ServiceProvider Build(string user)
        {
            var services = new ServiceCollection();
            services.AddSingleton<IMediaDevices>(new MediaDevices()); // a tone and a test pattern
            services.AddP2PCall(o => o.LoopbackOnly = true).AddInMemorySignaling(o => { o.UserId = user; o.Hub = hub; });
            return services.BuildServiceProvider();
        }

        await using var a = Build("A");
        await using var b = Build("B");
        var alice = a.GetRequiredService<ICallClient>();
        var bob = b.GetRequiredService<ICallClient>();
        await alice.StartAsync();
        await bob.StartAsync();
        var chat = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.IncomingCall += (_, e) =>
        {
            e.Session.DataChannelReceived += (_, d) =>
            {
                d.Channel.Message += (_, m) => chat.TrySetResult(m.Text ?? "");
                listening.TrySetResult();
            };
            _ = e.Session.AcceptAsync();
        };

        var call = await alice.CallAsync("B");
        await call.WaitForConnectedAsync().WaitAsync(deadline);
        var callee = bob.ActiveCall!;
        await callee.WaitForConnectedAsync().WaitAsync(deadline);
        Console.Out.WriteLine($"caller: {call.State}");
        Console.Out.WriteLine($"callee: {callee.State}");
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        call.ChatChannel!.Open += (_, _) => open.TrySetResult();
        if (call.ChatChannel.ReadyState == RTCDataChannelState.Open)
        {
            open.TrySetResult();
        }

        await Task.WhenAll(open.Task, listening.Task).WaitAsync(deadline); // A's channel open, B subscribed to it
        call.ChatChannel.Send("hello from A");
        Console.Out.WriteLine($"chat at B: {await chat.Task.WaitAsync(deadline)}");
        await call.HangupAsync();
        Console.Out.WriteLine($"callee ended: {(await callee.Completion.WaitAsync(deadline)).Reason}");
        return 0;
        """;
}
