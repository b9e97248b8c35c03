using HwFlow.Runtime.Tensors;

namespace HwFlow.Runtime.Model;

/// <summary>
/// A Walsh-Hadamard *transform* layer, Fastfood's H D (Le, Sarlos, Smola 2013): not to be
/// confused with HBNN's Hadamard binarization hb (the elementwise product with chunk means).
/// <para>
/// y = Scale * (2^-Shift * H * (D * pad(x))) + Bias, elementwise where a vector multiplies a vector:
/// pad(x) appends zeros to the input up to <see cref="Size"/> (a power of two); D is a fixed random
/// sign vector (<see cref="Signs"/>, every entry +1 or -1, drawn from <see cref="Seed"/> when
/// one is recorded); H is the unnormalized Sylvester Hadamard matrix, H[i, j] = (-1)^popcount(i &amp; j),
/// applied by the fast transform (log2(Size) stages of Size/2 add/subtract butterflies);
/// 2^-Shift is a power-of-two normalization (a change of scale, no arithmetic); the optional
/// per-element Scale and Bias are a learned diagonal (Fastfood's G or S when layers are stacked).
/// </para>
/// <para>
/// Zero padding means the padded positions contribute nothing. For non-negative (unipolar)
/// inputs a zero is an ordinary "off" value; for +-1 (bipolar) inputs it is not a +-1 value, so a
/// padded bipolar vector is a +-1 vector with zeros appended, and every output is a sum over the
/// real inputs only. The output is never non-negative by construction.
/// </para>
/// </summary>
public sealed record WalshHadamard(int Size, Tensor Signs, ulong? Seed = null, int Shift = 0, Tensor? Scale = null, Tensor? Bias = null) : Layer
{
    public const string TypeName = "WalshHadamard";

    public override string Type => TypeName;

    public override int OutputFeatures(int inputs) => Size;

    /// <summary>log2(Size): the butterfly stages of the fast transform.</summary>
    public int Stages => System.Numerics.BitOperations.Log2((uint)Size);

    public override IEnumerable<(string Key, Tensor Tensor)> Tensors()
    {
        yield return ("signs", Signs);
        if (Scale is not null) yield return ("scale", Scale);
        if (Bias is not null) yield return ("bias", Bias);
    }
}
