using System.Numerics;
using HwFlow.Compiler.Rtl;
using HwFlow.Sim.Netlists;

namespace HwFlow.Sim.Compiled;

/// <summary>
/// A <see cref="StorageLayout"/> and its <see cref="ActivityPlan"/> as bytes, with signals, cells
/// and memories written as their positions in the netlist's lists, so a later run on the same
/// netlist (an <see cref="ILayoutStore"/>) skips the lane analysis, levelizing, layout and
/// partitioning. Saved right after the plan is made, before the emitters add scratch words.
/// Reading checks every position and the end; a mismatch throws <see cref="InvalidDataException"/>.
/// </summary>
internal static class LayoutBinary
{
    private const int Version = 1;

    /// <summary>The bytes of a layout and plan, or null when some value is not one of the netlist's (then it is not saved).</summary>
    public static byte[]? Save(StorageLayout layout, ActivityPlan plan)
    {
        var netlist = layout.Netlist;
        var saved = layout.Saved;
        var planSaved = plan.Saved;
        if (saved.HasVectorConstants || saved.Places.Count != netlist.Signals.Count) return null;
        var signalIndex = Index(netlist.Signals);
        var cellIndex = Index(netlist.Module.Cells);
        bool Known(IEnumerable<RtlCell> cells) => cells.All(cellIndex.ContainsKey);
        if (!Known(layout.Computed) || !Known(saved.Inlined.Values) || !Known(planSaved.Producer.Values)
            || !saved.Luts.Values.All(l => l.Inputs.All(signalIndex.ContainsKey))) return null;

        using var output = new MemoryStream();
        using var w = new BinaryWriter(output);
        w.Write(Version);
        w.Write(layout.Lanes);
        w.Write(netlist.Signals.Count);
        w.Write(netlist.Module.Cells.Count);
        w.Write(netlist.Module.Memories.Count);
        w.Write(Shape(netlist));
        foreach (var signal in netlist.Signals)
        {
            var place = layout.Of(signal);
            w.Write(place.Offset);
            w.Write(place.Words);
            w.Write(place.Lanes);
            w.Write(place.IsConstant);
            if (place.Constant is { } constant)
            {
                var bytes = constant.ToByteArray();
                w.Write(bytes.Length);
                w.Write(bytes);
            }
        }
        foreach (var memory in netlist.Module.Memories)
        {
            w.Write(layout.MemoryOffset(memory));
            w.Write(saved.VaryingMemories.Contains(memory));
        }
        WriteList(w, layout.Computed, c => w.Write(cellIndex[c]));
        WriteList(w, saved.Inlined, p => { w.Write(p.Key); w.Write(cellIndex[p.Value]); });
        WriteList(w, saved.Luts, p =>
        {
            w.Write(p.Key);
            WriteList(w, p.Value.Inputs, s => w.Write(signalIndex[s]));
            w.Write(p.Value.Truth);
        });
        w.Write(layout.Size);
        WriteList(w, plan.Partitions, p => { w.Write(p.Start); w.Write(p.End); w.Write(p.FlagOffset); });
        WriteList(w, planSaved.Consumers, p => { w.Write(p.Key); WriteList(w, p.Value, w.Write); });
        WriteList(w, planSaved.Stored, w.Write);
        WriteList(w, planSaved.Producer, p => { w.Write(p.Key); w.Write(cellIndex[p.Value]); });
        w.Flush();
        return output.ToArray();
    }

