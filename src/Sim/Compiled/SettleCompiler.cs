using System.Reflection.Emit;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Sim.Compiled;

/// <summary>
/// Emits the settle kernels: for each partition of the <see cref="ActivityPlan"/>, a flag test
/// that skips it when nothing it reads changed, then its cells. A stored value that other
/// partitions read is compared with its old value and, only when it differs, written and their
/// flags raised; values used only inside the partition stay in IL locals.
/// </summary>
internal static class SettleCompiler
{
    /// <summary>Cost units per kernel: large enough to amortise calls, small enough that the JIT keeps optimising (it gives up on huge methods).</summary>
    private const int KernelBudget = 2500;

    /// <summary>
    /// IL bytes after which a kernel ends, whatever its cost: lane code is several times the IL
    /// of scalar code per cell, and the JIT compiles methods of more than 60,000 IL bytes (or
    /// 20,000 instructions) without optimisation.
    /// </summary>
    public const int MaxIlBytes = 20_000;

    /// <param name="completed">Called with each kernel once its last cell is emitted (see <see cref="KernelWarmer"/>).</param>
    /// <param name="image">Where the kernels are defined (see <see cref="KernelImage"/>); null for dynamic methods.</param>
    public static List<KernelBuilder> Compile(StorageLayout layout, ActivityPlan plan, Action<KernelBuilder>? completed = null, KernelImage? image = null)
    {
        var kernels = new List<KernelBuilder>();
        KernelBuilder? kernel = null;
        ChangeBatches? batches = null;
        int cost = 0;
        foreach (var partition in plan.Partitions)
        {
            if (kernel is null || cost > KernelBudget || kernel.IL.ILOffset > MaxIlBytes)
            {
                if (kernel is not null) completed?.Invoke(kernel);
                kernel = new KernelBuilder($"settle_{kernels.Count}", layout.Lanes, layout.VectorConstant, image) { PortableLanes = layout.PortableLanes };
                kernels.Add(kernel);
                batches = new ChangeBatches(kernel);
                cost = 0;
            }
            cost += EmitPartition(kernel, batches!, layout, plan, partition);
        }
        if (kernel is not null) completed?.Invoke(kernel);
        return kernels;
    }

    private static int EmitPartition(KernelBuilder k, ChangeBatches batches, StorageLayout layout, ActivityPlan plan, Partition partition)
    {
        var cells = layout.Computed;
        var lastReader = new Dictionary<int, int>();
        var producedHere = new HashSet<int>();
        for (int i = partition.Start; i < partition.End; i++)
        {
            foreach (var input in layout.Reads(cells[i]))
            {
                var place = layout.Of(input);
                if (place.Words == 1 && producedHere.Contains(place.Offset)) lastReader[place.Offset] = i;
            }
            producedHere.Add(layout.Of(cells[i].Output).Offset);
        }
        var releaseAfter = lastReader.GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.Select(p => p.Key).ToList());

        // A value nobody outside the partition sees, whose readers all ignore the bits above its
        // width, is left unmasked (as Verilator's "clean" analysis does); readers mask as needed.
        var lowBitsOnly = new Dictionary<int, bool>();
        for (int i = partition.Start; i < partition.End; i++)
            for (int operand = 0; operand < cells[i].Inputs.Count; operand++)
            {
                var input = cells[i].Inputs[operand];
                int offset = layout.Of(input).Offset;
                // Through a ZeroExt rename the reader sees more bits than were produced: those must be zero.
                // Lane vectors are kept canonical, so a value a varying cell reads must be too.
                if (producedHere.Contains(offset))
                    lowBitsOnly[offset] = lowBitsOnly.GetValueOrDefault(offset, true) && CellEmitter.ReadsLowBitsOnly(cells[i], operand)
                        && !layout.Of(cells[i].Output).IsVarying
                        && plan.ProducerOf(offset)!.Output.Width == input.Width;
            }
        // Values read through inlined bit fields are fetched by lane cells, which need them canonical.
        for (int i = partition.Start; i < partition.End; i++)
            foreach (var input in layout.Reads(cells[i]).Except(cells[i].Inputs))
                if (producedHere.Contains(layout.Of(input).Offset)) lowBitsOnly[layout.Of(input).Offset] = false;
        var dirty = new HashSet<int>();

