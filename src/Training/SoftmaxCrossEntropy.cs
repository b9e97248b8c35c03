using HwFlow.Runtime.Numerics;

namespace HwFlow.Training;

/// <summary>
/// The training loss: softmax cross-entropy on the network's last pre-Sigmoid output (the saved
/// HBNN model ends in the seed's Sigmoid, which is monotone, so the argmax is the same).
/// </summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>
    /// Mean loss over the batch; writes dLoss/dlogits into <paramref name="gradient"/> and returns
    /// how many rows the argmax got right.
    /// </summary>
    public static (double Loss, int Correct) Evaluate(float[] logits, ReadOnlySpan<byte> labels, int rows, int classes, float[] gradient)
    {
        double total = 0;
        int correct = 0;
        var probabilities = new double[classes];
        for (int r = 0; r < rows; r++)
        {
            var row = logits.AsSpan(r * classes, classes);
            int best = ArgMax.Of<float>(row);
            if (best == labels[r]) correct++;
            double max = row[best];
            double sum = 0;
            for (int c = 0; c < classes; c++)
            {
                probabilities[c] = Math.Exp(row[c] - max);
                sum += probabilities[c];
            }
            total += Math.Log(sum) - (row[labels[r]] - max);
            for (int c = 0; c < classes; c++)
            {
                double target = c == labels[r] ? 1 : 0;
                gradient[(r * classes) + c] = (float)(((probabilities[c] / sum) - target) / rows);
            }
        }
        return (total / rows, correct);
    }
}
