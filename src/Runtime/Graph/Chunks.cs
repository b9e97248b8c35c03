namespace HwFlow.Runtime.Graph;

/// <summary>Chunk geometry of hb: consecutive chunks of k, the last one shorter when k does not divide n.</summary>
public readonly record struct Chunks(int Length, int Size)
{
    public int Count => (Length + Size - 1) / Size;
    public int Start(int c) => c * Size;
    public int LengthOf(int c) => Math.Min(Size, Length - (c * Size));
    public int Of(int i) => i / Size;
    public int Largest => Math.Min(Size, Length);
    public int Smallest => LengthOf(Count - 1);
}
