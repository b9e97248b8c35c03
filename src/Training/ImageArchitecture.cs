using System.Globalization;
using System.Text.RegularExpressions;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Training;

/// <summary>One stage of an <see cref="Architecture"/> after its input.</summary>
public abstract record ArchitectureStage;

/// <summary>cN[kK][pP][sS]: a convolution to N channels, K x K kernel, padding P, stride S.</summary>
public sealed record ConvStage(int Channels, int Kernel, int Padding, int Stride) : ArchitectureStage;

/// <summary>pK[sS][f|c]: max-pooling over K x K windows with stride S; f / c: what to do with a window that overhangs.</summary>
public sealed record PoolStage(int Size, int Stride, PoolEdge Edge) : ArchitectureStage;

/// <summary>f: [h, w, c] becomes a flat vector (channels-last order).</summary>
public sealed record FlattenStage : ArchitectureStage;

/// <summary>N: a fully connected layer of N outputs.</summary>
public sealed record DenseStage(int Width) : ArchitectureStage;

/// <summary>
/// The --arch grammar of image networks, stages joined by '-':
/// <code>
/// HxWxC            the input image, channels-last (28x28x1)
/// cN[kK][pP][sS]   convolution to N channels: K x K kernel (default 3), padding P (default 0), stride S (default 1)
/// pK[sS][f|c]      max-pool K x K, stride S (default K); the windows must tile the input, unless
///                  f (floor: drop a window that overhangs) or c (ceil: keep it) is given
/// f                flatten (exactly one, after the last convolution or pool)
/// N                fully connected layer of N outputs; the last one gives the classes
/// </code>
/// for example 28x28x1-c32k3p1-p2-c64k3p1-p2-f-256-10. Shapes are checked stage by stage.
/// </summary>
public static partial class ImageArchitecture
{
    public static Architecture Parse(string text)
    {
        var parts = text.Split('-');
        var input = ParseInput(text, parts[0]);
        var stages = new List<ArchitectureStage>();
        int[] shape = input;
        bool flat = false;
        for (int i = 1; i < parts.Length; i++)
        {
            string part = parts[i];
            string where = $"--arch '{text}': {(part.Length == 0 ? "an empty stage" : part)} (stage {i})";
            ArchitectureStage stage = Stage(where, part);
            if (stage is ConvStage or PoolStage && flat) throw new UserError($"{where} comes after the flatten f; convolutions and pools need an [height, width, channels] input");
            if (stage is DenseStage && !flat) throw new UserError($"{where}: a fully connected layer needs a flat input: put f before it");
            if (stage is FlattenStage && flat) throw new UserError($"{where}: the network is flat already");
            shape = Next(where, stage, shape);
            flat |= stage is FlattenStage;
            stages.Add(stage);
        }
        if (!stages.OfType<ConvStage>().Any())
            throw new UserError($"--arch '{text}': an image network needs at least one convolution cN (such as 28x28x1-c32k3p1-p2-f-10)");
        if (stages.Count == 0 || stages[^1] is not DenseStage)
            throw new UserError($"--arch '{text}': the last stage must be the class count (such as ...-f-10)");
        return new Architecture(input, stages, text);
    }

    /// <summary>The model shape after <paramref name="stage"/>, or a one-line error naming the stage and the shapes.</summary>
    private static int[] Next(string where, ArchitectureStage stage, int[] shape)
    {
        switch (stage)
        {
            case ConvStage conv:
            {
                if (conv.Stride < 1) throw new UserError($"{where}: stride {conv.Stride} on the input [{string.Join(", ", shape)}]: the stride must be at least 1");
                int height = shape[0] + (2 * conv.Padding), width = shape[1] + (2 * conv.Padding);
                if (conv.Kernel > height || conv.Kernel > width)
                    throw new UserError($"{where}: its {conv.Kernel}x{conv.Kernel} kernel is larger than the input [{string.Join(", ", shape)}] padded by {conv.Padding} ({height}x{width})");
                var g = WindowGeometry.Convolution(shape[0], shape[1], shape[2], conv.Kernel, conv.Kernel, conv.Stride, conv.Padding);
                return [g.OutHeight, g.OutWidth, conv.Channels];
            }
            case PoolStage pool:
            {
                if (pool.Stride < 1) throw new UserError($"{where}: stride {pool.Stride} on the input [{string.Join(", ", shape)}]: the stride must be at least 1");
                var layer = new MaxPool2D(pool.Size, pool.Stride, pool.Edge);
                foreach (int length in shape[..2].Distinct())
                {
                    if (length < pool.Size)
                        throw new UserError($"{where}: its {pool.Size}x{pool.Size} window is larger than the input [{string.Join(", ", shape)}]");
                    if (layer.OutputsAlong(length) is null)
                        throw new UserError($"{where}: a {pool.Size}x{pool.Size} pool with stride {pool.Stride} does not tile the input [{string.Join(", ", shape)}] " +
                            $"({length} - {pool.Size} = {length - pool.Size} is not a multiple of {pool.Stride}); add f (drop the overhanging window) or c (keep it), as in p{pool.Size}f");
                }
                return layer.OutputShape(shape);
            }
            case FlattenStage:
                return [shape.Aggregate(1, (a, b) => a * b)];
            default:
                return [((DenseStage)stage).Width];
        }
    }

    private static ArchitectureStage Stage(string where, string part)
    {
        if (part == "f") return new FlattenStage();
        if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var width) && width > 0) return new DenseStage(width);
        if (ConvPattern().Match(part) is { Success: true } c)
        {
            int channels = Number(c.Groups[1]);
            if (channels < 1) throw new UserError($"{where}: a convolution needs at least 1 output channel");
            int kernel = c.Groups[2].Success ? Number(c.Groups[2]) : 3;
            if (kernel < 1) throw new UserError($"{where}: the kernel must be at least 1x1");
            return new ConvStage(channels, kernel, c.Groups[3].Success ? Number(c.Groups[3]) : 0, c.Groups[4].Success ? Number(c.Groups[4]) : 1);
        }
        if (PoolPattern().Match(part) is { Success: true } p)
        {
            int size = Number(p.Groups[1]);
            if (size < 1) throw new UserError($"{where}: a pool window must be at least 1x1");
            var edge = p.Groups[3].Value switch { "f" => PoolEdge.Floor, "c" => PoolEdge.Ceil, _ => PoolEdge.Exact };
            return new PoolStage(size, p.Groups[2].Success ? Number(p.Groups[2]) : size, edge);
        }
        throw new UserError($"{where} is not a stage: expected cN[kK][pP][sS] (convolution), pK[sS][f|c] (max-pool), f (flatten) or a positive width");
    }

    private static int[] ParseInput(string text, string part)
    {
        var dims = part.Split('x');
        var shape = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            if (!int.TryParse(dims[i], NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]) || shape[i] < 1)
                shape[i] = 0;
        }
        if (shape.Length != 3 || shape.Any(d => d < 1))
            throw new UserError($"--arch '{text}': the input '{part}' must be height x width x channels, such as 28x28x1");
        return shape;
    }

    private static int Number(Group group) =>
        int.TryParse(group.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;

    [GeneratedRegex("^c([0-9]+)(?:k([0-9]+))?(?:p([0-9]+))?(?:s([0-9]+))?$")]
    private static partial Regex ConvPattern();

    [GeneratedRegex("^p([0-9]+)(?:s([0-9]+))?([fc])?$")]
    private static partial Regex PoolPattern();
}
