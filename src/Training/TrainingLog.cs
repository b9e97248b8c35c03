using System.Globalization;
using System.Text;

namespace HwFlow.Training;

/// <summary>The per-epoch CSV log written next to a trained model.</summary>
public static class TrainingLog
{
    public const string FileName = "training.csv";
    public const string Header = "epoch,loss,train_accuracy,test_accuracy,learning_rate,train_seconds,seconds";

    /// <summary>The log; a run with a validation split (--validation) gets a validation_accuracy column at the end.</summary>
    public static string Csv(IReadOnlyList<EpochRecord> epochs)
    {
        bool validation = epochs.Any(e => e.ValidationAccuracy is not null);
        var csv = new StringBuilder(Header).Append(validation ? ",validation_accuracy\n" : "\n");
        foreach (var e in epochs)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{e.Epoch},{e.Loss:R},{e.TrainAccuracy:R},{e.TestAccuracy:R},{e.LearningRate:R},{e.TrainSeconds:F3},{e.Seconds:F3}");
            if (validation) csv.Append(CultureInfo.InvariantCulture, $",{e.ValidationAccuracy:R}");
            csv.Append('\n');
        }
        return csv.ToString();
    }
}
