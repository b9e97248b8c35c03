using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Runtime.Semantics;

/// <summary>
/// The image layers of the float reference. A convolution is the sliding window (im2col: every
/// output pixel's receptive field, padding as the real value 0) followed by the dense layer of
/// its kind applied to each receptive field: Conv2D is LinearLayer's Dot[patch, W] (+ bias),
/// BinConv2D is BinLayer's Dot[hb(patch, k), hb(W, k)], so the receptive field is binarized as
/// one vector, padding included (|0| adds nothing to a chunk's sum but counts in its length, and
/// its sign is s(0)). The graph executes the same two steps as two nodes.
/// </summary>
public sealed partial class FloatLayer
{
    /// <summary>im2col: row by row, each output position's receptive field in (ky, kx, c) order; padding is 0.</summary>
    public static FloatLayer Window(WindowGeometry geometry)
    {
        var map = geometry.SourceMap();
        return new(x =>
        {
            var y = new Matrix(x.Rows, map.Length);
            for (int r = 0; r < x.Rows; r++)
            {
                var source = x.Row(r);
                var target = y.Row(r);
                for (int i = 0; i < map.Length; i++) target[i] = map[i] < 0 ? 0 : source[map[i]];
            }
            return y;
        });
    }

    /// <summary>Max over each window, per channel; positions outside the input never win.</summary>
    public static FloatLayer MaxPool(WindowGeometry geometry)
    {
        var map = geometry.SourceMap();
        int channels = geometry.Channels, patch = geometry.Patch;
        return new(x =>
        {
            var y = new Matrix(x.Rows, geometry.Positions * channels);
            for (int r = 0; r < x.Rows; r++)
            {
                var source = x.Row(r);
                var target = y.Row(r);
                for (int p = 0; p < geometry.Positions; p++)
                {
                    for (int c = 0; c < channels; c++)
                    {
                        double best = double.NegativeInfinity;
                        for (int e = c; e < patch; e += channels)
                        {
                            int at = map[(p * patch) + e];
                            if (at >= 0 && source[at] > best) best = source[at];
                        }
                        target[(p * channels) + c] = best;
                    }
                }
            }
            return y;
        });
    }

    /// <summary>Conv2D on an input of shape <paramref name="input"/>: the window, then Dot[patch, W] (+ bias) per position.</summary>
    public static FloatLayer Convolution(Conv2D conv, int[] input) => Convolution(conv.Geometry(input), conv.Weights, conv.Bias);

    /// <summary>A Conv2D of the given geometry: the window, then Dot[patch, W] (+ bias) per position.</summary>
    public static FloatLayer Convolution(WindowGeometry geometry, Tensor weights, Tensor? bias) =>
        Window(geometry).Then(Linear(DenseProduct.Transpose(Flattened(weights)), weights.Shape[3],
            bias is null ? null : Array.ConvertAll(bias.Data, v => (double)v)));

    /// <summary>BinConv2D on an input of shape <paramref name="input"/>: the window, then Dot[hb(patch, k), hb(W, k)] per position.</summary>
    public static FloatLayer BinaryConvolution(BinConv2D conv, int[] input, int chunk, bool unipolar, ScaleMode scales) =>
        BinaryConvolution(conv.Geometry(input), conv.Weights, chunk, unipolar, scales);

    /// <summary>A BinConv2D of the given geometry.</summary>
    public static FloatLayer BinaryConvolution(WindowGeometry geometry, Tensor weights, int chunk, bool unipolar, ScaleMode scales) =>
        Window(geometry).Then(Bin(new HbDot(Flattened(weights), chunk, scales), unipolar));

    /// <summary>Weights [kh, kw, cin, cout] as the matrix [kh * kw * cin, cout] (the same numbers in the same order).</summary>
    public static Tensor Flattened(Tensor weights) =>
        new([weights.Shape[0] * weights.Shape[1] * weights.Shape[2], weights.Shape[3]], weights.Data);
}
