using System.Globalization;
using HwFlow.Runtime.Model;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;
using HwFlow.Runtime.Tensors;
using Xunit.Abstractions;

namespace HwFlow.Runtime.Tests.Semantics.Exact;

/// <summary>
/// The float reference against exact rational arithmetic on random seed-style models (see
/// <see cref="RandomSeedModels"/>). What the reference promises, and what is checked:
/// <list type="bullet">
/// <item>Per layer: for the double values entering it, every BinLayer output and every
/// BinarizeLayer chunk scale is the exact value rounded once to the nearest double (so exact
/// zeros are 0, signs are right, equal values are equal). Checked bit for bit.</item>
/// <item>End to end, from the raw input bytes, on models with Gaussian weights: every value has
/// the sign of the exact value (zero exactly where the exact value is zero), so every
/// binarization and Ramp decides as exact arithmetic does, and the output before the final
/// Sigmoid is within 1e-9 of the exact one, relative to the row's largest output. The
/// LinearLayer is an ordinary rounded dot product (no exactness claimed for it), so this holds
/// unless one of its outputs is within rounding error of zero; none is in these models.</item>
/// </list>
/// Weights from four magnitudes make values of later layers stand in exact rational ratios to
/// each other (3/4 of one chunk's scale against 1/4 of another's); a cancellation across chunks
/// that relies on such a ratio between values an earlier layer had to round cannot survive in
/// doubles, so for those models end-to-end differences are counted and reported, not asserted.
/// HWFLOW_EXACT_MODELS=N runs N models instead of the default (BENCHMARKS.md records a 1,000-model run).
/// </summary>
public sealed class ExactReferenceTests(ITestOutputHelper output)
{
    private const int DefaultModels = 300;

    [Fact]
    public void HbDotsAreExactWhereTheMathIsOnRandomModels()
    {
        int models = int.TryParse(Environment.GetEnvironmentVariable("HWFLOW_EXACT_MODELS"), CultureInfo.InvariantCulture, out int n) ? n : DefaultModels;
        var tally = new Tally();
        var failures = new List<string>();
        var roundedEarlier = new List<string>();
        var rng = new SplitMix64(20250615);
        for (int m = 0; m < models; m++)
        {
            ulong seed = rng.NextUInt64();
            var (model, raw, rows, fewMagnitudes) = RandomSeedModels.Create(seed);
            tally.Models[fewMagnitudes ? 1 : 0]++;
            Check(model, raw, rows, tally, failure => failures.Add($"model seed {seed}: {failure}"),
                endToEnd => (fewMagnitudes ? roundedEarlier : failures).Add($"model seed {seed}: {endToEnd}"));
        }
        output.WriteLine($"{models} models: {tally}");
        int affected = roundedEarlier.Select(f => f.Split(':')[0]).Distinct().Count();
        output.WriteLine($"four-magnitude models with end-to-end differences after rounding in an earlier layer: {affected} ({roundedEarlier.Count} values)");
        foreach (var line in roundedEarlier.Take(5)) output.WriteLine("  " + line);
        Assert.True(failures.Count == 0, $"{failures.Count} differences over {models} models:\n" + string.Join("\n", failures.Take(10)));
        // The models must reach the cases at issue, or passing proves nothing.
        Assert.True(tally.ZeroHbDotsWithNonZeroTerms > models / 10, $"too few hb-dots cancel across chunks: {tally}");
        Assert.True(tally.ZeroHbDots > models, $"too few exact zeros: {tally}");
    }

    private sealed class Tally
    {
        public long HbDots, ZeroHbDots, ZeroHbDotsWithNonZeroTerms, Values;
        public readonly int[] Models = new int[2];

        public override string ToString() =>
            $"{Models[0]} with Gaussian weights, {Models[1]} with four magnitudes; {HbDots:N0} hb-dot outputs, {ZeroHbDots:N0} exactly zero ({ZeroHbDotsWithNonZeroTerms:N0} of them with non-zero chunk terms), {Values:N0} values compared end to end";
    }

