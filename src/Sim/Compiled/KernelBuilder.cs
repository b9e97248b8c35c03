using System.Reflection.Emit;

namespace HwFlow.Sim.Compiled;

/// <summary>Generated straight-line code over the state buffer: one call settles or clocks a slice of the design.</summary>
internal unsafe delegate void Kernel(ulong* state);

/// <summary>
/// Writes the IL of one kernel: a static method taking the state buffer's address. Values of at
/// most 64 bits travel on the IL stack as <see cref="ulong"/>; a narrow value computed in this
/// kernel and read again later in it is also kept in an IL local, so the JIT can hold it in a
/// register instead of reloading it. Loads and stores use raw pointers (the buffer is pinned), so
/// there are no bounds checks.
/// </summary>
internal sealed class KernelBuilder
{
    private readonly Dictionary<int, LocalBuilder> _cached = [];
    private readonly Stack<LocalBuilder> _freeValues = new();
    private readonly List<LocalBuilder> _temps = [];
    private int _tempsInUse;
    private LocalBuilder? _trackedWord;

    public KernelBuilder(string name)
    {
        Method = new DynamicMethod(name, typeof(void), [typeof(ulong*)], typeof(KernelBuilder).Module, skipVisibility: true);
        IL = Method.GetILGenerator();
    }

    public DynamicMethod Method { get; }
    public ILGenerator IL { get; }

    /// <summary>Pushes the address of word <paramref name="wordOffset"/> of the state buffer.</summary>
    public void Address(int wordOffset)
    {
        IL.Emit(OpCodes.Ldarg_0);
        if (wordOffset != 0)
        {
            Int(checked(wordOffset * 8));
            IL.Emit(OpCodes.Add);
        }
    }

    /// <summary>Pushes word <paramref name="index"/> of a value (0 past its last word).</summary>
    public void Word(Place place, int index)
    {
        if (index >= place.Words) Const(0);
        else if (place.IsConstant) Const(place.ConstantWord(index));
        else if (place.Words == 1 && _cached.TryGetValue(place.Offset, out var local)) IL.Emit(OpCodes.Ldloc, local);
        else
        {
            Address(place.Offset + index);
            IL.Emit(OpCodes.Ldind_I8);
        }
    }

    /// <summary>
    /// When set, every <see cref="Store"/> also ORs (old word ^ new word) into this local, so the
    /// caller can tell afterwards whether a multi-word value changed.
    /// </summary>
    public LocalBuilder? Tracker { get; set; }

    /// <summary>Stores word <paramref name="index"/> of <paramref name="place"/> from the value <paramref name="push"/> leaves on the stack.</summary>
    public void Store(Place place, int index, Action push)
    {
        if (Tracker is { } tracker)
        {
            var fresh = _trackedWord ??= IL.DeclareLocal(typeof(ulong));
            push();
            IL.Emit(OpCodes.Stloc, fresh);
            Address(place.Offset + index);
            IL.Emit(OpCodes.Ldind_I8);
            Load(fresh);
            IL.Emit(OpCodes.Xor);
            Load(tracker);
            IL.Emit(OpCodes.Or);
            IL.Emit(OpCodes.Stloc, tracker);
            push = () => Load(fresh);
        }
        Address(place.Offset + index);
        push();
        IL.Emit(OpCodes.Stind_I8);
    }

    /// <summary>Evaluates <paramref name="push"/> into a value local (reused after <see cref="ResetCache"/> or <see cref="Release"/>).</summary>
    public LocalBuilder Value(Action push)
    {
        var local = _freeValues.Count > 0 ? _freeValues.Pop() : IL.DeclareLocal(typeof(ulong));
        push();
        IL.Emit(OpCodes.Stloc, local);
        return local;
    }

    public bool IsCached(Place place) => place.Words == 1 && _cached.ContainsKey(place.Offset);

    /// <summary>Later reads of <paramref name="place"/> in this kernel use <paramref name="local"/>.</summary>
    public void Cache(Place place, LocalBuilder local) => _cached[place.Offset] = local;

