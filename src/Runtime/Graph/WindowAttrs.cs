using HwFlow.Runtime.Semantics;

namespace HwFlow.Runtime.Graph;

/// <summary>
/// A sliding window's geometry as node attributes: h, w, c (the channels-last input), kh, kw
/// (the kernel), stride, pad (rows and columns of padding before the first pixel), oh, ow (the
/// output positions; a pool's window may overhang the bottom or right edge).
/// </summary>
public static class WindowAttrs
{
    public static (string Key, Attr Value)[] Of(WindowGeometry g) =>
    [
        ("h", new IntAttr(g.Height)), ("w", new IntAttr(g.Width)), ("c", new IntAttr(g.Channels)),
        ("kh", new IntAttr(g.KernelHeight)), ("kw", new IntAttr(g.KernelWidth)),
        ("stride", new IntAttr(g.Stride)), ("pad", new IntAttr(g.Padding)),
        ("oh", new IntAttr(g.OutHeight)), ("ow", new IntAttr(g.OutWidth)),
    ];

    public static WindowGeometry Geometry(Node node) => new(
        (int)node.Int("h"), (int)node.Int("w"), (int)node.Int("c"), (int)node.Int("kh"), (int)node.Int("kw"),
        (int)node.Int("stride"), (int)node.Int("pad"), (int)node.Int("oh"), (int)node.Int("ow"));

    /// <summary>The attributes of <paramref name="node"/> that are not geometry (weights, chunk, ...).</summary>
    public static IEnumerable<KeyValuePair<string, Attr>> Others(Node node) => node.Attrs.Where(a => !Keys.Contains(a.Key));

    public static readonly IReadOnlySet<string> Keys = new HashSet<string> { "h", "w", "c", "kh", "kw", "stride", "pad", "oh", "ow" };
}
