using HwFlow.Flow;
using HwFlow.Training;

namespace HwFlow.Cli.Infrastructure;

/// <summary>The CLI's progress sink: bars or plain lines on stderr (<see cref="ProgressDisplay"/>, <see cref="TrainingProgress"/>), notes on stderr.</summary>
public sealed class ConsoleProgress : IFlowProgress
{
    public static readonly ConsoleProgress Instance = new();

    public T Track<T>(string title, int total, Func<IProgress<int>, T> work) => ProgressDisplay.Run(title, total, work);

    public T Train<T>(string title, Func<ITrainingObserver, T> work) => TrainingProgress.Run(title, work);

    public void Note(string text) => Output.Note(text);
}
