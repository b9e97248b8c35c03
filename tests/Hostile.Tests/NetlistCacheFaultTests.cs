using HwFlow.Cli.Tests;
using System.Text.Json.Nodes;

namespace HwFlow.Hostile.Tests;

/// <summary>
/// `hwflow sim` keeps the flattened netlist, and the lane simulator's layout of it, in a per-user
/// cache (NetlistCache, LayoutCache): the cache can be empty, filled, damaged, truncated, written by
/// two runs at once or turned off, and every run gives the same results, a damaged entry is
/// replaced by a good one, and no temporary file stays. A changed design.rtl gets entries of its own.
/// </summary>
public sealed class NetlistCacheFaultTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Sim_results_are_the_same_with_the_netlist_cache_empty_filled_damaged_raced_and_off()
    {
        var build = HostileCase.CompiledExample("tiny-hbnn");
        var cache = _dir.File("cache");
        var entries = Path.Combine(cache, "netlists");
        var on = new Dictionary<string, string> { ["HWFLOW_CACHE"] = cache };
        var off = new Dictionary<string, string> { ["HWFLOW_CACHE"] = cache, ["HWFLOW_NETLIST_CACHE"] = "0" };
        string[] sim = ["sim", build, "--dataset", "fashion-mnist", "--count", "16", "--lanes", "8", "--json"];
        string Run(IReadOnlyDictionary<string, string> environment)
        {
            var result = CliProcess.RunWithEnvironment(environment, sim);
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.DoesNotContain("Exception", result.Stderr);
            var json = JsonNode.Parse(result.Stdout)!.AsObject();
            json.Remove("cyclesPerSecond"); // the one number that depends on the machine
            json.Remove("build"); // the folder, which the last run changes
            return json.ToJsonString();
        }

        var uncached = Run(off);
        Assert.False(Directory.Exists(entries), "HWFLOW_NETLIST_CACHE=0 still wrote the cache");
        Assert.Contains("\"goldenCheck\":\"all 16 equal\"", uncached);

        Assert.Equal(uncached, Run(on)); // fills the cache
        var entry = Assert.Single(Directory.GetFiles(entries, "*.netlist"));
        var layout = Assert.Single(Directory.GetFiles(entries, "*.layout"));
        Assert.Equal(2, Directory.GetFiles(entries).Length);
        var good = File.ReadAllBytes(entry);
        var goodLayout = File.ReadAllBytes(layout);
        Assert.Equal(uncached, Run(on)); // reads them
        Assert.Equal(good, File.ReadAllBytes(entry));
        Assert.Equal(goodLayout, File.ReadAllBytes(layout));

        foreach (var (file, bytes) in new[] { (entry, good), (layout, goodLayout) })
        {
            var flipped = (byte[])bytes.Clone();
            flipped[bytes.Length / 2] ^= 0x10; // one bit in the middle
            File.WriteAllBytes(file, flipped);
            Assert.Equal(uncached, Run(on));
            Assert.Equal(bytes, File.ReadAllBytes(file));

            File.WriteAllBytes(file, bytes[..(bytes.Length / 3)]); // what a full disk leaves
            Assert.Equal(uncached, Run(on));
            Assert.Equal(bytes, File.ReadAllBytes(file));
        }

        File.Delete(entry);
        File.Delete(layout);
        var both = await Task.WhenAll(Task.Run(() => Run(on)), Task.Run(() => Run(on)));
        Assert.All(both, r => Assert.Equal(uncached, r));
        Assert.Equal(good, File.ReadAllBytes(Assert.Single(Directory.GetFiles(entries, "*.netlist"))));
        Assert.Equal(goodLayout, File.ReadAllBytes(Assert.Single(Directory.GetFiles(entries, "*.layout"))));
        Assert.Equal(2, Directory.GetFiles(entries).Length);

        // Same timestamps or not, another design.rtl (here one comment more) is another key: new entries, same results.
        var changed = _dir.File("changed");
        CopyTree(build, changed);
        File.AppendAllText(Path.Combine(changed, "design.rtl"), "# changed\n");
        File.SetLastWriteTimeUtc(Path.Combine(changed, "design.rtl"), File.GetLastWriteTimeUtc(Path.Combine(build, "design.rtl")));
        sim[1] = changed;
        Assert.Equal(uncached, Run(on));
        Assert.Equal(2, Directory.GetFiles(entries, "*.netlist").Length);
        Assert.Equal(2, Directory.GetFiles(entries, "*.layout").Length);
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var folder in Directory.GetDirectories(from)) CopyTree(folder, Path.Combine(to, Path.GetFileName(folder)));
    }
}
