using HwFlow.Runtime.Tensors;

namespace HwFlow.Runtime.Model;

/// <summary>One layer of a model, as written in model.yaml. Parameters are float32 tensors.</summary>
public abstract record Layer
{
    /// <summary>The type name used in model.yaml.</summary>
    public abstract string Type { get; }

    /// <summary>Per-layer override of the model's chunk length for Hadamard binarization.</summary>
    public int? BinAggression { get; init; }

    /// <summary>Output feature count for an input of <paramref name="inputs"/> features.</summary>
    public virtual int OutputFeatures(int inputs) => inputs;

    /// <summary>The named tensors this layer holds, in the order model.yaml lists them.</summary>
    public virtual IEnumerable<(string Key, Tensor Tensor)> Tensors() => [];

    /// <summary>Layer types whose output is provably non-negative whatever the input.</summary>
    public virtual bool OutputAlwaysNonNegative => false;

    /// <summary>Layer types that keep a non-negative input non-negative.</summary>
    public virtual bool PreservesNonNegative => false;

    public int ParameterCount => Tensors().Sum(t => t.Tensor.Length);
}

/// <summary>The seed's LinearLayer: Dot[x, W] with W of shape [in, out], plus an optional bias.</summary>
public sealed record LinearLayer(Tensor Weights, Tensor? Bias = null) : Layer
{
    public override string Type => "LinearLayer";
    public int Inputs => Weights.Shape[0];
    public int Outputs => Weights.Shape[1];
    public override int OutputFeatures(int inputs) => Outputs;

    /// <summary>Every weight is +-c for one c != 0 (a binary first layer): one bit each, added or subtracted in hardware.</summary>
    public bool HasBinaryWeights => Weights.Data.Length > 0 && Weights.Data[0] != 0 && Weights.Data.All(w => Math.Abs(w) == Math.Abs(Weights.Data[0]));

    public override IEnumerable<(string Key, Tensor Tensor)> Tensors()
    {
        yield return ("weights", Weights);
        if (Bias is not null) yield return ("bias", Bias);
    }
}

/// <summary>The seed's BinLayer: Dot[hb(x, k), hb(W, k)].</summary>
public sealed record BinLayer(Tensor Weights) : Layer
{
    public override string Type => "BinLayer";
    public int Inputs => Weights.Shape[0];
    public int Outputs => Weights.Shape[1];
    public override int OutputFeatures(int inputs) => Outputs;
    public override IEnumerable<(string Key, Tensor Tensor)> Tensors() => [("weights", Weights)];
}

/// <summary>gamma * (x - mean) / sqrt(var + eps) + beta, per feature.</summary>
public sealed record BatchNorm(Tensor Mean, Tensor Var, Tensor Gamma, Tensor Beta, double Eps) : Layer
{
    public override string Type => "BatchNorm";
    public int Features => Mean.Length;

    public override IEnumerable<(string Key, Tensor Tensor)> Tensors() =>
        [("mean", Mean), ("var", Var), ("gamma", Gamma), ("beta", Beta)];
}

/// <summary>The seed's Ramp: max(0, x).</summary>
public sealed record Ramp : Layer
{
    public override string Type => "Ramp";
    public override bool OutputAlwaysNonNegative => true;
}

/// <summary>The seed's BinarizeLayer: hbActForward, Hadamard binarization of the activations.</summary>
public sealed record BinarizeLayer : Layer
{
    public override string Type => "BinarizeLayer";
    public override bool PreservesNonNegative => true;
}

/// <summary>1 / (1 + exp(-x)).</summary>
public sealed record Sigmoid : Layer
{
    public override string Type => "Sigmoid";
    public override bool OutputAlwaysNonNegative => true;
}

/// <summary>BNN sign: +1 if x &gt;= 0 else -1; unipolar (1 if x &gt; 0 else 0) after a non-negative input.</summary>
public sealed record Sign : Layer
{
    public override string Type => "Sign";
    public override bool PreservesNonNegative => true;
}

/// <summary>clip(x, -1, 1).</summary>
public sealed record HardTanh : Layer
{
    public override string Type => "HardTanh";
    public override bool PreservesNonNegative => true;
}