        var flag = new Place(partition.FlagOffset, 1, null);
        var skip = k.IL.DefineLabel();
        k.Word(flag, 0);
        k.IL.Emit(OpCodes.Brfalse, skip);
        k.Store(flag, 0, () => k.Const(0));
        var emitter = new CellEmitter(k, layout, plan);
        var lanes = new LaneCellEmitter(k, layout);
        int cost = 0;
        for (int i = partition.Start; i < partition.End; i++)
        {
            var output = layout.Of(cells[i].Output);
            bool mayBeDirty = output.Words == 1 && !output.IsVarying && !plan.IsStored(output.Offset) && lowBitsOnly.GetValueOrDefault(output.Offset);
            cost += output.IsVarying
                ? EmitLaneCell(k, batches, emitter, lanes, layout, plan, cells[i], lastReader.ContainsKey(output.Offset))
                : EmitCell(k, batches, emitter, layout, plan, cells[i], lastReader.ContainsKey(output.Offset), mayBeDirty, dirty);
            if (mayBeDirty) dirty.Add(output.Offset);
            k.ReleaseTemps();
            if (releaseAfter.TryGetValue(i, out var done))
                foreach (var offset in done) k.Release(new Place(offset, 1, null));
        }
        batches.CloseAll();
        k.IL.MarkLabel(skip);
        k.ResetCache();
        return cost;
    }

    private static int EmitCell(KernelBuilder k, ChangeBatches batches, CellEmitter emitter, StorageLayout layout, ActivityPlan plan, Compiler.Rtl.RtlCell cell, bool readHere,
        bool mayBeDirty, HashSet<int> dirty)
    {
        var output = layout.Of(cell.Output);
        bool stored = plan.IsStored(output.Offset);
        if (!stored && !readHere) return 0; // nothing reads it: computed only if peeked
        var wake = plan.ConsumerFlags(output.Offset);
        if (output.Words > 1)
        {
            if (wake.Count == 0)
            {
                emitter.Wide(cell, output);
                return 2 + (2 * output.Words);
            }
            if (batches.For(wake, varying: false) is { } wideBatch)
            {
                k.Tracker = wideBatch.Changed;
                bool tracks = emitter.Wide(cell, output);
                k.Tracker = null;
                if (!tracks) MarkChanged(k, wideBatch.Changed);
                return 2 + (3 * output.Words);
            }
            var changed = k.Temp(() => k.Const(0));
            k.Tracker = changed;
            bool tracked = emitter.Wide(cell, output);
            k.Tracker = null;
            Wake(k, wake, tracked ? () => k.Load(changed) : null);
            return 2 + (4 * output.Words);
        }
        var value = k.Value(() => emitter.Narrow(cell, mayBeDirty, p => !p.IsConstant && dirty.Contains(p.Offset)));
        if (stored && wake.Count == 0) k.Store(output, 0, () => k.Load(value));
        else if (stored && batches.For(wake, varying: false) is { } batch)
        {
            var batched = batch.Changed;
            // batched |= old ^ value, then written: its readers are woken with the batch's.
            k.Address(output.Offset);
            k.Emit(OpCodes.Ldind_I8);
            k.Load(value);
            k.Emit(OpCodes.Xor);
            k.Load(batched);
            k.Emit(OpCodes.Or);
            k.IL.Emit(OpCodes.Stloc, batched);
            k.Store(output, 0, () => k.Load(value));
        }
        else if (stored)
        {
            // Written, and its readers woken, only when it changed.
            var same = k.IL.DefineLabel();
            k.Address(output.Offset);
            k.Emit(OpCodes.Ldind_I8);
            k.Load(value);
            k.IL.Emit(OpCodes.Beq, same);
            k.Store(output, 0, () => k.Load(value));
            foreach (var f in wake) k.Store(new Place(f, 1, null), 0, () => k.Const(1));
            k.IL.MarkLabel(same);
        }
        if (readHere) k.Cache(output, value);
        else k.Free(value);
        return 2 + cell.Inputs.Count + (stored ? 2 + wake.Count : 0);
    }

    /// <summary>
    /// A cell whose value differs between lanes: as lane vectors, or lane by lane with the scalar
    /// emitter when it has no vector form. Stored values are compared with all lanes of the old
    /// one; a change in any lane wakes the readers.
    /// </summary>
    private static int EmitLaneCell(KernelBuilder k, ChangeBatches batches, CellEmitter scalar, LaneCellEmitter lanes, StorageLayout layout, ActivityPlan plan,
        Compiler.Rtl.RtlCell cell, bool readHere)
    {
        var output = layout.Of(cell.Output);
        bool stored = plan.IsStored(output.Offset);
        if (!stored && !readHere) return 0;
        var wake = plan.ConsumerFlags(output.Offset);
        if (output.Words > 1)
        {
            var batch = wake.Count == 0 ? null : batches.For(wake, varying: true);
            if (batch is { } open)
            {
                var (batchChanged, batchLanes) = open;
                if (LaneCellEmitter.CanWide(cell))
                {
                    k.VectorTracker = batchLanes;
                    lanes.Wide(cell, output);
                    k.VectorTracker = null;
                }
                else
                {
                    k.Tracker = batchChanged;
                    for (int lane = 0; lane < layout.Lanes; lane++)
                    {
                        k.Lane = lane;
                        if (!scalar.Wide(cell, output)) MarkChanged(k, batchChanged);
                    }
                    k.Lane = null;
                    k.Tracker = null;
                }
            }
            else if (LaneCellEmitter.CanWide(cell))
            {
                var changed = wake.Count == 0 ? null : k.VTemp(() => k.VConst(0));
                k.VectorTracker = changed;
                lanes.Wide(cell, output);
                k.VectorTracker = null;
                Wake(k, wake, changed is null ? null : () => { k.Load(changed); k.V("AnyNonZero"); });
            }
            else
            {
                var changed = k.Temp(() => k.Const(0));
                k.Tracker = changed;
                for (int lane = 0; lane < layout.Lanes; lane++)
                {
                    k.Lane = lane;
                    scalar.Wide(cell, output);
                }
                k.Lane = null;
                k.Tracker = null;
                Wake(k, wake, () => k.Load(changed));
            }
            return 2 + (4 * output.Words);
        }
        LocalBuilder value;
        if (lanes.CanNarrow(cell)) value = k.VValue(() => lanes.Narrow(cell));
        else
        {
            var perLane = layout.AllocateScratch(output);
            for (int lane = 0; lane < layout.Lanes; lane++)
            {
                k.Lane = lane;
                k.Store(perLane, 0, () => scalar.Narrow(cell));
            }
            k.Lane = null;
            value = k.VValue(() => k.VWord(perLane, 0));
        }
        if (stored && wake.Count == 0) k.VStore(output, 0, () => k.Load(value));
        else if (stored && batches.For(wake, varying: true) is { } laneBatch)
        {
            var batchedLanes = laneBatch.ChangedLanes;
            // batchedLanes |= old ^ value in every lane, then written.
            k.Address(output.Offset);
            k.IL.Emit(OpCodes.Ldobj, LaneMath.VectorType);
            k.Load(value);
            k.V("Xor");
            k.Load(batchedLanes!);
            k.V("Or");
            k.IL.Emit(OpCodes.Stloc, batchedLanes!);
            k.VStore(output, 0, () => k.Load(value));
        }
        else if (stored)
        {
            var same = k.IL.DefineLabel();
            k.Address(output.Offset);
            k.IL.Emit(OpCodes.Ldobj, LaneMath.VectorType);
            k.Load(value);
            k.V("Differ");
            k.IL.Emit(OpCodes.Brfalse, same);
            k.VStore(output, 0, () => k.Load(value));
            foreach (var f in wake) k.Store(new Place(f, 1, null), 0, () => k.Const(1));
            k.IL.MarkLabel(same);
        }
        if (readHere) k.VCache(output, value);
        else k.VFree(value);
        return 2 + cell.Inputs.Count + (stored ? 2 + wake.Count : 0);
    }

    /// <summary>Marks a batch changed whatever the values: for a wide store the emitter could not track.</summary>
    private static void MarkChanged(KernelBuilder k, LocalBuilder changed)
    {
        k.Const(1);
        k.IL.Emit(OpCodes.Stloc, changed);
    }

    /// <summary>Raises the given flags, if <paramref name="changed"/> (a value on the stack) is non-zero, or always when it is null.</summary>
    public static void Wake(KernelBuilder k, IReadOnlyList<int> flags, Action? changed)
    {
        if (flags.Count == 0) return;
        var same = k.IL.DefineLabel();
        if (changed is not null)
        {
            changed();
            k.IL.Emit(OpCodes.Brfalse, same);
        }
        foreach (var f in flags) k.Store(new Place(f, 1, null), 0, () => k.Const(1));
        k.IL.MarkLabel(same);
    }
}
