namespace HwFlow.Runtime.Numerics;

/// <summary>How many samples an engine evaluates at once, so that a batch's widest activation stays a few tens of megabytes.</summary>
public static class Batch
{
    /// <summary>Elements (of any type) one batch may hold in its widest value.</summary>
    public const long Elements = 4 << 20;

    /// <summary>Rows per batch when the widest value has <paramref name="widest"/> elements per row: at least 1, at most 1,000.</summary>
    public static int Rows(long widest) => (int)Math.Clamp(Elements / Math.Max(1, widest), 1, 1000);
}
