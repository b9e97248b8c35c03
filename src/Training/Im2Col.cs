using HwFlow.Runtime.Semantics;

namespace HwFlow.Training;

/// <summary>
/// im2col for training, float32: every output position's receptive field as one row (padding 0),
/// and its adjoint col2im, which adds each row back onto the input positions it was read from.
/// Rows of the receptive field (kx, c for one ky) are consecutive in a channels-last image, so
/// inside the image they move as one block. Images are independent, so both run one image per
/// task; the sums of col2im keep a fixed order inside an image, so the bytes do not depend on
/// the thread count.
/// </summary>
internal sealed class Im2Col(WindowGeometry geometry)
{
    public WindowGeometry Geometry { get; } = geometry;

    /// <summary>cols[image * P + p, e] = x[image, source(p, e)], or 0 for padding.</summary>
    public void Forward(float[] x, float[] cols, int images)
    {
        var g = Geometry;
        int run = g.KernelWidth * g.Channels, patch = g.Patch, input = g.InputLength;
        Parallel.For(0, images, image =>
        {
            var source = x.AsSpan(image * input, input);
            for (int p = 0; p < g.Positions; p++)
            {
                var target = cols.AsSpan(((image * g.Positions) + p) * patch, patch);
                int oy = p / g.OutWidth, ox = p % g.OutWidth;
                int x0 = (ox * g.Stride) - g.Padding;
                bool inside = x0 >= 0 && x0 + g.KernelWidth <= g.Width;
                for (int ky = 0; ky < g.KernelHeight; ky++)
                {
                    int y = (oy * g.Stride) - g.Padding + ky;
                    var row = target.Slice(ky * run, run);
                    if (y < 0 || y >= g.Height)
                    {
                        row.Clear();
                    }
                    else if (inside)
                    {
                        source.Slice(((y * g.Width) + x0) * g.Channels, run).CopyTo(row);
                    }
                    else
                    {
                        for (int kx = 0; kx < g.KernelWidth; kx++)
                        {
                            int xx = x0 + kx;
                            var pixel = row.Slice(kx * g.Channels, g.Channels);
                            if (xx < 0 || xx >= g.Width) pixel.Clear();
                            else source.Slice(((y * g.Width) + xx) * g.Channels, g.Channels).CopyTo(pixel);
                        }
                    }
                }
            }
        });
    }

    /// <summary>dx[image, i] = sum of dcols over every (p, e) read from i: the gradient of <see cref="Forward"/>.</summary>
    public void Backward(float[] dcols, float[] dx, int images)
    {
        var g = Geometry;
        int patch = g.Patch, input = g.InputLength;
        Parallel.For(0, images, image =>
        {
            var target = dx.AsSpan(image * input, input);
            target.Clear();
            for (int p = 0; p < g.Positions; p++)
            {
                var source = dcols.AsSpan(((image * g.Positions) + p) * patch, patch);
                int oy = p / g.OutWidth, ox = p % g.OutWidth;
                for (int ky = 0; ky < g.KernelHeight; ky++)
                {
                    int y = (oy * g.Stride) - g.Padding + ky;
                    if (y < 0 || y >= g.Height) continue;
                    for (int kx = 0; kx < g.KernelWidth; kx++)
                    {
                        int xx = (ox * g.Stride) - g.Padding + kx;
                        if (xx < 0 || xx >= g.Width) continue;
                        var from = source.Slice(((ky * g.KernelWidth) + kx) * g.Channels, g.Channels);
                        var to = target.Slice(((y * g.Width) + xx) * g.Channels, g.Channels);
                        VectorLoops.Add(from, to);
                    }
                }
            }
        });
    }
}
