using System.Globalization;
using HwFlow.Runtime.Semantics;
using HwFlow.Runtime.Tensors;
using YamlDotNet.RepresentationModel;

namespace HwFlow.Runtime.Model;

/// <summary>Reads and checks a WalshHadamard entry of <c>layers:</c> (see <see cref="WalshHadamard"/>).</summary>
internal static class WalshHadamardParser
{
    public const int MaxShift = 62;

    public static readonly string[] Keys = ["type", "size", "seed", "shift", "signs", "scale", "bias", "binAggression"];

    public static WalshHadamard Parse(YamlNodes nodes, YamlMappingNode map, string what, Func<string, Tensor> tensor)
    {
        nodes.OnlyKeys(map, what, Keys);
        var sizeNode = nodes.Required(map, "size", what);
        int size = nodes.Int(sizeNode, "size");
        if (size < 2 || !WalshHadamardTransform.IsPowerOfTwo(size))
            throw nodes.ErrorAt(sizeNode, $"{what}: size must be a power of two of at least 2 (the input is zero-padded up to it), got {size}");

        int shift = 0;
        if (nodes.Optional(map, "shift") is { } shiftNode)
        {
            shift = nodes.Int(shiftNode, "shift");
            if (shift < 0 || shift > MaxShift)
                throw nodes.ErrorAt(shiftNode, $"{what}: shift (the output is multiplied by 2^-shift) must be between 0 and {MaxShift}, got {shift}");
        }

        ulong? seed = null;
        YamlNode? seedNode = nodes.Optional(map, "seed");
        if (seedNode is not null)
        {
            var text = nodes.Scalar(seedNode, "seed");
            if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                throw nodes.ErrorAt(seedNode, $"{what}: seed must be a non-negative integer below 2^64, got '{text}'");
            seed = value;
        }

        var signsNode = nodes.Required(map, "signs", what);
        var signs = tensor("signs");
        if (signs.Rank != 1 || signs.Length != size)
            throw nodes.ErrorAt(signsNode, $"{what}: signs have shape {signs.ShapeText}, expected [{size}] (one sign per transform input)");
        for (int i = 0; i < size; i++)
        {
            if (signs.Data[i] is not (1f or -1f))
                throw nodes.ErrorAt(signsNode, $"{what}: signs[{i}] = {signs.Data[i]}: every sign must be +1 or -1");
        }
        if (seed is { } s)
        {
            var expected = WalshHadamardTransform.SignsFromSeed(s, size);
            int differs = Enumerable.Range(0, size).FirstOrDefault(i => expected[i] != signs.Data[i], -1);
            if (differs >= 0)
                throw nodes.ErrorAt(seedNode!, $"{what}: the signs file does not hold the signs of seed {s} (first difference at index {differs}); drop the seed to use these signs as they are");
        }

        Tensor? Vector(string key)
        {
            if (nodes.Optional(map, key) is not { } node) return null;
            var t = tensor(key);
            if (t.Rank != 1 || t.Length != size)
                throw nodes.ErrorAt(node, $"{what}: {key} has shape {t.ShapeText}, expected [{size}] (one per transform output)");
            return t;
        }

        return new WalshHadamard(size, signs, seed, shift, Vector("scale"), Vector("bias"));
    }

    public static void CheckShapes(YamlNodes nodes, YamlNode node, string what, WalshHadamard layer, int inputs)
    {
        if (inputs > layer.Size)
            throw nodes.ErrorAt(node, $"{what}: size {layer.Size} is smaller than the {inputs} features the previous layer gives (the input is zero-padded up to size, never cut; use size {WalshHadamardTransform.PaddedSize(inputs)} or more)");
    }
}
