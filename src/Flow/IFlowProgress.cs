using HwFlow.Training;

namespace HwFlow.Flow;

/// <summary>
/// Where a step reports how far it is: counted work (a bar on a terminal, plain lines in a log),
/// training epochs, and notes for people. Every call happens on the step's own thread, in order.
/// </summary>
public interface IFlowProgress
{
    /// <summary>Runs <paramref name="work"/> with a reporter counting up to <paramref name="total"/> steps.</summary>
    T Track<T>(string title, int total, Func<IProgress<int>, T> work);

    /// <summary>Runs a training run with an observer of its epochs and batches; <paramref name="title"/> names the run.</summary>
    T Train<T>(string title, Func<ITrainingObserver, T> work);

    /// <summary>Something a person should know that is not a result (e.g. a fallback taken).</summary>
    void Note(string text);
}

/// <summary>
/// A reporter handed out by <see cref="IFlowProgress.Track{T}"/> that can also say what the work
/// is doing between its counted steps (a search's designs so far). A sink shows it as part of its
/// display, on a terminal the bar's caption, so that it never lands in the middle of the bar; in a
/// log it is a plain line at most every <see cref="LogSeconds"/>. Status may come from worker
/// threads and often (after every design): the sink decides how often it is shown.
/// </summary>
public interface IStatusProgress : IProgress<int>
{
    void Status(string text);

    /// <summary>The least time between two status lines in a log.</summary>
    public const double LogSeconds = 10;
}

/// <summary>Progress nobody watches: a library caller that passes no sink gets this.</summary>
public sealed class NoProgress : IFlowProgress
{
    public static readonly NoProgress Instance = new();

    public T Track<T>(string title, int total, Func<IProgress<int>, T> work) => work(Silent.Instance);

    public T Train<T>(string title, Func<ITrainingObserver, T> work) => work(Silent.Instance);

    public void Note(string text)
    {
    }

    private sealed class Silent : IProgress<int>, ITrainingObserver
    {
        public static readonly Silent Instance = new();

        public void Report(int value)
        {
        }

        public void EpochStarted(int epoch, int epochs, int batches)
        {
        }

        public void BatchCompleted(int epoch, int batch, double loss, double accuracy)
        {
        }

        public void EpochCompleted(EpochRecord record)
        {
        }
    }
}
