using HwFlow.Runtime.Errors;

namespace HwFlow.Runtime.IO;

/// <summary>
/// An output folder that appears complete or not at all: everything is written into a hidden
/// sibling folder, which <see cref="Commit"/> moves into place. Disposing without committing
/// (an error, Ctrl-C) deletes the staging folder and leaves the target untouched.
/// </summary>
public sealed class StagedFolder : IDisposable
{
    private bool _committed;

    private StagedFolder(string target, string staging, bool replace)
    {
        Target = target;
        Path = staging;
        _replace = replace;
    }

    private readonly bool _replace;

    /// <summary>The final location.</summary>
    public string Target { get; }

    /// <summary>Where to write now.</summary>
    public string Path { get; }

    /// <summary>Starts an output folder; refuses an existing target unless <paramref name="force"/>.</summary>
    public static StagedFolder Begin(string target, bool force)
    {
        var full = System.IO.Path.GetFullPath(target);
        if (System.IO.File.Exists(full))
            throw UserError.In(target, "exists and is a file; choose another output folder");
        if (Directory.Exists(full) && !force)
            throw UserError.In(target, "the output folder exists already (use --force to replace it)");
        var parent = System.IO.Path.GetDirectoryName(full)!;
        var staging = System.IO.Path.Combine(parent, $".{System.IO.Path.GetFileName(full)}.partial-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(parent);
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            Directory.CreateDirectory(staging);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw UserError.In(target, $"cannot create the output folder there ({e.Message})");
        }
        return new StagedFolder(full, staging, force);
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Commit()
    {
        if (_committed) return;
        if (Directory.Exists(Target))
        {
            if (!_replace) throw UserError.In(Target, "the output folder appeared while writing; nothing was replaced");
            Directory.Delete(Target, recursive: true);
        }
        Directory.Move(Path, Target);
        _committed = true;
    }

    public void Dispose()
    {
        if (!_committed && Directory.Exists(Path))
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover hidden staging folder is harmless; a later run with the same process id replaces it.
            }
        }
    }
}