    public static (StorageLayout Layout, ActivityPlan Plan) Load(Netlist netlist, int lanes, bool portableLanes, byte[] bytes)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes, writable: false));
            var signals = netlist.Signals;
            var cells = netlist.Module.Cells;
            var memories = netlist.Module.Memories;
            if (r.ReadInt32() != Version || r.ReadInt32() != lanes || r.ReadInt32() != signals.Count
                || r.ReadInt32() != cells.Count || r.ReadInt32() != memories.Count || r.ReadUInt64() != Shape(netlist)) throw Damaged();
            var places = new Dictionary<RtlSignal, Place>(signals.Count);
            foreach (var signal in signals)
            {
                int offset = r.ReadInt32(), words = r.ReadInt32(), copies = r.ReadInt32();
                BigInteger? constant = r.ReadBoolean() ? new BigInteger(r.ReadBytes(r.ReadInt32())) : null;
                places[signal] = new Place(offset, words, constant, copies);
            }
            var memoryOffsets = new Dictionary<RtlMemory, int>(memories.Count);
            var varyingMemories = new List<RtlMemory>();
            foreach (var memory in memories)
            {
                memoryOffsets[memory] = r.ReadInt32();
                if (r.ReadBoolean()) varyingMemories.Add(memory);
            }
            var computed = ReadList(r, () => cells[r.ReadInt32()]);
            var inlined = ReadMap(r, () => cells[r.ReadInt32()]);
            var luts = ReadMap(r, () => new LutCell(ReadList(r, () => signals[r.ReadInt32()]), r.ReadInt32()));
            int size = r.ReadInt32();
            var partitions = new List<Partition>();
            int count = Count(r);
            for (int i = 0; i < count; i++) partitions.Add(new Partition(i, r.ReadInt32(), r.ReadInt32(), r.ReadInt32()));
            var consumers = ReadMap(r, () => ReadList(r, r.ReadInt32));
            var stored = new HashSet<int>(ReadList(r, r.ReadInt32));
            var producer = ReadMap(r, () => cells[r.ReadInt32()]);
            if (r.BaseStream.Position != r.BaseStream.Length) throw Damaged();
            var layout = new StorageLayout(netlist, lanes, places, memoryOffsets, varyingMemories, computed, inlined, luts, size) { PortableLanes = portableLanes };
            return (layout, new ActivityPlan(partitions, consumers, stored, producer));
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException)
        {
            throw Damaged();
        }
    }

    /// <summary>
    /// A hash of the netlist's shape (signal widths and kinds, cell kinds and arities, memory
    /// sizes): the store is keyed by the netlist's content, and this catches a layout of another
    /// netlist with the same counts anyway.
    /// </summary>
    private static ulong Shape(Netlist netlist)
    {
        ulong hash = 14695981039346656037; // FNV-1a over 32-bit values
        void Add(int value) => hash = (hash ^ (uint)value) * 1099511628211;
        foreach (var s in netlist.Signals) { Add(s.Width); Add((int)s.Kind); }
        foreach (var c in netlist.Module.Cells) { Add((int)c.Op); Add(c.Inputs.Count); Add(c.Output.Width); }
        foreach (var m in netlist.Module.Memories) { Add(m.Width); Add(m.Depth); }
        return hash;
    }

    private static InvalidDataException Damaged() => new("the saved layout does not fit this netlist");

    private static Dictionary<T, int> Index<T>(IReadOnlyList<T> items) where T : class
    {
        var index = new Dictionary<T, int>(items.Count, ReferenceEqualityComparer.Instance);
        for (int i = 0; i < items.Count; i++) index[items[i]] = i;
        return index;
    }

    private static void WriteList<T>(BinaryWriter w, IEnumerable<T> items, Action<T> write)
    {
        var list = items as IReadOnlyCollection<T> ?? [.. items];
        w.Write(list.Count);
        foreach (var item in list) write(item);
    }

    private static int Count(BinaryReader r)
    {
        int count = r.ReadInt32();
        return count >= 0 && count <= r.BaseStream.Length ? count : throw Damaged();
    }

    private static List<T> ReadList<T>(BinaryReader r, Func<T> read)
    {
        int count = Count(r);
        var list = new List<T>(count);
        for (int i = 0; i < count; i++) list.Add(read());
        return list;
    }

    private static Dictionary<int, T> ReadMap<T>(BinaryReader r, Func<T> read)
    {
        int count = Count(r);
        var map = new Dictionary<int, T>(count);
        for (int i = 0; i < count; i++) map.Add(r.ReadInt32(), read());
        return map;
    }
}
