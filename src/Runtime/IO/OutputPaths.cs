using HwFlow.Runtime.Errors;

namespace HwFlow.Runtime.IO;

/// <summary>
/// Keeps a command's outputs off its inputs: an output folder may not be an input or hold one
/// (replacing it would delete the input), and an output file may not be an input or overwrite a
/// file inside an input folder. Paths are compared after resolving symbolic links, so a link
/// cannot smuggle an input under an output.
/// </summary>
public static class OutputPaths
{
    /// <summary>Refuses an output folder that equals or contains one of <paramref name="inputs"/> (null entries are skipped).</summary>
    public static void CheckFolder(string output, IEnumerable<string?> inputs)
    {
        var target = Real(output);
        foreach (var input in inputs.OfType<string>())
        {
            var source = Real(input);
            if (source == target)
                throw UserError.In(output, $"is an input of this command ({input}); choose another output folder");
            if (IsInside(source, target))
                throw UserError.In(output, $"holds {input}, an input of this command, which writing the output would delete; choose another output folder");
        }
    }

    /// <summary>Refuses an output file that is a folder, one of <paramref name="inputs"/>, or an existing file inside an input folder.</summary>
    public static void CheckFile(string output, IEnumerable<string?> inputs)
    {
        if (Directory.Exists(output)) throw UserError.In(output, "is a folder; expected the path of a file to write");
        var target = Real(output);
        bool exists = File.Exists(output);
        foreach (var input in inputs.OfType<string>())
        {
            var source = Real(input);
            if (source == target)
                throw UserError.In(output, $"is an input of this command ({input}); choose another output file");
            if (exists && IsInside(target, source))
                throw UserError.In(output, $"would overwrite a file inside {input}, an input of this command; choose another output file");
        }
    }

    /// <summary>Whether <paramref name="path"/> lies strictly below <paramref name="folder"/> (both real, full paths).</summary>
    public static bool IsInside(string path, string folder)
    {
        var prefix = folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar;
        return path.Length > prefix.Length && path.StartsWith(prefix, StringComparison.Ordinal);
    }

    /// <summary>The full path with every symbolic link along it resolved (a part that does not exist yet is kept as written).</summary>
    public static string Real(string path) => Real(path, depth: 0);

    private static string Real(string path, int depth)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            // A link cycle is left unresolved after 40 hops, as the kernel gives up on it too (ELOOP).
            if (info.Exists && info.LinkTarget is not null && depth < 40 && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                next = Real(target.FullName, depth + 1);
            current = next;
        }
        return Path.TrimEndingDirectorySeparator(current) is { Length: > 0 } trimmed ? trimmed : root;
    }
}
