using HwFlow.Runtime.Model;

namespace HwFlow.Runtime.Graph;

/// <summary>The "scales" attribute of bin and binarize nodes: how their chunk means are taken (absent means exact).</summary>
public static class ScalesAttr
{
    public const string Key = "scales";

    public static SymbolAttr For(ScaleMode scales) => new(scales == ScaleMode.Pow2 ? "pow2" : "exact");

    public static ScaleMode Of(Node node) => node.Find(Key) is SymbolAttr { Value: "pow2" } ? ScaleMode.Pow2 : ScaleMode.Exact;
}
