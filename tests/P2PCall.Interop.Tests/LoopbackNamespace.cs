using System.Net.NetworkInformation;

namespace P2PCall.Interop.Tests;

/// <summary>
/// Guards the rule that browser tests never reach anything but loopback: they run only where the only
/// network interface is loopback (a fresh network namespace: <c>unshare --net</c>, which eng/test.sh enters).
/// </summary>
internal static class LoopbackNamespace
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static bool IsLoopbackOnly()
    {
        var interfaces = NetworkInterface.GetAllNetworkInterfaces();
        return interfaces.Length > 0 && interfaces.All(i => i.NetworkInterfaceType == NetworkInterfaceType.Loopback);
    }

    public static string? WhyNot()
    {
        if (!File.Exists(ChromiumPath))
        {
            return $"{ChromiumPath} is not installed (eng/install-deps.sh installs Debian's chromium).";
        }

        if (!IsLoopbackOnly())
        {
            return "not in a loopback-only network namespace; run eng/test.sh, or: unshare --net bash -c 'ip link set lo up; dotnet test tests/P2PCall.Interop.Tests'";
        }

        return null;
    }
}

/// <summary>A test that drives a real Chromium; skipped (with the reason) outside a loopback-only network namespace.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the test may not run here.</summary>
    public ChromiumFactAttribute()
    {
        if (LoopbackNamespace.WhyNot() is { } why)
        {
            Skip = why;
        }
    }
}

/// <summary>A theory that drives a real Chromium; skipped (with the reason) outside a loopback-only network namespace.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the test may not run here.</summary>
    public ChromiumTheoryAttribute()
    {
        if (LoopbackNamespace.WhyNot() is { } why)
        {
            Skip = why;
        }
    }
}
