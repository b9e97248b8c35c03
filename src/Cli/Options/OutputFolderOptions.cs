using System.CommandLine;
using HwFlow.Runtime.IO;

namespace HwFlow.Cli.Options;

/// <summary>
/// -o/--output and --force, defined once. A command either requires -o (compile, run, train) or
/// has its own default folder (benchmarks, experiments), which it may replace when HwFlow wrote
/// it; a folder the user names is replaced only with --force, and only if HwFlow wrote it or it
/// is empty (<see cref="StagedFolder"/> enforces both).
/// </summary>
public sealed class OutputFolderOptions
{
    private readonly string? _default;

    /// <param name="defaultFolder">The command's own folder when -o is not given; null makes -o required.</param>
    public OutputFolderOptions(string description, string? defaultFolder = null)
    {
        _default = defaultFolder;
        Output = new Option<string?>("--output", "-o")
        {
            Description = defaultFolder is null ? description : $"{description} (default {defaultFolder}, replaced by the next run)",
            Required = defaultFolder is null,
        };
    }

    public Option<string?> Output { get; }

    public Option<bool> Force { get; } = new("--force") { Description = "Replace the output folder if it exists (only a folder HwFlow wrote, or an empty one)" };

    public void AddTo(Command command)
    {
        command.Options.Add(Output);
        command.Options.Add(Force);
    }

    public OutputFolder Read(ParseResult parse) => parse.GetValue(Output) is { } chosen
        ? OutputFolder.Chosen(chosen, parse.GetValue(Force))
        : OutputFolder.Default(_default!);
}
