using System.Reflection.Emit;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Sim.Compiled;

/// <summary>
/// Emits the rising clock edge: memory reads, register updates, memory writes. Every value the
/// edge reads is taken before any state changes, as in hardware: a register or read port whose
/// output is itself read during the edge (a shift register, an address register) is computed
/// into scratch words and committed at the end; all others are written in place. With lanes,
/// state that differs between lanes is updated as lane vectors when its control (enable, reset,
/// address) is shared, and lane by lane otherwise.
/// </summary>
/// <param name="image">Where the kernels are defined (see <see cref="KernelImage"/>); null for dynamic methods.</param>
internal sealed class EdgeEmitter(StorageLayout layout, ActivityPlan plan, KernelImage? image = null)
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
            var scratch = layout.AllocateScratch(place);
            commits.Add((scratch, place));
            return scratch;
        }

        var steps = new List<(int Cost, Action<KernelBuilder> Emit)>();
        foreach (var (m, p) in module.Memories.SelectMany(m => m.ReadPorts.Select(p => (m, p))).OrderBy(mp => WakeKey(mp.p.Data), StringComparer.Ordinal))
        {
            var target = Target(p.Data);
            steps.Add((4 + target.Words, kb => TrackedBatch(kb, target, layout.Of(p.Data), () => Read(kb, m, p, target))));
        }
        // A register computed into scratch (its output is read during the edge) must always be
        // written, so only registers updated in place can be skipped as a group; the group's test
        // is one shared enable, so an enable that differs between lanes is not grouped.
        bool Shared(RtlSignal? s) => s is null || !layout.Of(s).IsVarying;
        bool Groupable(RtlRegister r) => r.Enable is not null && !layout.Of(r.Enable).IsConstant && Shared(r.Enable) && Shared(r.Reset)
            && !readDuringEdge.Contains(layout.Of(r.Q).Offset);
        // Registers that wake the same partitions sit next to each other and share one change
        // test (see TrackedBatch), rather than a test and a branch each.
        foreach (var r in module.Registers.Where(r => !Groupable(r)).OrderBy(r => WakeKey(r.Q), StringComparer.Ordinal))
        {
            var target = Target(r.Q);
            steps.Add((2 + (4 * target.Words), kb => TrackedBatch(kb, target, layout.Of(r.Q), () => Register(kb, r, target))));
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
        foreach (var (scratch, target) in commits.OrderBy(c => WakeKey(c.Target), StringComparer.Ordinal))
            steps.Add((target.Words, kb => TrackedBatch(kb, target, target, () => Copy(kb, scratch, target))));

        // A flattened submodule's reset is a rename of the top's input: matched by place.
        var inputPlaces = new HashSet<int>(layout.Netlist.Signals.Where(s => s.Kind == SignalKind.Input).Select(s => layout.Of(s).Offset));
        var resetInputs = module.Registers.Select(r => r.Reset).OfType<RtlSignal>()
            .Where(s => !layout.Of(s).IsConstant && !layout.Of(s).IsVarying && inputPlaces.Contains(layout.Of(s).Offset))
            .DistinctBy(s => layout.Of(s).Offset).ToList();
        var kernels = new List<KernelBuilder>();
        KernelBuilder? current = null;
        int cost = 0;
        foreach (var (stepCost, emit) in steps)
        {
            if (current is null || cost + stepCost > Budget || current.IL.ILOffset > SettleCompiler.MaxIlBytes)
            {
                CloseBatch();
                current = new KernelBuilder($"edge_{kernels.Count}", layout.Lanes, layout.VectorConstant, image) { PortableLanes = layout.PortableLanes };
                kernels.Add(current);
                HoistResets(current, resetInputs);
                cost = 0;
            }
            emit(current);
            current.ReleaseTemps();
            cost += stepCost;
        }
        CloseBatch();
        return kernels;
    }

    private readonly Dictionary<int, (LocalBuilder Mask, LocalBuilder LaneMask)> _resetMasks = [];

    /// <summary>
    /// The all-ones-or-zeros masks of the reset inputs, computed once at the top of a kernel
    /// (inputs never change during an edge) rather than loaded, negated and broadcast again for
    /// every register they reset.
    /// </summary>
    private void HoistResets(KernelBuilder k, List<RtlSignal> resets)
    {
        _resetMasks.Clear();
        foreach (var reset in resets)
        {
            var place = layout.Of(reset);
            var mask = k.IL.DeclareLocal(typeof(ulong));
            k.Spread(() => k.Word(place, 0));
            k.IL.Emit(OpCodes.Stloc, mask);
            LocalBuilder? lanes = null;
            if (layout.Lanes > 1)
            {
                lanes = k.IL.DeclareLocal(LaneMath.VectorType);
                k.Load(mask);
                k.V("Broadcast");
                k.IL.Emit(OpCodes.Stloc, lanes);
            }
            _resetMasks[place.Offset] = (mask, lanes!);
        }
    }

    private string WakeKey(RtlSignal q) => WakeKey(layout.Of(q));

    private string WakeKey(Place place) => string.Join(",", plan.ConsumerFlags(place.Offset).Order());

    private KernelBuilder? _batchKernel;
    private string? _batchKey;
    private IReadOnlyList<int> _batchFlags = [];
    private bool _batchHasLanes;
    private readonly Dictionary<KernelBuilder, (LocalBuilder Changed, LocalBuilder ChangedLanes)> _batchLocals = [];

    /// <summary>
    /// Emits stores into <paramref name="written"/> and, when it is the real place of a value
    /// some partition reads, ORs its change (old ^ new, any word, any lane) into the open batch's
    /// trackers. Consecutive registers and read ports waking the same partitions share one batch,
    /// whose flags are raised once (<see cref="CloseBatch"/>): a register then costs its loads and
    /// stores plus an XOR and an OR, not a test and a branch of its own (a data register changes
    /// unpredictably from cycle to cycle).
    /// </summary>
    private void TrackedBatch(KernelBuilder k, Place written, Place real, Action emit)
    {
        var wake = plan.ConsumerFlags(real.Offset);
        if (written != real || wake.Count == 0)
        {
            emit();
            return;
        }
        string key = WakeKey(real);
        if (_batchKernel != k || _batchKey != key)
        {
            CloseBatch();
            if (!_batchLocals.TryGetValue(k, out var locals))
                _batchLocals[k] = locals = (k.IL.DeclareLocal(typeof(ulong)), k.IL.DeclareLocal(LaneMath.VectorType));
            k.Const(0);
            k.IL.Emit(OpCodes.Stloc, locals.Changed);
            _batchKernel = k;
            _batchKey = key;
            _batchFlags = wake;
            _batchHasLanes = false;
        }
        var (changed, changedLanes) = _batchLocals[k];
        if (real.IsVarying && !_batchHasLanes)
        {
            k.VConst(0);
            k.IL.Emit(OpCodes.Stloc, changedLanes);
            _batchHasLanes = true;
        }
        k.Tracker = changed;
        k.VectorTracker = real.IsVarying ? changedLanes : null;
        emit();
        k.Tracker = null;
        k.VectorTracker = null;
    }

    /// <summary>Raises the open batch's flags if any of its registers changed, and ends it.</summary>
    private void CloseBatch()
    {
        if (_batchKernel is not { } k) return;
        var (changed, changedLanes) = _batchLocals[k];
        bool lanes = _batchHasLanes;
        SettleCompiler.Wake(k, _batchFlags, () =>
        {
            k.Load(changed);
            if (!lanes) return;
            k.Const(0);
            k.Emit(OpCodes.Cgt_Un);
            k.Load(changedLanes);
            k.V("AnyNonZero");
            k.Emit(OpCodes.Or);
        });
        _batchKernel = null;
        _batchKey = null;
    }

    private void EnabledGroup(KernelBuilder k, List<(RtlRegister Register, Place Target)> members)
    {
        CloseBatch();
        var first = members[0].Register;
        var skip = k.IL.DefineLabel();
        k.Word(layout.Of(first.Enable!), 0);
        if (first.Reset is not null)
        {
            k.Word(layout.Of(first.Reset), 0);
            k.Emit(OpCodes.Or);
        }
        k.IL.Emit(OpCodes.Brfalse, skip);
        foreach (var (register, target) in members.OrderBy(m => WakeKey(m.Register.Q), StringComparer.Ordinal))
        {
            // Enable or reset is high here, so q' = rst ? resetValue : d.
            TrackedBatch(k, target, layout.Of(register.Q), () => Register(k, register with { Enable = null }, target));
            k.ReleaseTemps();
        }
        CloseBatch(); // the batch's change trackers are only set on this path
        k.IL.MarkLabel(skip);
    }

    /// <summary>q' = rst ? resetValue : en ? d : q, word by word and branch-free (for all lanes at once when q differs between lanes).</summary>
    private void Register(KernelBuilder k, RtlRegister r, Place target)
    {
        var q = layout.Of(r.Q);
        var d = layout.Of(r.D);
        if (target.IsVarying)
        {
            LaneRegister(k, r, q, d, target);
            return;
        }
        var enable = r.Enable is null ? null : k.Temp(() => k.Spread(() => k.Word(layout.Of(r.Enable), 0)));
        var reset = r.Reset is null ? null
            : _resetMasks.TryGetValue(layout.Of(r.Reset).Offset, out var hoisted) ? hoisted.Mask
            : k.Temp(() => k.Spread(() => k.Word(layout.Of(r.Reset), 0)));
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

    private void LaneRegister(KernelBuilder k, RtlRegister r, Place q, Place d, Place target)
    {
        var enable = r.Enable is null ? null : k.VTemp(LaneMask(k, layout.Of(r.Enable)));
        var reset = r.Reset is null ? null
            : _resetMasks.TryGetValue(layout.Of(r.Reset).Offset, out var hoisted) && hoisted.LaneMask is not null ? hoisted.LaneMask
            : k.VTemp(LaneMask(k, layout.Of(r.Reset)));
        for (int j = 0; j < q.Words; j++)
        {
            int word = j;
            k.VStore(target, word, () =>
            {
                if (reset is not null) k.Load(reset);
                if (enable is null) k.VWord(d, word);
                else
                {
                    k.Load(enable);
                    k.VWord(d, word);
                    k.VWord(q, word);
                    k.V("Select");
                }
                if (reset is not null)
                {
                    // Select(reset, resetWord, value): the value is already on the stack, so swap it in via a temp.
                    var value = k.VTemp(() => { });
                    k.VConst((ulong)((r.ResetValue >> (64 * word)) & ulong.MaxValue));
                    k.Load(value);
                    k.V("Select");
                }
            });
        }
    }

    /// <summary>Pushes the all-ones-or-zeros mask of a 1-bit control signal for every lane.</summary>
    private static Action LaneMask(KernelBuilder k, Place bit) => () =>
    {
        if (bit.IsVarying)
        {
            k.VWord(bit, 0);
            k.V("Spread");
        }
        else
        {
            k.Spread(() => k.Word(bit, 0));
            k.V("Broadcast");
        }
    };

    private void Read(KernelBuilder k, RtlMemory memory, RtlReadPort port, Place target)
    {
        bool sharedControl = !layout.Of(port.Address).IsVarying && (port.Enable is null || !layout.Of(port.Enable).IsVarying);
        if (!target.IsVarying || sharedControl)
        {
            ReadLane(k, memory, port, target, vector: target.IsVarying);
            return;
        }
        for (int lane = 0; lane < layout.Lanes; lane++)
        {
            k.Lane = lane;
            ReadLane(k, memory, port, target, vector: false);
        }
        k.Lane = null;
    }

    /// <summary>One read: of lane <see cref="KernelBuilder.Lane"/>, or of all lanes of a varying memory at a shared address (<paramref name="vector"/>).</summary>
    private void ReadLane(KernelBuilder k, RtlMemory memory, RtlReadPort port, Place target, bool vector)
    {
        var skip = k.IL.DefineLabel();
        var outside = k.IL.DefineLabel();
        if (port.Enable is not null)
        {
            k.Word(layout.Of(port.Enable), 0);
            k.IL.Emit(OpCodes.Brfalse, skip);
        }
        var word = WordAddress(k, memory, port.Address, outside, lane: vector ? 0 : k.Lane ?? 0);
        int stride = layout.LanesOf(memory);
        for (int j = 0; j < target.Words; j++)
        {
            int index = j;
            if (vector)
            {
                k.VStore(target, index, () =>
                {
                    LoadAt(k, word, index * stride, vector: stride > 1);
                    if (stride == 1) k.V("Broadcast");
                });
            }
            else k.Store(target, index, () => LoadAt(k, word, index * stride, vector: false));
        }
        k.IL.Emit(OpCodes.Br, skip);
        k.IL.MarkLabel(outside);
        for (int j = 0; j < target.Words; j++)
        {
            if (vector) k.VStore(target, j, () => k.VConst(0));
            else k.Store(target, j, () => k.Const(0));
        }
        k.IL.MarkLabel(skip);
    }

    private void Write(KernelBuilder k, RtlMemory memory, RtlWritePort port)
    {
        if (layout.LanesOf(memory) == 1)
        {
            WriteLane(k, memory, port, vector: false);
            return;
        }
        bool sharedControl = !layout.Of(port.Address).IsVarying && !layout.Of(port.Enable).IsVarying;
        if (sharedControl)
        {
            WriteLane(k, memory, port, vector: true);
            return;
        }
        for (int lane = 0; lane < layout.Lanes; lane++)
        {
            k.Lane = lane;
            WriteLane(k, memory, port, vector: false);
        }
        k.Lane = null;
    }

    private void WriteLane(KernelBuilder k, RtlMemory memory, RtlWritePort port, bool vector)
    {
        var skip = k.IL.DefineLabel();
        k.Word(layout.Of(port.Enable), 0);
        k.IL.Emit(OpCodes.Brfalse, skip);
        int stride = layout.LanesOf(memory);
        var word = WordAddress(k, memory, port.Address, skip, lane: vector ? 0 : k.Lane ?? 0);
        var data = layout.Of(port.Data);
        for (int j = 0; j < data.Words; j++)
        {
            k.IL.Emit(OpCodes.Ldloc, word);
            if (j > 0)
            {
                k.Int(8 * j * stride);
                k.Emit(OpCodes.Add);
            }
            if (vector)
            {
                k.VWord(data, j);
                k.IL.Emit(OpCodes.Stobj, LaneMath.VectorType);
            }
            else
            {
                k.Word(data, j);
                k.Emit(OpCodes.Stind_I8);
            }
        }
        k.IL.MarkLabel(skip);
    }

    /// <summary>
    /// Leaves the address of word 0 of the addressed entry (in lane <paramref name="lane"/> of a
    /// memory held per lane) in a local, or jumps to <paramref name="outside"/> past the memory's depth.
    /// </summary>
    private LocalBuilder WordAddress(KernelBuilder k, RtlMemory memory, RtlSignal addressSignal, Label outside, int lane)
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
        k.Address(layout.MemoryWord(memory, 0, 0, lane));
        k.Load(index);
        k.Emit(OpCodes.Conv_U);
        k.Int(8 * StorageLayout.WordsOf(memory.Width) * layout.LanesOf(memory));
        k.Emit(OpCodes.Mul);
        k.Emit(OpCodes.Add);
        k.IL.Emit(OpCodes.Stloc, pointer);
        return pointer;
    }

    private static void LoadAt(KernelBuilder k, LocalBuilder pointer, int word, bool vector)
    {
        k.IL.Emit(OpCodes.Ldloc, pointer);
        if (word > 0)
        {
            k.Int(8 * word);
            k.Emit(OpCodes.Add);
        }
        if (vector) k.IL.Emit(OpCodes.Ldobj, LaneMath.VectorType);
        else k.Emit(OpCodes.Ldind_I8);
    }

    private static void Copy(KernelBuilder k, Place from, Place to)
    {
        for (int j = 0; j < to.Words; j++)
        {
            int index = j;
            if (to.IsVarying) k.VStore(to, index, () => k.VWord(from, index));
            else k.Store(to, index, () => k.Word(from, index));
        }
    }
}
