namespace HwFlow.Runtime.Semantics;

/// <summary>
/// A sliding window over an image stored channels-last (HWC: element (y, x, c) of an H x W x C
/// image is at index (y * W + x) * C + c), as a convolution or pooling layer reads it. Output
/// position (oy, ox) reads rows oy * Stride - Padding .. + KernelHeight - 1 and the columns
/// likewise; its receptive field is flattened in (ky, kx, c) order, c fastest, so one input
/// pixel's channels stay consecutive. Positions outside the image are padding: what they hold is
/// the caller's rule (0 for convolutions, "never wins" for max-pooling). OutHeight and OutWidth
/// are explicit so that a pool may keep a window that overhangs the bottom or right edge.
/// </summary>
public sealed record WindowGeometry(int Height, int Width, int Channels, int KernelHeight, int KernelWidth, int Stride, int Padding,
    int OutHeight, int OutWidth)
{
    /// <summary>Elements of the input image.</summary>
    public int InputLength => Height * Width * Channels;

    /// <summary>Output positions, OutHeight x OutWidth.</summary>
    public int Positions => OutHeight * OutWidth;

    /// <summary>Elements of one receptive field, KernelHeight x KernelWidth x Channels.</summary>
    public int Patch => KernelHeight * KernelWidth * Channels;

    /// <summary>
    /// The geometry of a convolution: OutHeight = floor((Height + 2 Padding - KernelHeight) / Stride) + 1
    /// (a last window that would overhang is dropped, as in every framework), likewise for the width.
    /// The caller has checked that the kernel fits the padded input and that the stride is positive.
    /// </summary>
    public static WindowGeometry Convolution(int height, int width, int channels, int kernelHeight, int kernelWidth, int stride, int padding) =>
        new(height, width, channels, kernelHeight, kernelWidth, stride, padding,
            ((height + (2 * padding) - kernelHeight) / stride) + 1, ((width + (2 * padding) - kernelWidth) / stride) + 1);

    /// <summary>Index into the input of element <paramref name="element"/> of position <paramref name="position"/>'s receptive field; -1 for padding.</summary>
    public int Source(int position, int element)
    {
        int oy = position / OutWidth, ox = position % OutWidth;
        int ky = element / (KernelWidth * Channels), kx = element / Channels % KernelWidth, c = element % Channels;
        int y = (oy * Stride) - Padding + ky, x = (ox * Stride) - Padding + kx;
        return y < 0 || y >= Height || x < 0 || x >= Width ? -1 : (((y * Width) + x) * Channels) + c;
    }

    /// <summary><see cref="Source"/> for every (position, element), position-major: the gather map of im2col.</summary>
    public int[] SourceMap()
    {
        var map = new int[Positions * Patch];
        for (int p = 0; p < Positions; p++)
        {
            for (int e = 0; e < Patch; e++) map[(p * Patch) + e] = Source(p, e);
        }
        return map;
    }

    /// <summary>The text used in error messages and reports: 3x3 stride 1 padding 1 on [28, 28, 32] -> [28, 28].</summary>
    public override string ToString() =>
        $"{KernelHeight}x{KernelWidth} stride {Stride} padding {Padding} on [{Height}, {Width}, {Channels}] -> [{OutHeight}, {OutWidth}]";
}
