using System.Runtime.InteropServices;

namespace HwFlow.Runtime.Kernels;

/// <summary>A pinned, zeroed, 64-byte aligned array of unmanaged values that kernels address by pointer.</summary>
internal sealed unsafe class AlignedBuffer<T> where T : unmanaged
{
    private readonly T[] _storage;
    private readonly int _offset;

    public AlignedBuffer(int length)
    {
        int spare = 64 / sizeof(T);
        _storage = GC.AllocateArray<T>(length + spare, pinned: true);
        nint address = Marshal.UnsafeAddrOfPinnedArrayElement(_storage, 0);
        _offset = (int)(((64 - (address % 64)) % 64) / sizeof(T));
        Length = length;
    }

    public int Length { get; }

    public T* Pointer => (T*)Marshal.UnsafeAddrOfPinnedArrayElement(_storage, _offset);

    public Span<T> Span => _storage.AsSpan(_offset, Length);
}
