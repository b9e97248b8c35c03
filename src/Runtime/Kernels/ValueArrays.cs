using System.Collections.Concurrent;
using HwFlow.Runtime.Graph;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// The packed engine's value arrays, reused from batch to batch: when the executor classifies, a
/// batch's values are dead once its classes are known, and it hands them back
/// (<see cref="INodeKernel.Release"/>). A conv model's values between layers are tens of megabytes
/// per batch; fresh arrays of that size cost a page fault per 4 KB written (measured: about half of
/// fmnist-hbnn-cnn's time on the packed engine before this). Arrays are handed out by exact length,
/// and a kernel that takes one writes every element.
/// </summary>
internal sealed class ValueArrays
{
    private readonly ConcurrentDictionary<(Type Type, int Length), ConcurrentBag<Array>> _free = new();

    // only arrays made here come back (a golden-kernel op's value might share an array it keeps); weak, so
    // that arrays of values never released (RunAll's, handed to the caller) are collected as usual
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<Array, object> _made = new();

    public T[] Rent<T>(long length)
        where T : unmanaged
    {
        if (length > int.MaxValue) return new T[length];
        if (_free.TryGetValue((typeof(T), (int)length), out var bag) && bag.TryTake(out var array)) return (T[])array;
        var made = GC.AllocateUninitializedArray<T>((int)length);
        _made.AddOrUpdate(made, _made);
        return made;
    }

    /// <summary>Takes back the arrays (made here) of values no one reads any more, each once however many values share it.</summary>
    public void Release(IEnumerable<GraphValue> values)
    {
        var seen = new HashSet<Array>(ReferenceEqualityComparer.Instance);
        foreach (var value in values)
        {
            Array? array = value switch { IntValue ints => ints.Data, BitsValue bits => bits.Data, _ => null };
            if (array is null || !_made.TryGetValue(array, out _) || !seen.Add(array)) continue;
            _free.GetOrAdd((array.GetType().GetElementType()!, array.Length), _ => []).Add(array);
        }
    }
}
