using System.Reflection.Emit;

namespace HwFlow.Sim.Compiled;

/// <summary>
/// Change tracking shared by the stored values of one partition that wake the same partitions:
/// each value is stored unconditionally and its change (old ^ new) ORed into the batch's
/// trackers; when the partition ends, one test per batch raises the flags. A test and a
/// data-dependent branch per stored value (most of them lane vectors that change every cycle)
/// cost more than the stores they saved. The trackers are set only inside the partition's
/// flag-guarded region, so every batch must be closed before that region ends.
/// </summary>
internal sealed class ChangeBatches(KernelBuilder k)
{
    /// <summary>Batches per partition at most; values waking other sets keep a test each.</summary>
    private const int MaxOpen = 6;

    private sealed record Batch(IReadOnlyList<int> Flags, LocalBuilder Changed, LocalBuilder ChangedLanes)
    {
        public bool HasLanes { get; set; }
    }

    private readonly Dictionary<string, Batch> _open = [];
    private readonly List<(LocalBuilder Changed, LocalBuilder ChangedLanes)> _pool = [];

    /// <summary>The batch for values waking <paramref name="wake"/>, opened (trackers zeroed) at first use; null when too many are open.</summary>
    public (LocalBuilder Changed, LocalBuilder? ChangedLanes)? For(IReadOnlyList<int> wake, bool varying)
    {
        string key = string.Join(",", wake.Order());
        if (!_open.TryGetValue(key, out var batch))
        {
            if (_open.Count >= MaxOpen) return null;
            if (_pool.Count <= _open.Count) _pool.Add((k.IL.DeclareLocal(typeof(ulong)), k.IL.DeclareLocal(LaneMath.VectorType)));
            var (changed, lanes) = _pool[_open.Count];
            _open[key] = batch = new Batch(wake, changed, lanes);
            k.Const(0);
            k.IL.Emit(OpCodes.Stloc, changed);
        }
        if (varying && !batch.HasLanes)
        {
            k.VConst(0);
            k.IL.Emit(OpCodes.Stloc, batch.ChangedLanes);
            batch.HasLanes = true;
        }
        return (batch.Changed, varying ? batch.ChangedLanes : null);
    }

    /// <summary>Raises each open batch's flags if any of its values changed; the batches end.</summary>
    public void CloseAll()
    {
        foreach (var batch in _open.Values)
            SettleCompiler.Wake(k, batch.Flags, () =>
            {
                k.Load(batch.Changed);
                if (!batch.HasLanes) return;
                k.Const(0);
                k.Emit(OpCodes.Cgt_Un);
                k.Load(batch.ChangedLanes);
                k.V("AnyNonZero");
                k.Emit(OpCodes.Or);
            });
        _open.Clear();
    }
}
