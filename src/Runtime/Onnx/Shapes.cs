namespace HwFlow.Runtime.Onnx;

/// <summary>The shape rules of ONNX's Reshape, Flatten, Squeeze, Unsqueeze and Transpose.</summary>
internal static class Shapes
{
    public static string Text(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>Reshape's target: 0 copies the input dimension, -1 takes what is left.</summary>
    public static int[] Reshape(int[] input, long[] target)
    {
        var shape = new int[target.Length];
        int infer = -1;
        for (int d = 0; d < target.Length; d++)
        {
            if (target[d] == 0)
            {
                if (d >= input.Length) throw new OnnxGraphError($"its target shape [{string.Join(", ", target)}] copies dimension {d}, which {Text(input)} does not have");
                shape[d] = input[d];
            }
            else if (target[d] == -1)
            {
                if (infer >= 0) throw new OnnxGraphError($"its target shape [{string.Join(", ", target)}] has two -1 dimensions");
                infer = d;
                shape[d] = 1;
            }
            else if (target[d] > 0 && target[d] <= int.MaxValue)
            {
                shape[d] = (int)target[d];
            }
            else
            {
                throw new OnnxGraphError($"its target shape [{string.Join(", ", target)}] has dimension {target[d]}");
            }
        }
        long total = ConstTensor.Count(input), known = ConstTensor.Count(shape);
        if (infer >= 0)
        {
            if (known == 0 || total % known != 0) throw new OnnxGraphError($"it cannot reshape {Text(input)} to [{string.Join(", ", target)}]");
            shape[infer] = (int)(total / known);
        }
        if (ConstTensor.Count(shape) != total) throw new OnnxGraphError($"it cannot reshape {Text(input)} ({total} values) to {Text(shape)}");
        return shape;
    }

    public static int[] Flatten(int[] input, int axis)
    {
        if (axis < 0) axis += input.Length;
        if (axis < 0 || axis > input.Length) throw new OnnxGraphError($"its axis is outside the input's rank {input.Length}");
        return [(int)ConstTensor.Count(input[..axis]), (int)ConstTensor.Count(input[axis..])];
    }

    public static int[] Unsqueeze(int[] input, long[] axes)
    {
        int rank = input.Length + axes.Length;
        var normalized = axes.Select(a => (int)(a < 0 ? a + rank : a)).ToHashSet();
        if (normalized.Count != axes.Length || normalized.Any(a => a < 0 || a >= rank)) throw new OnnxGraphError($"its axes [{string.Join(", ", axes)}] do not fit rank {rank}");
        var shape = new int[rank];
        int next = 0;
        for (int d = 0; d < rank; d++) shape[d] = normalized.Contains(d) ? 1 : input[next++];
        return shape;
    }

    public static int[] Squeeze(int[] input, long[] axes)
    {
        var normalized = axes.Length == 0
            ? Enumerable.Range(0, input.Length).Where(d => input[d] == 1).ToHashSet()
            : axes.Select(a => (int)(a < 0 ? a + input.Length : a)).ToHashSet();
        foreach (var a in normalized)
        {
            if (a < 0 || a >= input.Length || input[a] != 1) throw new OnnxGraphError($"it squeezes axis {a} of {Text(input)}, which is not 1");
        }
        return Enumerable.Range(0, input.Length).Where(d => !normalized.Contains(d)).Select(d => input[d]).ToArray();
    }

    /// <summary>Transpose's perm, reversed axes by default; checked to be a permutation.</summary>
    public static int[] Permutation(int rank, long[]? perm)
    {
        var result = perm is null ? Enumerable.Range(0, rank).Reverse().ToArray() : perm.Select(p => (int)p).ToArray();
        if (result.Length != rank || result.Order().Where((p, i) => p != i).Any())
            throw new OnnxGraphError($"its perm [{string.Join(", ", result)}] is not a permutation of {rank} axes");
        return result;
    }
}
