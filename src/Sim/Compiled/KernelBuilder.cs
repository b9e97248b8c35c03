using System.Reflection;
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
/// <para>
/// With lanes, a value that differs between lanes (<see cref="Place.IsVarying"/>) travels as a
/// <see cref="LaneMath.VectorType"/> (one lane per element) through the V* methods; scalar code
/// may still touch one lane of it when <see cref="Lane"/> is set (the per-lane fallback).
/// </para>
/// </summary>
internal sealed class KernelBuilder
{
    private readonly Dictionary<int, LocalBuilder> _cached = [];
    private readonly Stack<LocalBuilder> _freeValues = new();
    private readonly List<LocalBuilder> _temps = [];
    private readonly Dictionary<int, LocalBuilder> _vectorCached = [];
    private readonly Stack<LocalBuilder> _freeVectors = new();
    private readonly List<LocalBuilder> _vectorTemps = [];
    private int _tempsInUse;
    private int _vectorTempsInUse;
    private LocalBuilder? _trackedWord;
    private LocalBuilder? _trackedVector;

    private readonly Func<ulong, int>? _vectorConstant;
    private readonly Dictionary<Type, LocalBuilder> _scratch = [];

    /// <param name="vectorConstant">Where a lane vector holding a constant in every lane is (see <see cref="StorageLayout.VectorConstant"/>).</param>
    /// <param name="image">The image to define the kernel in (then it runs only once the image is saved and loaded), or null for a dynamic method.</param>
    public KernelBuilder(string name, int lanes = 1, Func<ulong, int>? vectorConstant = null, KernelImage? image = null)
    {
        if (image is null)
        {
            var method = new DynamicMethod(name, typeof(void), [typeof(ulong*)], typeof(KernelBuilder).Module, skipVisibility: true);
            (Method, IL) = (method, method.GetILGenerator());
        }
        else
        {
            var method = image.Define(name);
            (Method, IL) = (method, method.GetILGenerator());
        }
        Lanes = lanes;
        _vectorConstant = vectorConstant;
    }

    /// <summary>A local of <paramref name="type"/> for an operation's own use, valid only until the next such operation.</summary>
    public LocalBuilder Scratch(Type type)
    {
        if (!_scratch.TryGetValue(type, out var local)) _scratch[type] = local = IL.DeclareLocal(type);
        return local;
    }

    /// <summary>Lanes simulated at once.</summary>
    public int Lanes { get; }

    /// <summary>Lane operations in their portable form (no AVX-512 here, or forced by tests).</summary>
    public bool PortableLanes { get; init; } = !LaneMath.Accelerated;

    /// <summary>The lane scalar code reads and writes varying values in; null outside the per-lane fallback.</summary>
    public int? Lane { get; set; }

    /// <summary>The kernel's method: a dynamic method, or a method of a <see cref="KernelImage"/>.</summary>
    public MethodInfo Method { get; }
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

    /// <summary>Pushes word <paramref name="index"/> of a value (0 past its last word); of lane <see cref="Lane"/> for a varying value.</summary>
    public void Word(Place place, int index)
    {
        if (index >= place.Words) Const(0);
        else if (place.IsConstant) Const(place.ConstantWord(index));
        else if (place.IsVarying && place.Words == 1 && _vectorCached.TryGetValue(place.Offset, out var vector))
        {
            IL.Emit(OpCodes.Ldloc, vector);
            LaneMath.Element(this, CurrentLane(place));
        }
        else if (!place.IsVarying && place.Words == 1 && _cached.TryGetValue(place.Offset, out var local)) IL.Emit(OpCodes.Ldloc, local);
        else
        {
            Address(place.At(index, CurrentLane(place)));
            IL.Emit(OpCodes.Ldind_I8);
        }
    }

