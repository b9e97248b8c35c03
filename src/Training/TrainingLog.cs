using System.Globalization;
using System.Text;

namespace HwFlow.Training;

/// <summary>The per-epoch CSV log written next to a trained model.</summary>
public static class TrainingLog
{
    public const string FileName = "training.csv";
    public const string Header = "epoch,loss,train_accuracy,test_accuracy,learning_rate,train_seconds,seconds";

    public static string Csv(IEnumerable<EpochRecord> epochs)
    {
        var csv = new StringBuilder(Header).Append('\n');
        foreach (var e in epochs)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{e.Epoch},{e.Loss:R},{e.TrainAccuracy:R},{e.TestAccuracy:R},{e.LearningRate:R},{e.TrainSeconds:F3},{e.Seconds:F3}\n");
        }
        return csv.ToString();
    }
}
