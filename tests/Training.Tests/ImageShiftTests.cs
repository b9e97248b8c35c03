using HwFlow.Training;

namespace HwFlow.Training.Tests;

public sealed class ImageShiftTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(-2, 1)]
    [InlineData(2, -2)]
    [InlineData(-3, -1)]
    public void MovesEveryPixelAndBlanksWhatIsUncovered(int dx, int dy)
    {
        int rows = 4, columns = 5;
        var source = Enumerable.Range(1, rows * columns).Select(v => (byte)v).ToArray();
        var target = Enumerable.Repeat((byte)99, rows * columns).ToArray();
        ImageShift.Apply(source, target, rows, columns, dx, dy);
        for (int y = 0; y < rows; y++)
        {
            for (int x = 0; x < columns; x++)
            {
                int sy = y - dy, sx = x - dx;
                byte expected = sy >= 0 && sy < rows && sx >= 0 && sx < columns ? source[(sy * columns) + sx] : (byte)0;
                Assert.Equal(expected, target[(y * columns) + x]);
            }
        }
    }
}
