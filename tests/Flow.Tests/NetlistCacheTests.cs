using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.IO;

namespace HwFlow.Flow.Tests;

/// <summary>A netlist cache entry is used only under its own key and only when whole.</summary>
public sealed class NetlistCacheTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static RtlModule Counter()
    {
        var b = new ModuleBuilder("hwflow_top");
        var enable = b.Input("en", 1);
        var r = b.Register("count", 9, resetValue: 5, useReset: false);
        b.Next(r, b.Add(r, b.Const(3, 9)), enable);
        var o = b.Output("o", 9);
        b.Assign(o, b.Xor(r, b.Rom("table", 9, [7, 300, 0, 1], b.Slice(r, 0, 2))));
        return RtlFlattener.Flatten(new RtlDesign([b.Build()], "hwflow_top"));
    }

    private static string Printed(RtlModule m) => RtlPrinter.Print(new RtlDesign([m], m.Name));

    [Fact]
    public void An_entry_is_read_back_only_under_its_key_and_only_undamaged()
    {
        var module = Counter();
        var path = _dir.File("entry.netlist");
        byte[] key = [.. Enumerable.Range(0, 16).Select(i => (byte)i)];
        byte[] other = [.. key.Select(b => (byte)(b ^ 1))];
        NetlistCache.TryStore(path, key, module);
        Assert.Equal(Printed(module), Printed(NetlistCache.TryLoad(path, key)!));
        Assert.Null(NetlistCache.TryLoad(path, other)); // stale: another design.rtl or another HwFlow
        Assert.Null(NetlistCache.TryLoad(_dir.File("missing.netlist"), key));
        Assert.Equal(["entry.netlist"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName)); // no temporary file left

        var good = File.ReadAllBytes(path);
        for (int at = 0; at < good.Length; at += Math.Max(1, good.Length / 50))
        {
            var bad = (byte[])good.Clone();
            bad[at] ^= 0x04;
            File.WriteAllBytes(path, bad);
            Assert.Null(NetlistCache.TryLoad(path, key));
        }
        File.WriteAllBytes(path, good[..^1]);
        Assert.Null(NetlistCache.TryLoad(path, key));
    }

    [Fact]
    public void The_oldest_entries_go_when_the_cache_is_full()
    {
        var module = Counter();
        var paths = new List<string>();
        for (int i = 0; i < NetlistCache.MaxEntries + 3; i++)
        {
            var path = _dir.File($"{i:D3}.netlist");
            NetlistCache.TryStore(path, [.. Enumerable.Repeat((byte)i, 16)], module);
            File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i));
            paths.Add(path);
        }
        var left = Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(NetlistCache.MaxEntries, left.Count);
        Assert.Equal(paths.Skip(3).Select(Path.GetFileName), left);
    }

    [Fact]
    public void Pruning_leaves_files_the_cache_did_not_write()
    {
        var module = Counter();
        var foreign = _dir.File("000-user.netlist");
        File.WriteAllText(foreign, "a user's own netlist, older than every entry");
        File.SetLastWriteTimeUtc(foreign, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        for (int i = 0; i < NetlistCache.MaxEntries + 2; i++)
            NetlistCache.TryStore(_dir.File($"{i:D3}.netlist"), [.. Enumerable.Repeat((byte)i, 16)], module);
        Assert.True(File.Exists(foreign));
        Assert.Equal(NetlistCache.MaxEntries + 1, Directory.GetFiles(_dir.Path).Length);
    }
}

/// <summary>The simulator's saved layout is found only under its own netlist key and parameters, and only whole.</summary>
public sealed class LayoutCacheTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_layout_is_read_back_only_for_its_netlist_and_parameters_and_only_undamaged()
    {
        byte[] netlist = [.. Enumerable.Range(0, 16).Select(i => (byte)i)];
        byte[] otherNetlist = [.. netlist.Select(b => (byte)(b ^ 1))];
        byte[] layout = [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 7))];
        var cache = new LayoutCache(_dir.Path, netlist);
        Assert.Null(cache.Load("lanes 8"));
        cache.Store("lanes 8", layout);
        Assert.Equal(layout, cache.Load("lanes 8"));
        Assert.Equal(layout, new LayoutCache(_dir.Path, netlist).Load("lanes 8"));
        Assert.Null(cache.Load("lanes 8, another input")); // another lane setup
        Assert.Null(new LayoutCache(_dir.Path, otherNetlist).Load("lanes 8")); // another design.rtl or another HwFlow

        var path = Assert.Single(Directory.GetFiles(_dir.Path));
        var good = File.ReadAllBytes(path);
        for (int at = 0; at < good.Length; at += 13)
        {
            var bad = (byte[])good.Clone();
            bad[at] ^= 0x20;
            File.WriteAllBytes(path, bad);
            Assert.Null(cache.Load("lanes 8"));
        }
        File.WriteAllBytes(path, good[..^1]);
        Assert.Null(cache.Load("lanes 8"));
    }

    [Fact]
    public void Layouts_and_netlists_are_pruned_apart()
    {
        for (int i = 0; i < LayoutCache.MaxEntries + 2; i++)
            new LayoutCache(_dir.Path, [.. Enumerable.Repeat((byte)i, 16)]).Store("lanes 8", [1, 2, 3]);
        Assert.Equal(LayoutCache.MaxEntries, Directory.GetFiles(_dir.Path, "*.layout").Length);
        var netlist = _dir.File("a.netlist");
        File.WriteAllText(netlist, "not a layout");
        new LayoutCache(_dir.Path, [.. Enumerable.Repeat((byte)200, 16)]).Store("lanes 8", [1]);
        Assert.True(File.Exists(netlist));
    }
}
