using System.Reflection.Emit;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Sim.Compiled;

/// <summary>
/// Emits the rising clock edge: memory reads, register updates, memory writes. Every value the
/// edge reads is taken before any state changes, as in hardware: a register or read port whose
/// output is itself read during the edge (a shift register, an address register) is computed
/// into scratch words and committed at the end; all others are written in place.
/// </summary>
internal sealed class EdgeEmitter(StorageLayout layout, ActivityPlan plan)
{
    private const int Budget = 3000;
    private const int GroupSize = 128;

    public List<KernelBuilder> Emit()
    {
        var module = layout.Netlist.Module;
        var readDuringEdge = new HashSet<int>();
        foreach (var s in layout.Netlist.EdgeReads())
        {
            var place = layout.Of(s);
            if (!place.IsConstant) readDuringEdge.Add(place.Offset);
        }
        var commits = new List<(Place Scratch, Place Target)>();
        Place Target(RtlSignal q)
        {
            var place = layout.Of(q);
            if (!readDuringEdge.Contains(place.Offset)) return place;
            var scratch = new Place(layout.AllocateScratch(place.Words), place.Words, null);
            commits.Add((scratch, place));
            return scratch;
        }

        var steps = new List<(int Cost, Action<KernelBuilder> Emit)>();
        foreach (var m in module.Memories)
            foreach (var p in m.ReadPorts)
            {
                var target = Target(p.Data);
                steps.Add((4 + target.Words, kb => Tracked(kb, target, layout.Of(p.Data), () => Read(kb, m, p, target))));
            }
        // A register computed into scratch (its output is read during the edge) must always be
        // written, so only registers updated in place can be skipped as a group.
        bool Groupable(RtlRegister r) => r.Enable is not null && !layout.Of(r.Enable).IsConstant && !readDuringEdge.Contains(layout.Of(r.Q).Offset);
        foreach (var r in module.Registers.Where(r => !Groupable(r)))
        {
            var target = Target(r.Q);
            steps.Add((2 + (4 * target.Words), kb => Tracked(kb, target, layout.Of(r.Q), () => Register(kb, r, target))));
        }
        // Registers sharing an enable (and reset) sit behind one test: when neither is high the
        // whole group is skipped, which is most cycles for FIFOs, buffers and accumulators.
        var groups = module.Registers.Where(Groupable)
            .GroupBy(r => (Enable: layout.Of(r.Enable!).Offset, Reset: r.Reset is null ? -1 : layout.Of(r.Reset).Offset));
        foreach (var group in groups)
            foreach (var chunk in group.Chunk(GroupSize))
            {
                var members = chunk.Select(r => (Register: r, Target: Target(r.Q))).ToList();
                steps.Add((4 + members.Sum(m => 3 * m.Target.Words), kb => EnabledGroup(kb, members)));
            }
        foreach (var m in module.Memories)
            foreach (var p in m.WritePorts)
                steps.Add((4 + layout.Of(p.Data).Words, kb => Write(kb, m, p)));
        foreach (var (scratch, target) in commits)
            steps.Add((target.Words, kb => Tracked(kb, target, target, () => Copy(kb, scratch, target))));

        var kernels = new List<KernelBuilder>();
        KernelBuilder? current = null;
        int cost = 0;
        foreach (var (stepCost, emit) in steps)
        {
            if (current is null || cost + stepCost > Budget)
            {
                current = new KernelBuilder($"edge_{kernels.Count}");
                kernels.Add(current);
                cost = 0;
            }
            emit(current);
            current.ReleaseTemps();
            cost += stepCost;
        }
        return kernels;
    }

    /// <summary>Emits stores into <paramref name="written"/> and, when it is the real place of a value some partition reads, wakes those partitions if any word changed.</summary>
    private void Tracked(KernelBuilder k, Place written, Place real, Action emit)
    {
        var wake = plan.ConsumerFlags(real.Offset);
        if (written != real || wake.Count == 0)
        {
            emit();
            return;
        }
        var changed = k.Temp(() => k.Const(0));
        k.Tracker = changed;
        emit();
        k.Tracker = null;
        SettleCompiler.Wake(k, wake, () => k.Load(changed));
    }

    private void EnabledGroup(KernelBuilder k, List<(RtlRegister Register, Place Target)> members)
    {
        var first = members[0].Register;
        var skip = k.IL.DefineLabel();
        k.Word(layout.Of(first.Enable!), 0);
        if (first.Reset is not null)
        {
            k.Word(layout.Of(first.Reset), 0);
            k.Emit(OpCodes.Or);
        }
        k.IL.Emit(OpCodes.Brfalse, skip);
        foreach (var (register, target) in members)
        {
            // Enable or reset is high here, so q' = rst ? resetValue : d.
            Tracked(k, target, layout.Of(register.Q), () => Register(k, register with { Enable = null }, target));
            k.ReleaseTemps();
        }
        k.IL.MarkLabel(skip);
    }

