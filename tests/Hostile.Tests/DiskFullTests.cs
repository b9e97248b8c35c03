using System.Diagnostics;
using HwFlow.Cli;
using HwFlow.Cli.Tests;

namespace HwFlow.Hostile.Tests;

/// <summary>
/// A disk that fills up while HwFlow writes a build: a real full disk, a 200 KiB tmpfs mounted
/// in a private mount namespace (unshare), too small for the tiny example's 600 KiB build.
/// One line, exit 2, and nothing left on the full disk.
/// </summary>
public sealed class DiskFullTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Compile_onto_a_full_disk_says_so_in_one_line_and_leaves_nothing()
    {
        var small = _dir.File("small");
        Directory.CreateDirectory(small);
        var listing = _dir.File("listing");
        // As root a mount namespace is enough; otherwise a user namespace maps us to root in it.
        var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (Environment.UserName == "root" ? ["--mount"] : new[] { "--map-root-user", "--mount" })) start.ArgumentList.Add(a);
        foreach (var a in new[]
        {
            "--propagation", "private", "sh", "-c",
            "mount -t tmpfs -o size=200k tmpfs \"$1\" || exit 99; dotnet \"$2\" compile \"$3\" -o \"$1/build\"; rc=$?; ls -A \"$1\" > \"$4\"; exit $rc",
            "sh", small, typeof(HwFlowCommand).Assembly.Location, CliProcess.Example("tiny-hbnn"), listing,
        }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        var result = new CliProcess.Result(process.ExitCode, await stdout, await stderr);
        Assert.True(result.ExitCode != 99, "cannot mount a tmpfs here (unshare/mount refused): this test needs root or user namespaces\n" + result);
        Assert.True(result.ExitCode == 2, result.ToString());
        var error = Assert.Single(result.Stderr.Split('\n'), l => l.StartsWith("hwflow", StringComparison.Ordinal));
        Assert.StartsWith("hwflow: error: the disk is full (", error);
        Assert.EndsWith("nothing was written: free some space and run again", error.Trim());
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.Equal("", File.ReadAllText(listing).Trim());
    }
}