    /// <summary>Gives a value local back without caching it.</summary>
    public void Free(LocalBuilder local) => _freeValues.Push(local);

    /// <summary>Forgets every cached value (at a point where control flow joins, cached locals may be stale).</summary>
    public void ResetCache()
    {
        foreach (var local in _cached.Values) _freeValues.Push(local);
        _cached.Clear();
    }

    /// <summary>Forgets a kept value after its last reader, so its local can be reused.</summary>
    public void Release(Place place)
    {
        if (_cached.Remove(place.Offset, out var local)) _freeValues.Push(local);
    }

    /// <summary>
    /// A scratch local for values an emitter needs more than once (masks, shift amounts, change
    /// trackers); scratch locals are reused after <see cref="ReleaseTemps"/>, which callers invoke
    /// between cells, so a kernel declares few locals and the JIT can keep them in registers.
    /// </summary>
    public LocalBuilder Temp(Action push)
    {
        if (_tempsInUse == _temps.Count) _temps.Add(IL.DeclareLocal(typeof(ulong)));
        var local = _temps[_tempsInUse++];
        push();
        IL.Emit(OpCodes.Stloc, local);
        return local;
    }

    public void ReleaseTemps() => _tempsInUse = 0;

    public void Load(LocalBuilder local) => IL.Emit(OpCodes.Ldloc, local);

    public void Const(ulong value)
    {
        if (value <= int.MaxValue)
        {
            Int((int)value);
            IL.Emit(OpCodes.Conv_U8);
        }
        else if (value == ulong.MaxValue)
        {
            IL.Emit(OpCodes.Ldc_I4_M1);
            IL.Emit(OpCodes.Conv_I8);
        }
        else IL.Emit(OpCodes.Ldc_I8, (long)value);
    }

    public void Int(int value)
    {
        switch (value)
        {
            case >= -1 and <= 8:
                IL.Emit(value switch
                {
                    -1 => OpCodes.Ldc_I4_M1, 0 => OpCodes.Ldc_I4_0, 1 => OpCodes.Ldc_I4_1, 2 => OpCodes.Ldc_I4_2, 3 => OpCodes.Ldc_I4_3,
                    4 => OpCodes.Ldc_I4_4, 5 => OpCodes.Ldc_I4_5, 6 => OpCodes.Ldc_I4_6, 7 => OpCodes.Ldc_I4_7, _ => OpCodes.Ldc_I4_8,
                });
                break;
            case >= sbyte.MinValue and <= sbyte.MaxValue:
                IL.Emit(OpCodes.Ldc_I4_S, (sbyte)value);
                break;
            default:
                IL.Emit(OpCodes.Ldc_I4, value);
                break;
        }
    }

    /// <summary>Keeps the low <paramref name="bits"/> of the value on the stack.</summary>
    public void Mask(int bits)
    {
        if (bits >= 64) return;
        Const((1UL << bits) - 1);
        IL.Emit(OpCodes.And);
    }

    public void ShiftLeft(int amount)
    {
        if (amount == 0) return;
        Int(amount);
        IL.Emit(OpCodes.Shl);
    }

    public void ShiftRight(int amount, bool arithmetic = false)
    {
        if (amount == 0) return;
        Int(amount);
        IL.Emit(arithmetic ? OpCodes.Shr : OpCodes.Shr_Un);
    }

    /// <summary>Turns the int32 0/1 left by a comparison into a 1-bit value.</summary>
    public void BoolToValue() => IL.Emit(OpCodes.Conv_U8);

    /// <summary>Turns a 1-bit value into an all-zeros or all-ones mask (0 - v).</summary>
    public void Spread(Action pushBit)
    {
        Const(0);
        pushBit();
        IL.Emit(OpCodes.Sub);
    }

    public void Emit(OpCode op) => IL.Emit(op);

    public Kernel Finish()
    {
        IL.Emit(OpCodes.Ret);
        return (Kernel)Method.CreateDelegate(typeof(Kernel));
    }
}
