using HwFlow.Runtime.Semantics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Runtime.Model;

/// <summary>
/// A 2-D convolution on an [height, width, channels] input (channels-last), weights of shape
/// [kh, kw, cin, cout] (the receptive field's (ky, kx, c) order, then the output channel), so
/// that flattened to [kh * kw * cin, cout] they are a LinearLayer's matrix for every output pixel.
/// Padding puts the real value 0 around the input (see README, "Convolutions").
/// </summary>
public abstract record ConvolutionLayer(Tensor Weights, int Stride, int Padding) : Layer
{
    public int KernelHeight => Weights.Shape[0];
    public int KernelWidth => Weights.Shape[1];
    public int InputChannels => Weights.Shape[2];
    public int OutputChannels => Weights.Shape[3];

    /// <summary>Elements of a receptive field, kh * kw * cin: the rows of the flattened weight matrix.</summary>
    public int Patch => KernelHeight * KernelWidth * InputChannels;

    public WindowGeometry Geometry(int[] input) =>
        WindowGeometry.Convolution(input[0], input[1], input[2], KernelHeight, KernelWidth, Stride, Padding);

    public override int[] OutputShape(int[] input)
    {
        var g = Geometry(input);
        return [g.OutHeight, g.OutWidth, OutputChannels];
    }

    public override IEnumerable<(string Key, string Value)> Settings() => [("stride", Stride.ToString()), ("padding", Padding.ToString())];
}

/// <summary>Conv2D: the LinearLayer of every output pixel, Dot[patch, W] (+ bias), with real or +-1 weights; typically on the raw image.</summary>
public sealed record Conv2D(Tensor Weights, Tensor? Bias = null, int Stride = 1, int Padding = 0) : ConvolutionLayer(Weights, Stride, Padding)
{
    public override string Type => "Conv2D";

    public override IEnumerable<(string Key, Tensor Tensor)> Tensors()
    {
        yield return ("weights", Weights);
        if (Bias is not null) yield return ("bias", Bias);
    }
}

/// <summary>
/// BinConv2D: the BinLayer of every output pixel, Dot[hb(patch, k), hb(W_o, k)]: each receptive
/// field (padding included) and each output channel's weights are Hadamard-binarized along the
/// flattened (ky, kx, c) axis in chunks of k.
/// </summary>
public sealed record BinConv2D(Tensor Weights, int Stride = 1, int Padding = 0) : ConvolutionLayer(Weights, Stride, Padding)
{
    public override string Type => "BinConv2D";
    public override IEnumerable<(string Key, Tensor Tensor)> Tensors() => [("weights", Weights)];
}

/// <summary>What a pool does when its windows do not tile the input exactly.</summary>
public enum PoolEdge
{
    /// <summary>They must tile it: anything else is an error in the model.</summary>
    Exact,

    /// <summary>Drop the last window that would overhang the bottom or right edge.</summary>
    Floor,

    /// <summary>Keep it; positions past the edge never win the max.</summary>
    Ceil,
}

/// <summary>Max-pooling over size x size windows of each channel; positions outside the input never win.</summary>
public sealed record MaxPool2D(int Size, int Stride, PoolEdge Edge = PoolEdge.Exact) : Layer
{
    public override string Type => "MaxPool2D";
    public override bool PreservesNonNegative => true;

    /// <summary>Windows along one axis of <paramref name="length"/> elements; null when they do not tile it and the edge rule is exact.</summary>
    public int? OutputsAlong(int length)
    {
        int span = length - Size;
        if (span < 0) return null;
        return Edge switch
        {
            PoolEdge.Exact => span % Stride == 0 ? (span / Stride) + 1 : null,
            PoolEdge.Floor => (span / Stride) + 1,
            _ => ((span + Stride - 1) / Stride) + 1,
        };
    }

    public WindowGeometry Geometry(int[] input) =>
        new(input[0], input[1], input[2], Size, Size, Stride, 0, OutputsAlong(input[0])!.Value, OutputsAlong(input[1])!.Value);

    public override int[] OutputShape(int[] input)
    {
        var g = Geometry(input);
        return [g.OutHeight, g.OutWidth, input[2]];
    }

    public override IEnumerable<(string Key, string Value)> Settings()
    {
        yield return ("size", Size.ToString());
        yield return ("stride", Stride.ToString());
        if (Edge != PoolEdge.Exact) yield return ("edge", Edge.ToString().ToLowerInvariant());
    }
}

/// <summary>Flatten: [h, w, c] becomes [h * w * c] in the same (channels-last) order; the values do not move.</summary>
public sealed record Flatten : Layer
{
    public override string Type => "Flatten";
    public override bool PreservesNonNegative => true;
    public override int[] OutputShape(int[] input) => [input.Aggregate(1, (a, b) => a * b)];
}
