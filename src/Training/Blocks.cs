namespace HwFlow.Training;

/// <summary>
/// Element-wise work over a long range on all cores: the range is cut into blocks whose bounds
/// depend only on its length, never on the core count, and each block runs in the same order as
/// the whole would. Loops in which every element is computed on its own give the same bytes as
/// the plain loop; a sum kept per block and added up in block order gives the same bytes on every
/// machine.
/// </summary>
internal static class Blocks
{
    /// <summary>Below this many elements one thread does it all: waking a second costs more.</summary>
    public const int Smallest = 1 << 15;

    /// <summary>Rows per block for rows of <paramref name="width"/> values: about <see cref="Smallest"/> values a block.</summary>
    public static int RowsOf(int width) => Math.Max(1, Smallest / width);

    /// <summary>Block bounds of [0, count): at most <paramref name="most"/> blocks of at least <paramref name="least"/> each.</summary>
    public static int Count(long count, int least = Smallest, int most = 16) => (int)Math.Clamp(count / least, 1, most);

    /// <summary>body(start, end) for every block of [0, count), in parallel when there are several.</summary>
    public static void For(int count, Action<int, int> body, int least = Smallest)
    {
        int blocks = Count(count, least);
        if (blocks == 1)
        {
            body(0, count);
            return;
        }
        Parallel.For(0, blocks, b => body(Start(count, blocks, b), Start(count, blocks, b + 1)));
    }

    /// <summary>The first element of block b of n over [0, count).</summary>
    public static int Start(int count, int n, int b) => (int)((long)count * b / n);
}
