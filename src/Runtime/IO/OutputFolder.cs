namespace HwFlow.Runtime.IO;

/// <summary>
/// Where a command writes its output folder, and whether an existing folder there may be
/// replaced. Either way only a folder HwFlow wrote (it holds <see cref="OutputMarker"/>) or an
/// empty one is ever replaced; <see cref="StagedFolder"/> enforces that.
/// </summary>
public sealed record OutputFolder(string Path, bool Replace)
{
    /// <summary>The user's -o: an existing folder is replaced only with --force.</summary>
    public static OutputFolder Chosen(string path, bool force) => new(path, force);

    /// <summary>A command's own default place (a benchmark's, an experiment's, synth's folder in a build): HwFlow's to replace.</summary>
    public static OutputFolder Default(string path) => new(path, Replace: true);
}