    private int CurrentLane(Place place) =>
        !place.IsVarying ? 0 : Lane ?? throw new InvalidOperationException("scalar code touched a varying value outside the per-lane fallback");

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
            Address(place.At(index, CurrentLane(place)));
            IL.Emit(OpCodes.Ldind_I8);
            Load(fresh);
            IL.Emit(OpCodes.Xor);
            Load(tracker);
            IL.Emit(OpCodes.Or);
            IL.Emit(OpCodes.Stloc, tracker);
            push = () => Load(fresh);
        }
        Address(place.At(index, CurrentLane(place)));
        push();
        IL.Emit(OpCodes.Stind_I8);
    }

    /// <summary>Pushes word <paramref name="index"/> of a value for all lanes: loaded, or broadcast from a shared value or constant.</summary>
    public void VWord(Place place, int index)
    {
        if (!place.IsVarying)
        {
            Word(place, index);
            V("Broadcast");
        }
        else if (index >= place.Words) VConst(0);
        else if (place.Words == 1 && _vectorCached.TryGetValue(place.Offset, out var local)) IL.Emit(OpCodes.Ldloc, local);
        else
        {
            Address(place.At(index, 0));
            IL.Emit(OpCodes.Ldobj, LaneMath.VectorType);
        }
    }

    /// <summary>Pushes a constant in every lane, loaded from the state buffer's pool of constant vectors.</summary>
    public void VConst(ulong value)
    {
        if (_vectorConstant is null) throw new InvalidOperationException("this kernel has no pool of vector constants");
        Address(_vectorConstant(value));
        IL.Emit(OpCodes.Ldobj, LaneMath.VectorType);
    }

    /// <summary>When set, every <see cref="VStore"/> ORs (old ^ new) into this vector local.</summary>
    public LocalBuilder? VectorTracker { get; set; }

    /// <summary>Stores word <paramref name="index"/> of all lanes of a varying place from the vector <paramref name="push"/> leaves.</summary>
    public void VStore(Place place, int index, Action push)
    {
        if (!place.IsVarying) throw new InvalidOperationException("a vector store needs a varying place");
        if (VectorTracker is { } tracker)
        {
            var fresh = _trackedVector ??= IL.DeclareLocal(LaneMath.VectorType);
            push();
            IL.Emit(OpCodes.Stloc, fresh);
            Address(place.At(index, 0));
            IL.Emit(OpCodes.Ldobj, LaneMath.VectorType);
            Load(fresh);
            V("Xor");
            Load(tracker);
            V("Or");
            IL.Emit(OpCodes.Stloc, tracker);
            push = () => Load(fresh);
        }
        Address(place.At(index, 0));
        push();
        IL.Emit(OpCodes.Stobj, LaneMath.VectorType);
    }

    /// <summary>Evaluates <paramref name="push"/> (a vector) into a vector value local.</summary>
    public LocalBuilder VValue(Action push)
    {
        var local = _freeVectors.Count > 0 ? _freeVectors.Pop() : IL.DeclareLocal(LaneMath.VectorType);
        push();
        IL.Emit(OpCodes.Stloc, local);
        return local;
    }

    public bool IsVCached(Place place) => place.Words == 1 && _vectorCached.ContainsKey(place.Offset);

    public void VCache(Place place, LocalBuilder local) => _vectorCached[place.Offset] = local;

    public void VFree(LocalBuilder local) => _freeVectors.Push(local);

    /// <summary>A scratch vector local, reused after <see cref="ReleaseTemps"/>.</summary>
    public LocalBuilder VTemp(Action push)
    {
        if (_vectorTempsInUse == _vectorTemps.Count) _vectorTemps.Add(IL.DeclareLocal(LaneMath.VectorType));
        var local = _vectorTemps[_vectorTempsInUse++];
        push();
        IL.Emit(OpCodes.Stloc, local);
        return local;
    }

    /// <summary>Emits a <see cref="LaneMath"/> operation on the vectors (and ints) on the stack.</summary>
    public void V(string operation) => LaneMath.Emit(this, operation);

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
        foreach (var local in _vectorCached.Values) _freeVectors.Push(local);
        _vectorCached.Clear();
    }

    /// <summary>Forgets a kept value after its last reader, so its local can be reused.</summary>
    public void Release(Place place)
    {
        if (_cached.Remove(place.Offset, out var local)) _freeValues.Push(local);
        if (_vectorCached.Remove(place.Offset, out var vector)) _freeVectors.Push(vector);
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

    public void ReleaseTemps()
    {
        _tempsInUse = 0;
        _vectorTempsInUse = 0;
    }

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

    private Kernel? _finished;
    private bool _ended;

    /// <summary>Ends the kernel's IL (once; later calls do nothing): no IL may be added after this.</summary>
    public void End()
    {
        if (_ended) return;
        IL.Emit(OpCodes.Ret);
        _ended = true;
    }

    /// <summary>Ends a dynamic-method kernel and gives its delegate (the same one on later calls).</summary>
    public Kernel Finish()
    {
        End();
        return _finished ??= Method is DynamicMethod dynamic
            ? (Kernel)dynamic.CreateDelegate(typeof(Kernel))
            : throw new InvalidOperationException("a kernel of an image runs only once the image is saved and loaded");
    }
}
