using HwFlow.Training;

namespace HwFlow.Flow.Tests;

/// <summary>A progress sink that records what a step reported (counts, statuses, notes), and can cancel the step when a given report arrives.</summary>
public sealed class RecordingProgress(Func<string, int, bool>? cancelWhen = null) : IFlowProgress
{
    private readonly List<string> _reports = [];
    private readonly Func<string, int, bool>? _cancelWhen = cancelWhen;

    public CancellationTokenSource Cancel { get; } = new();

    public IReadOnlyList<string> Reports => _reports;

    public T Track<T>(string title, int total, Func<IProgress<int>, T> work)
    {
        lock (_reports) _reports.Add($"{title}: 0/{total}");
        return work(new Reporter(this, title, total));
    }

    public T Train<T>(string title, Func<ITrainingObserver, T> work) => NoProgress.Instance.Train(title, work);

    public void Note(string text)
    {
        lock (_reports) _reports.Add(text);
    }

    /// <summary>A step's status (<see cref="IStatusProgress"/>) is recorded as "TITLE status: TEXT".</summary>
    private sealed class Reporter(RecordingProgress owner, string title, int total) : IStatusProgress
    {
        public void Status(string text)
        {
            lock (owner._reports) owner._reports.Add($"{title} status: {text}");
        }

        public void Report(int value)
        {
            lock (owner._reports) owner._reports.Add($"{title}: {value}/{total}");
            if (owner._cancelWhen?.Invoke(title, value) == true) owner.Cancel.Cancel();
        }
    }
}
