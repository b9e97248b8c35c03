using System.IO.Hashing;
using HwFlow.Compiler.Hardware.Build;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.IO;
using HwFlow.Sim;
using HwFlow.Sim.Netlists;

namespace HwFlow.Flow;

/// <summary>
/// The checked, flattened netlist of a build, kept in binary form (<see cref="RtlBinary"/>) in a
/// per-user cache, so a short `hwflow sim` or `cosim` reads it in a few milliseconds instead of
/// parsing, checking and flattening design.rtl (a quarter of a second on fmnist-hbnn-mlp). The
/// entry is named by a 128-bit hash (XXH128) of design.rtl and of the HwFlow assemblies that
/// parse, check and flatten it (their module version ids, which change with every change to
/// them); it starts with that key and ends with the XXH128 of everything before it (a check
/// against damage, not against an adversary: the cache is the user's own), so a stale or damaged entry
/// is never used: the design is loaded from its text again and the entry rewritten. Entries are
/// written to a temporary file and moved into place (concurrent runs each write a whole file;
/// the last move wins). The cache is never needed for a result: writing is best effort, and
/// HWFLOW_NETLIST_CACHE=0 turns it off. Cache root: $HWFLOW_CACHE/netlists (default ~/.cache/hwflow/netlists).
/// </summary>
public static class NetlistCache
{
    private static readonly byte[] Magic = "hwflow-netlist 1\n"u8.ToArray();

    public static string Root =>
        Environment.GetEnvironmentVariable("HWFLOW_CACHE") is { Length: > 0 } root
            ? Path.Combine(root, "netlists")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "hwflow", "netlists");

    public static bool Enabled => Environment.GetEnvironmentVariable("HWFLOW_NETLIST_CACHE") != "0";

    /// <summary>The netlist of <paramref name="folder"/>'s design.rtl: from the cache when a valid entry exists, else loaded from the text (and cached).</summary>
    public static Netlist Of(BuildFolder folder) => Load(folder).Netlist;

    /// <summary>
    /// The netlist as <see cref="Of"/> gives it, and where the simulator keeps its layout of that
    /// netlist (<see cref="LayoutCache"/>, keyed by the same hash of design.rtl and HwFlow; null with the cache off).
    /// </summary>
    public static (Netlist Netlist, ILayoutStore? Layouts) Load(BuildFolder folder)
    {
        string designPath = folder.File(BuildFolder.DesignFile);
        if (!Enabled || !File.Exists(designPath)) return (Netlist.Of(folder.Design), null);
        byte[] key = Key(InputFile.ReadAllBytes(designPath));
        string path = Path.Combine(Root, Convert.ToHexStringLower(key) + ".netlist");
        StartupLaps.Lap("netlist cache: design.rtl hashed");
        var layouts = new LayoutCache(Root, key);
        if (TryLoad(path, key) is { } flat)
        {
            StartupLaps.Lap("netlist cache: entry read");
            folder.CheckFlatTop(flat);
            var cached = Netlist.OfChecked(flat);
            StartupLaps.Lap("netlist cache: netlist checked");
            return (cached, layouts);
        }
        var netlist = Netlist.Of(folder.Design);
        TryStore(path, key, netlist.Module);
        return (netlist, layouts);
    }

    private static byte[] Key(byte[] design)
    {
        var hash = new XxHash128();
        hash.Append(Magic);
        foreach (var assembly in new[] { typeof(RtlParser).Assembly, typeof(Netlist).Assembly, typeof(NetlistCache).Assembly })
            hash.Append(assembly.ManifestModule.ModuleVersionId.ToByteArray());
        hash.Append(design);
        return hash.GetCurrentHash();
    }

    internal static RtlModule? TryLoad(string path, byte[] key)
    {
        if (CacheEntry.TryOpen(path, Magic, key) is not { } payload) return null;
        try
        {
            using var reader = new BinaryReader(payload);
            var module = RtlBinary.Read(reader);
            return reader.BaseStream.Position == reader.BaseStream.Length ? module : null;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>Entries kept: every HwFlow build and every design makes a new one, so the oldest go (a pruned design is only loaded from its text again).</summary>
    internal const int MaxEntries = 64;

    internal static void TryStore(string path, byte[] key, RtlModule flat) =>
        CacheEntry.TryWrite(path, Magic, key, MaxEntries, output =>
        {
            using var writer = new BinaryWriter(output, System.Text.Encoding.UTF8, leaveOpen: true);
            RtlBinary.Write(flat, writer);
        });
}
