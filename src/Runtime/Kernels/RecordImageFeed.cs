using System.Runtime.CompilerServices;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// A slot-dot convolution's record images built by the convolution block that writes its input, image by image,
/// right after that block has written the image's values (still in L1/L2), instead of by the reading block, which
/// ran on the whole batch later and read every value back from L3 (fmnist-hbnn-cnn's l3: 100 KB of 64-bit values an
/// image for 8 KB of records). The writer still writes its value whole (any caller of RunAll may read it); the
/// records are kept per value array, so the reader uses them only for the array they were built from, and the
/// writer rebuilds them whenever it writes that array again (the engine reuses arrays from batch to batch). Taken
/// only where the reader is the value's one reader.
/// </summary>
internal sealed unsafe class RecordImageFeed(SlotRecordImage records)
{
    private readonly ConditionalWeakTable<long[], AlignedBuffer<byte>> _batches = new();

    /// <summary>The writer's values for a batch of <paramref name="rows"/> images start: keeps room for their record images.</summary>
    public void Begin(long[] values, int rows)
    {
        long bytes = (long)rows * records.ImageBytes;
        if (_batches.TryGetValue(values, out var batch) && batch.Length == bytes) return;
        _batches.AddOrUpdate(values, new AlignedBuffer<byte>(checked((int)bytes)));
    }

    /// <summary>Image <paramref name="row"/> of <paramref name="values"/> is written (<paramref name="image"/>): builds its record image.</summary>
    public void Record(long[] values, int row, ReadOnlySpan<long> image)
    {
        if (!_batches.TryGetValue(values, out var batch)) throw new InvalidOperationException("RecordImageFeed.Record before Begin");
        records.FillInto(image, batch.Pointer + ((long)row * records.ImageBytes));
    }

    /// <summary>The record image of image <paramref name="row"/> of <paramref name="values"/>, built when the writer wrote it; null when it was not.</summary>
    public byte* Find(long[] values, int row) =>
        _batches.TryGetValue(values, out var batch) && (long)(row + 1) * records.ImageBytes <= batch.Length ? batch.Pointer + ((long)row * records.ImageBytes) : null;
}
