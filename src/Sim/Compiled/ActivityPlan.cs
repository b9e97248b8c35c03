using HwFlow.Compiler.Rtl;

namespace HwFlow.Sim.Compiled;

/// <summary>A run of consecutive cells (in evaluation order) that is evaluated only when one of its inputs changed.</summary>
internal sealed record Partition(int Index, int Start, int End, int FlagOffset);

/// <summary>
/// Splits the evaluation order into partitions and decides which values are stored. A
/// partition's flag word is set whenever a value it reads changes (a poke, a clock edge, an
/// earlier partition); settling skips partitions whose flag is clear, which is what makes idle
/// logic free (the idea of ESSENT, Beamer and Donofrio). Consecutive runs of a topological order
/// only depend on earlier runs, so one pass in order settles everything. A value is stored only
/// if something outside its partition reads it (a later partition, the clock edge, an output
/// port) or all values were asked for; the rest live in IL locals and are computed on demand
/// when peeked.
/// </summary>
internal sealed class ActivityPlan
{
    /// <summary>
    /// Cost units after which a partition ends at the next cone boundary (a cell no other cell
    /// reads); bigger partitions cost fewer boundary checks, smaller ones skip idle logic more
    /// finely. A partition never grows past four budgets.
    /// </summary>
    private const int PartitionBudget = 120;

    private readonly Dictionary<int, List<int>> _consumers = [];
    private readonly HashSet<int> _stored = [];
    private readonly Dictionary<int, RtlCell> _producer = [];

    public ActivityPlan(StorageLayout layout, bool storeAll)
    {
        var cells = layout.Computed;
        var partitionOfCell = new int[cells.Count];
        var partitions = new List<Partition>();
        var readByCells = new HashSet<int>(cells.SelectMany(layout.Reads).Select(i => layout.Of(i).Offset));
        for (int start = 0; start < cells.Count;)
        {
            int end = start, cost = 0;
            while (end < cells.Count)
            {
                cost += 1 + layout.Of(cells[end].Output).Words;
                bool coneEnds = !readByCells.Contains(layout.Of(cells[end++].Output).Offset);
                if ((cost >= PartitionBudget && coneEnds) || cost >= 4 * PartitionBudget) break;
            }
            for (int i = start; i < end; i++) partitionOfCell[i] = partitions.Count;
            partitions.Add(new Partition(partitions.Count, start, end, layout.AllocateScratch(1)));
            start = end;
        }
        Partitions = partitions;

        var producedBy = new Dictionary<int, int>(); // place offset -> partition
        for (int i = 0; i < cells.Count; i++)
        {
            int offset = layout.Of(cells[i].Output).Offset;
            producedBy[offset] = partitionOfCell[i];
            _producer[offset] = cells[i];
            if (storeAll || layout.Of(cells[i].Output).Words > 1) _stored.Add(offset); // wide values are always worked on in memory
        }
        foreach (var cell in layout.Inlined) _producer[layout.Of(cell.Output).Offset] = cell; // recomputed when peeked
        for (int i = 0; i < cells.Count; i++)
            foreach (var input in layout.Reads(cells[i]))
            {
                var place = layout.Of(input);
                if (place.IsConstant) continue;
                int reader = partitionOfCell[i];
                bool fromElsewhere = !producedBy.TryGetValue(place.Offset, out int producer) || producer != reader;
                if (!fromElsewhere) continue;
                if (producedBy.ContainsKey(place.Offset)) _stored.Add(place.Offset);
                var list = Consumers(place.Offset);
                if (!list.Contains(partitions[reader].FlagOffset)) list.Add(partitions[reader].FlagOffset);
            }
        foreach (var signal in layout.Netlist.EdgeReads().Concat(layout.Netlist.Module.Outputs))
        {
            var place = layout.Of(signal);
            if (!place.IsConstant && producedBy.ContainsKey(place.Offset)) _stored.Add(place.Offset);
        }
    }

    /// <summary>A plan as <see cref="LayoutBinary"/> saved it.</summary>
    internal ActivityPlan(List<Partition> partitions, Dictionary<int, List<int>> consumers, HashSet<int> stored, Dictionary<int, RtlCell> producer)
    {
        Partitions = partitions;
        _consumers = consumers;
        _stored = stored;
        _producer = producer;
    }

    internal (IReadOnlyDictionary<int, List<int>> Consumers, IReadOnlySet<int> Stored, IReadOnlyDictionary<int, RtlCell> Producer) Saved => (_consumers, _stored, _producer);

    public IReadOnlyList<Partition> Partitions { get; }

    /// <summary>Whether the value at this place is written to the state buffer (inputs, state and constants always are).</summary>
    public bool IsStored(int offset) => !_producer.ContainsKey(offset) || _stored.Contains(offset);

    /// <summary>The cell computing the value at a place, if a cell does.</summary>
    public RtlCell? ProducerOf(int offset) => _producer.GetValueOrDefault(offset);

    /// <summary>Flag words of the partitions to wake when the value at this place changes.</summary>
    public IReadOnlyList<int> ConsumerFlags(int offset) => _consumers.TryGetValue(offset, out var list) ? list : [];

    private List<int> Consumers(int offset)
    {
        if (!_consumers.TryGetValue(offset, out var list)) _consumers[offset] = list = [];
        return list;
    }
}
