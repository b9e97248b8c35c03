using HwFlow.Runtime.Errors;

namespace HwFlow.Runtime.IO;

/// <summary>
/// An output folder that appears complete or not at all, and never at the cost of the user's
/// data: everything is written into a hidden sibling folder, which <see cref="Commit"/> marks as
/// HwFlow's (<see cref="OutputMarker"/>) and moves into place. Disposing without committing (an
/// error, Ctrl-C) deletes the staging folder and leaves the target untouched. An existing target
/// is replaced only when the request allows it and the folder is HwFlow's own or empty; an
/// output that is an input, or holds one, is refused before anything is written.
/// </summary>
public sealed class StagedFolder : IDisposable
{
    private readonly bool _replace;
    private readonly string? _createdAncestor;
    private bool _committed;

    private StagedFolder(string target, string staging, string command, bool replace, string? createdAncestor)
    {
        Target = target;
        Path = staging;
        Command = command;
        _replace = replace;
        _createdAncestor = createdAncestor;
    }

    /// <summary>The final location.</summary>
    public string Target { get; }

    /// <summary>Where to write now.</summary>
    public string Path { get; }

    /// <summary>The command recorded in the marker.</summary>
    public string Command { get; }

    /// <summary>
    /// Starts an output folder for <paramref name="command"/>; refuses (one-line user error, nothing
    /// touched) a target that is a file, that is or holds one of <paramref name="inputs"/>, or that
    /// exists and may not be replaced.
    /// </summary>
    public static StagedFolder Begin(OutputFolder output, string command, IEnumerable<string?> inputs)
    {
        var target = output.Path;
        var full = System.IO.Path.GetFullPath(target);
        if (System.IO.File.Exists(full))
            throw UserError.In(target, "exists and is a file; choose another output folder");
        OutputPaths.CheckFolder(target, inputs);
        if (Directory.Exists(full))
        {
            if (!output.Replace) throw UserError.In(target, "the output folder exists already (use --force to replace it)");
            CheckReplaceable(target);
        }
        var parent = System.IO.Path.GetDirectoryName(full)!;
        var staging = System.IO.Path.Combine(parent, $".{System.IO.Path.GetFileName(full)}.partial-{Environment.ProcessId}");
        string? created = null;
        for (var folder = parent; folder is not null && !Directory.Exists(folder); folder = System.IO.Path.GetDirectoryName(folder)) created = folder;
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
        var staged = new StagedFolder(full, staging, command, output.Replace, created);
        Unfinished[staged] = true;
        return staged;
    }

    /// <summary>Folders begun and neither committed nor disposed: what an abandoned run must still clean up.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<StagedFolder, bool> Unfinished = new();

    /// <summary>
    /// Deletes every staging folder of this process that is still open. For a run that was told to
    /// stop (SIGINT, SIGTERM) but is stuck where it cannot notice, so the process can end without
    /// leaving half-written output.
    /// </summary>
    public static void AbandonAll()
    {
        foreach (var folder in Unfinished.Keys) folder.Dispose();
    }

    /// <summary>Refuses to replace a folder that is neither HwFlow's output nor empty.</summary>
    public static void CheckReplaceable(string folder)
    {
        if (OutputMarker.IsMarked(folder) || !Directory.EnumerateFileSystemEntries(folder).Any()) return;
        throw UserError.In(folder, $"not replaced: it is not a folder HwFlow wrote (no {OutputMarker.FileName} in it) and not empty; choose another output folder or remove it yourself");
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Marks the folder as HwFlow's and moves it into place (the old target, if replaced, is set aside first and deleted last).</summary>
    public void Commit()
    {
        if (_committed) return;
        OutputMarker.Write(Path, Command);
        string? aside = null;
        if (Directory.Exists(Target))
        {
            if (!_replace) throw UserError.In(Target, "the output folder appeared while writing; nothing was replaced");
            CheckReplaceable(Target);
            aside = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Target)!, $".{System.IO.Path.GetFileName(Target)}.replaced-{Environment.ProcessId}");
            if (Directory.Exists(aside)) Directory.Delete(aside, recursive: true);
            Directory.Move(Target, aside);
        }
        try
        {
            Directory.Move(Path, Target);
        }
        catch
        {
            if (aside is not null) Directory.Move(aside, Target);
            throw;
        }
        _committed = true;
        Unfinished.TryRemove(this, out _);
        if (aside is not null) Directory.Delete(aside, recursive: true);
    }

    /// <summary>Without <see cref="Commit"/>: deletes the staging folder, and the parent folders <see cref="Begin"/> created for it.</summary>
    public void Dispose()
    {
        Unfinished.TryRemove(this, out _);
        if (_committed || !Directory.Exists(Path)) return;
        try
        {
            Directory.Delete(Path, recursive: true);
            if (_createdAncestor is null) return;
            for (var folder = System.IO.Path.GetDirectoryName(Path); folder is not null && folder.Length >= _createdAncestor.Length; folder = System.IO.Path.GetDirectoryName(folder))
            {
                if (Directory.EnumerateFileSystemEntries(folder).Any()) break;
                Directory.Delete(folder);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover hidden staging folder is harmless; a later run with the same process id replaces it.
        }
    }
}
