using HwFlow.Cli.Tests;
using HwFlow.Sim.Verilator;

namespace HwFlow.Hostile.Tests;

/// <summary>
/// The Verilator model cache checks an entry before using it: the completion marker, written
/// last, must match the entry's files. A damaged entry is rebuilt with one line saying so, and
/// two processes building the same entry at once both succeed.
/// </summary>
public sealed class CacheFaultTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Entry(string name, params (string File, string Text)[] files)
    {
        var folder = _dir.File(name);
        Directory.CreateDirectory(folder);
        foreach (var (file, text) in files) File.WriteAllText(Path.Combine(folder, file), text);
        return folder;
    }

    [Fact]
    public void A_sealed_entry_is_good_until_a_file_changes()
    {
        var folder = Entry("e", ("Vtop", "program"), ("top.v", "module top; endmodule"));
        CacheEntry.Seal(folder);
        var entry = new CacheEntry(folder);
        Assert.Null(entry.Problem());
        File.WriteAllText(Path.Combine(folder, "Vtop"), "progran"); // same length, one byte off
        Assert.Contains("do not match the completion marker", entry.Problem());
    }

    [Fact]
    public void An_entry_without_its_marker_is_an_interrupted_build()
    {
        var entry = new CacheEntry(Entry("e", ("Vtop", "program")));
        Assert.Contains("no completion marker", entry.Problem());
        Assert.Equal("missing", new CacheEntry(_dir.File("none")).Problem());
    }

    [Fact]
    public void Commit_keeps_a_good_entry_that_won_the_race_and_replaces_a_bad_one()
    {
        var target = Entry("e", ("Vtop", "first"));
        CacheEntry.Seal(target);
        var late = Entry(".building-late", ("Vtop", "second"));
        CacheEntry.Seal(late);
        new CacheEntry(target).Commit(late);
        Assert.Equal("first", File.ReadAllText(Path.Combine(target, "Vtop")));
        Assert.False(Directory.Exists(late));

        File.Delete(Path.Combine(target, CacheEntry.MarkerFile)); // now a bad entry is in the way
        var fresh = Entry(".building-fresh", ("Vtop", "third"));
        CacheEntry.Seal(fresh);
        new CacheEntry(target).Commit(fresh);
        Assert.Equal("third", File.ReadAllText(Path.Combine(target, "Vtop")));
        Assert.Null(new CacheEntry(target).Problem());
        Assert.Equal(["e"], Directory.GetFileSystemEntries(_dir.Path).Select(Path.GetFileName));
    }

    /// <summary>Issue 18: an overwritten model binary broke every later cosim with an Exec format error and a stack trace.</summary>
    [Fact]
    public async Task Two_cosims_build_one_entry_at_once_and_a_damaged_binary_is_rebuilt_saying_so()
    {
        var build = _dir.File("build");
        foreach (var file in Directory.EnumerateFiles(HostileCase.CompiledExample("tiny-hbnn"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(build, Path.GetRelativePath(HostileCase.CompiledExample("tiny-hbnn"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var cache = _dir.File("cache");
        var environment = new Dictionary<string, string> { ["HWFLOW_CACHE"] = cache };
        string[] cosim = ["cosim", build, "--dataset", "fashion-mnist", "--count", "3", "--lanes", "1", "--stall-prob", "0.2"];

        var both = await Task.WhenAll(Task.Run(() => CliProcess.RunWithEnvironment(environment, cosim)), Task.Run(() => CliProcess.RunWithEnvironment(environment, cosim)));
        Assert.All(both, r => Assert.True(r.ExitCode == 0, r.ToString()));
        var entries = Directory.GetDirectories(Path.Combine(cache, "verilator"));
        var entry = Assert.Single(entries, e => !Path.GetFileName(e).StartsWith("failed-", StringComparison.Ordinal));
        Assert.Null(new CacheEntry(entry).Problem());
        Assert.DoesNotContain(entries, e => Path.GetFileName(e).StartsWith('.'));

        // What a crash mid-write or a full disk leaves: the program overwritten with something that is not one.
        var binary = Path.Combine(entry, "Vhwflow_top");
        File.WriteAllBytes(binary, [0x01, 0x02, 0x03]);
        var again = CliProcess.RunWithEnvironment(environment, cosim);
        Assert.True(again.ExitCode == 0, again.ToString());
        var notice = Assert.Single(again.Stderr.Split('\n'), l => l.Contains("cached Verilator model", StringComparison.Ordinal));
        Assert.Contains("do not match the completion marker", notice);
        Assert.EndsWith("rebuilding it", notice.Trim());
        Assert.DoesNotContain("Exception", again.Stderr);
        Assert.Null(new CacheEntry(entry).Problem());
    }
}
