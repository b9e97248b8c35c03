namespace HwFlow.Training;

/// <summary>Training-time augmentation: an image moved by whole pixels (uncovered pixels black), or mirrored.</summary>
public static class ImageShift
{
    /// <summary>target(y, x) = source(y - dy, x - dx), or 0 where that falls outside the image.</summary>
    public static void Apply(ReadOnlySpan<byte> source, Span<byte> target, int rows, int columns, int dx, int dy)
    {
        target.Clear();
        for (int y = Math.Max(0, dy); y < Math.Min(rows, rows + dy); y++)
        {
            int fromX = Math.Max(0, dx), toX = Math.Min(columns, columns + dx);
            if (toX <= fromX) continue;
            source.Slice(((y - dy) * columns) + fromX - dx, toX - fromX).CopyTo(target.Slice((y * columns) + fromX, toX - fromX));
        }
    }

    /// <summary>Mirrors an image left to right in place (augmentation for images whose classes do not depend on handedness).</summary>
    public static void Mirror(Span<byte> image, int rows, int columns)
    {
        for (int y = 0; y < rows; y++) image.Slice(y * columns, columns).Reverse();
    }
}
