namespace HwFlow.Runtime.Kernels;

/// <summary>
/// What an activation bit means. Weight bits are always bipolar (1 = +1, 0 = -1).
/// Unipolar activations (after Ramp or Sigmoid) are 0/1, so a product with a weight is
/// AND-popcount: 2 pop(a &amp; w) - pop(a). Bipolar activations are +-1, so it is XNOR-popcount:
/// 2 pop(xnor(a, w)) - length.
/// </summary>
public enum ActivationCoding
{
    Unipolar,
    Bipolar,
}
