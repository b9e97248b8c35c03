using HwFlow.Runtime.IO;

namespace HwFlow.Sim.Tools;

/// <summary>
/// The logs HwFlow keeps when a tool fails (<c>BUILD/synth/TARGET.failed.log</c>,
/// <c>SYNTHFOLDER.netlist-check.failed.log</c>) lie beside output folders rather than in them (a
/// failure writes no output folder), where a file of the user's could have the same name. Each
/// log begins with <see cref="Header"/>; one is replaced, or deleted after a run that succeeds,
/// only when it is a regular file (not a link) that begins with it. Anything else of that name is
/// left as it is: never overwritten, never deleted.
/// </summary>
public static class FailureLog
{
    public const string Header = "# hwflow failure log";

    /// <summary>Writes <paramref name="path"/>: <see cref="Header"/>, then <paramref name="body"/>; throws an <see cref="IOException"/> naming the file when something not HwFlow's is there.</summary>
    public static void Write(string path, Action<TextWriter> body)
    {
        if (Exists(path) && !IsOurs(path))
            throw new IOException("a file there is not a log HwFlow wrote, so it was left as it is");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var log = new StreamWriter(path);
        log.WriteLine($"{Header}: written by HwFlow when a tool failed; its next run that succeeds deletes it");
        body(log);
    }

    /// <summary>Deletes the log at <paramref name="path"/> if HwFlow wrote it (a run succeeded, so it no longer applies); anything else there stays.</summary>
    public static void DeleteIfOurs(string path)
    {
        if (Exists(path) && IsOurs(path)) File.Delete(path);
    }

    /// <summary>A regular file, not a link, whose first bytes are <see cref="Header"/>; it is looked at before it is opened (a FIFO would block).</summary>
    public static bool IsOurs(string path)
    {
        if (new FileInfo(path).LinkTarget is not null || InputFile.KindOf(path) != FileKind.Regular) return false;
        var expected = System.Text.Encoding.UTF8.GetBytes(Header);
        var start = new byte[expected.Length];
        using var file = File.OpenRead(path);
        return file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false) == start.Length && start.AsSpan().SequenceEqual(expected);
    }

    /// <summary>Anything by that name, a dangling link included.</summary>
    private static bool Exists(string path) => Path.Exists(path) || new FileInfo(path).LinkTarget is not null;
}
