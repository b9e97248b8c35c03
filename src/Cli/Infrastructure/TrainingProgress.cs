using System.Globalization;
using HwFlow.Training;

namespace HwFlow.Cli.Infrastructure;

/// <summary>
/// Training progress on stderr: on a terminal one bar per epoch with the running loss, training
/// accuracy and the epoch's remaining time; otherwise one plain line per finished epoch.
/// </summary>
public static class TrainingProgress
{
    /// <summary>Runs <paramref name="work"/> with an observer; <paramref name="title"/> prefixes every line (e.g. the run's name).</summary>
    public static T Run<T>(string title, Func<ITrainingObserver, T> work)
    {
        if (!ProgressDisplay.Interactive) return work(new PlainObserver(title));
        T result = default!;
        ProgressDisplay.Showing(ProgressDisplay.ErrorConsole, () => ProgressDisplay.ErrorConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context => result = work(new LiveObserver(title, context))));
        return result;
    }

    /// <summary>
    /// One epoch's figures. With a validation split the line shows the validation accuracy and
    /// not the test's: settings are chosen on it while training runs, the test set is for the end
    /// (training.csv keeps both).
    /// </summary>
    public static string Describe(EpochRecord r) => string.Create(CultureInfo.InvariantCulture,
        $"loss {r.Loss:F4}  train {100 * r.TrainAccuracy:F2}%  {HeldOut(r)}  {r.Seconds:F1} s");

    private static string HeldOut(EpochRecord r) => r.ValidationAccuracy is { } v
        ? string.Create(CultureInfo.InvariantCulture, $"validation {100 * v:F2}%")
        : string.Create(CultureInfo.InvariantCulture, $"test {100 * r.TestAccuracy:F2}%");

    private sealed class PlainObserver(string title) : ITrainingObserver
    {
        private int _epochs;

        public void EpochStarted(int epoch, int epochs, int batches) => _epochs = epochs;

        public void BatchCompleted(int epoch, int batch, double loss, double accuracy)
        {
        }

        public void EpochCompleted(EpochRecord record) =>
            Console.Error.WriteLine($"{title} epoch {record.Epoch}/{_epochs}: {Describe(record)}");
    }

    private sealed class LiveObserver(string title, ProgressContext context) : ITrainingObserver
    {
        private ProgressTask? _task;
        private int _epochs;

        public void EpochStarted(int epoch, int epochs, int batches)
        {
            _epochs = epochs;
            _task = context.AddTask(Markup.Escape($"{title} epoch {epoch}/{epochs}"), maxValue: batches);
        }

        public void BatchCompleted(int epoch, int batch, double loss, double accuracy)
        {
            if (_task is null) return;
            _task.Value = batch;
            _task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{title} epoch {epoch}/{_epochs}  loss {loss:F4}  acc {100 * accuracy:F2}%"));
        }

        public void EpochCompleted(EpochRecord record)
        {
            if (_task is null) return;
            _task.Description = Markup.Escape($"{title} epoch {record.Epoch}/{_epochs}  {Describe(record)}");
            _task.StopTask();
        }
    }
}
