using System.IO.Hashing;
using System.Text;
using HwFlow.Sim;

namespace HwFlow.Flow;

/// <summary>
/// The simulator's layout and activity plan of one cached netlist (<see cref="ILayoutStore"/>),
/// beside its netlist entry: the entry's key is the XXH128 of the netlist's key (design.rtl and
/// the HwFlow assemblies, which include the simulator's) and the simulator's parameters, so a
/// changed design, HwFlow or lane setup never reads another's layout.
/// </summary>
internal sealed class LayoutCache(string root, byte[] netlistKey) : ILayoutStore
{
    private static readonly byte[] Magic = "hwflow-layout 1\n"u8.ToArray();

    /// <summary>Entries kept (each netlist usually has one).</summary>
    internal const int MaxEntries = 64;

    public byte[]? Load(string parameters)
    {
        var (path, key) = Entry(parameters);
        return CacheEntry.TryOpen(path, Magic, key)?.ToArray();
    }

    public void Store(string parameters, byte[] layout)
    {
        var (path, key) = Entry(parameters);
        CacheEntry.TryWrite(path, Magic, key, MaxEntries, output => output.Write(layout));
    }

    private (string Path, byte[] Key) Entry(string parameters)
    {
        var hash = new XxHash128();
        hash.Append(Magic);
        hash.Append(netlistKey);
        hash.Append(Encoding.UTF8.GetBytes(parameters));
        byte[] key = hash.GetCurrentHash();
        return (System.IO.Path.Combine(root, Convert.ToHexStringLower(key) + ".layout"), key);
    }
}