    /// <summary>q' = rst ? resetValue : en ? d : q, word by word and branch-free.</summary>
    private void Register(KernelBuilder k, RtlRegister r, Place target)
    {
        var q = layout.Of(r.Q);
        var d = layout.Of(r.D);
        var enable = r.Enable is null ? null : k.Temp(() => k.Spread(() => k.Word(layout.Of(r.Enable), 0)));
        var reset = r.Reset is null ? null : k.Temp(() => k.Spread(() => k.Word(layout.Of(r.Reset), 0)));
        for (int j = 0; j < q.Words; j++)
        {
            int word = j;
            k.Store(target, word, () =>
            {
                if (enable is null) k.Word(d, word);
                else
                {
                    k.Word(q, word);
                    k.Word(d, word);
                    k.Word(q, word);
                    k.Emit(OpCodes.Xor);
                    k.Load(enable);
                    k.Emit(OpCodes.And);
                    k.Emit(OpCodes.Xor);
                }
                if (reset is not null)
                {
                    k.Load(reset);
                    k.Emit(OpCodes.Not);
                    k.Emit(OpCodes.And);
                    ulong resetWord = (ulong)((r.ResetValue >> (64 * word)) & ulong.MaxValue);
                    if (resetWord != 0)
                    {
                        k.Load(reset);
                        k.Const(resetWord);
                        k.Emit(OpCodes.And);
                        k.Emit(OpCodes.Or);
                    }
                }
            });
        }
    }

    private void Read(KernelBuilder k, RtlMemory memory, RtlReadPort port, Place target)
    {
        var skip = k.IL.DefineLabel();
        var outside = k.IL.DefineLabel();
        if (port.Enable is not null)
        {
            k.Word(layout.Of(port.Enable), 0);
            k.IL.Emit(OpCodes.Brfalse, skip);
        }
        var word = WordAddress(k, memory, port.Address, outside);
        for (int j = 0; j < target.Words; j++)
        {
            int index = j;
            k.Store(target, index, () => LoadAt(k, word, index));
        }
        k.IL.Emit(OpCodes.Br, skip);
        k.IL.MarkLabel(outside);
        for (int j = 0; j < target.Words; j++) k.Store(target, j, () => k.Const(0));
        k.IL.MarkLabel(skip);
    }

    private void Write(KernelBuilder k, RtlMemory memory, RtlWritePort port)
    {
        var skip = k.IL.DefineLabel();
        k.Word(layout.Of(port.Enable), 0);
        k.IL.Emit(OpCodes.Brfalse, skip);
        var word = WordAddress(k, memory, port.Address, skip);
        var data = layout.Of(port.Data);
        for (int j = 0; j < data.Words; j++)
        {
            k.IL.Emit(OpCodes.Ldloc, word);
            if (j > 0)
            {
                k.Int(8 * j);
                k.Emit(OpCodes.Add);
            }
            k.Word(data, j);
            k.Emit(OpCodes.Stind_I8);
        }
        k.IL.MarkLabel(skip);
    }

    /// <summary>Leaves the address of the addressed memory word in a local, or jumps to <paramref name="outside"/> past the memory's depth.</summary>
    private LocalBuilder WordAddress(KernelBuilder k, RtlMemory memory, RtlSignal addressSignal, Label outside)
    {
        var address = layout.Of(addressSignal);
        for (int j = 1; j < address.Words; j++)
        {
            k.Word(address, j);
            k.IL.Emit(OpCodes.Brtrue, outside);
        }
        var index = k.Temp(() => k.Word(address, 0));
        k.Load(index);
        k.Const((ulong)memory.Depth);
        k.IL.Emit(OpCodes.Bge_Un, outside);
        var pointer = k.IL.DeclareLocal(typeof(ulong*));
        k.Address(layout.MemoryOffset(memory));
        k.Load(index);
        k.Emit(OpCodes.Conv_U);
        k.Int(8 * StorageLayout.WordsOf(memory.Width));
        k.Emit(OpCodes.Mul);
        k.Emit(OpCodes.Add);
        k.IL.Emit(OpCodes.Stloc, pointer);
        return pointer;
    }

    private static void LoadAt(KernelBuilder k, LocalBuilder pointer, int word)
    {
        k.IL.Emit(OpCodes.Ldloc, pointer);
        if (word > 0)
        {
            k.Int(8 * word);
            k.Emit(OpCodes.Add);
        }
        k.Emit(OpCodes.Ldind_I8);
    }

    private static void Copy(KernelBuilder k, Place from, Place to)
    {
        for (int j = 0; j < to.Words; j++)
        {
            int index = j;
            k.Store(to, index, () => k.Word(from, index));
        }
    }
}