    private static void Check(ModelSpec model, byte[] raw, int rows, Tally tally, Action<string> fail, Action<string> failEndToEnd)
    {
        var evaluator = new FloatEvaluator(model);
        var all = evaluator.EvaluateAll(Matrix.FromBytes(raw, rows, model.Input.Features, model.Input.Scale));
        var unipolar = model.NonNegativeInputs();
        int sigmoid = model.Layers.Count - 1;
        for (int r = 0; r < rows; r++)
        {
            // Per layer, from the reference's own input: bit-exact rounding of the exact result.
            for (int l = 0; l < sigmoid; l++)
            {
                if (model.Layers[l] is not (BinLayer or BinarizeLayer or Ramp)) continue;
                var exact = ExactLayers.Evaluate(model, l, ExactLayers.FromDoubles(all[l].Row(r)), unipolar[l])!;
                var actual = all[l + 1].Row(r);
                for (int j = 0; j < exact.Length; j++)
                {
                    double expected = exact[j].ToDouble();
                    if (expected != actual[j] || double.IsNegative(expected) != double.IsNegative(actual[j]))
                        fail($"row {r}, layer {l} ({model.Layers[l].Type}), output {j}: {actual[j]:R}, correctly rounded {expected:R} (exact {exact[j]})");
                    if (model.Layers[l] is BinLayer)
                    {
                        tally.HbDots++;
                        if (exact[j].Sign == 0)
                        {
                            tally.ZeroHbDots++;
                            if (HasNonZeroTerm(model, l, all[l].Row(r), j, unipolar[l])) tally.ZeroHbDotsWithNonZeroTerms++;
                        }
                    }
                }
            }

            // End to end, from the raw bytes: the same signs everywhere and the same output.
            var x = ExactLayers.Input(raw.AsSpan(r * model.Input.Features, model.Input.Features), model.Input.Scale);
            for (int l = 0; l < sigmoid; l++)
            {
                x = ExactLayers.Evaluate(model, l, x, unipolar[l])!;
                var actual = all[l + 1].Row(r);
                for (int j = 0; j < x.Length; j++)
                {
                    tally.Values++;
                    if (Math.Sign(actual[j]) != x[j].Sign)
                        failEndToEnd($"row {r}, layer {l} ({model.Layers[l].Type}), output {j}: {actual[j]:R} but the exact value is {x[j]}");
                }
            }
            double largest = x.Max(v => Math.Abs(v.ToDouble()));
            var final = all[sigmoid].Row(r);
            for (int j = 0; j < x.Length; j++)
            {
                double error = Math.Abs(final[j] - x[j].ToDouble());
                if (error > 1e-9 * largest)
                    failEndToEnd($"row {r}, output {j} before the Sigmoid: {final[j]:R}, exact {x[j]} (error {error:G3}, row max {largest:G3})");
            }
        }
    }

    /// <summary>Whether some chunk of this hb-dot contributes a non-zero term (so a zero total is a cancellation across chunks).</summary>
    private static bool HasNonZeroTerm(ModelSpec model, int layer, ReadOnlySpan<double> input, int j, bool unipolar)
    {
        var bin = (BinLayer)model.Layers[layer];
        int k = model.ChunkLength(bin);
        var hbX = ExactLayers.Hb(ExactLayers.FromDoubles(input), k, unipolar, model.Scales);
        var column = Enumerable.Range(0, bin.Inputs).Select(i => BigRational.FromDouble(bin.Weights.Data[(i * bin.Outputs) + j])).ToList();
        var hbW = ExactLayers.Hb(column, k, unipolar: false, model.Scales);
        for (int start = 0; start < bin.Inputs; start += k)
        {
            var term = BigRational.Zero;
            for (int i = start; i < Math.Min(bin.Inputs, start + k); i++) term += hbX[i] * hbW[i];
            if (term.Sign != 0) return true;
        }
        return false;
    }
}
