namespace HwFlow.Runtime.Tensors;

/// <summary>The element types HwFlow reads and writes in .npy files (always little-endian).</summary>
public enum NpyDType
{
    Float32,
    Int8,
    UInt8,
    Int32,
}

public static class NpyDTypes
{
    public static string Descriptor(this NpyDType type) => type switch
    {
        NpyDType.Float32 => "<f4",
        NpyDType.Int8 => "|i1",
        NpyDType.UInt8 => "|u1",
        NpyDType.Int32 => "<i4",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static int ElementSize(this NpyDType type) => type switch
    {
        NpyDType.Float32 or NpyDType.Int32 => 4,
        _ => 1,
    };

    public static bool TryParse(string descriptor, out NpyDType type)
    {
        // numpy writes '|' for byte types but accepts '<' and '=' too; we accept all spellings.
        switch (descriptor)
        {
            case "<f4" or "=f4": type = NpyDType.Float32; return true;
            case "|i1" or "<i1" or "=i1": type = NpyDType.Int8; return true;
            case "|u1" or "<u1" or "=u1": type = NpyDType.UInt8; return true;
            case "<i4" or "=i4": type = NpyDType.Int32; return true;
            default: type = default; return false;
        }
    }
}
