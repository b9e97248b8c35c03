namespace HwFlow.Runtime.Data;

/// <summary>Labelled images as raw bytes: image i is Images[i*Features .. (i+1)*Features).</summary>
public sealed class Dataset
{
    public Dataset(string name, byte[] images, byte[] labels, int rows, int columns)
    {
        if (images.Length != (long)labels.Length * rows * columns)
            throw new ArgumentException("image bytes do not match the label count");
        Name = name;
        Images = images;
        Labels = labels;
        Rows = rows;
        Columns = columns;
    }

    public string Name { get; }
    public byte[] Images { get; }
    public byte[] Labels { get; }
    public int Rows { get; }
    public int Columns { get; }
    public int Count => Labels.Length;
    public int Features => Rows * Columns;

    public ReadOnlySpan<byte> Image(int index) => Images.AsSpan(index * Features, Features);

    /// <summary>The first <paramref name="count"/> samples (all when count is larger).</summary>
    public Dataset Take(int count)
    {
        count = Math.Min(count, Count);
        return new Dataset(Name, Images[..(count * Features)], Labels[..count], Rows, Columns);
    }

    /// <summary>The samples at <paramref name="indices"/>, in that order.</summary>
    public Dataset Select(IReadOnlyList<int> indices, string name)
    {
        var images = new byte[indices.Count * Features];
        var labels = new byte[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            Image(indices[i]).CopyTo(images.AsSpan(i * Features));
            labels[i] = Labels[indices[i]];
        }
        return new Dataset(name, images, labels, Rows, Columns);
    }

    public int ClassCount => Labels.Length == 0 ? 0 : Labels.Max() + 1;
}

public enum DataSplit
{
    Train,
    Test,
}
