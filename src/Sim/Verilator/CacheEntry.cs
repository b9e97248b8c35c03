using System.Security.Cryptography;
using System.Text;

namespace HwFlow.Sim.Verilator;

/// <summary>
/// One folder of a build cache, trusted only when its completion marker matches what is in it.
/// The marker holds the SHA-256 of every other file (name and content) and is written last, into
/// the staging folder, before that folder is renamed into place in one step; so a build that
/// crashed, was killed, or ran out of disk leaves no marker, and a file damaged later (a
/// truncated or overwritten binary) no longer matches it. A bad entry is moved aside (a rename,
/// safe while another process does the same) and built again.
/// </summary>
public sealed class CacheEntry(string folder)
{
    public const string MarkerFile = "complete.sha256";

    public string Folder { get; } = folder;

    private string Marker => Path.Combine(Folder, MarkerFile);

    /// <summary>Null when the entry is complete and intact; otherwise why not ("missing" when there is no entry at all).</summary>
    public string? Problem()
    {
        if (!Directory.Exists(Folder)) return "missing";
        if (!File.Exists(Marker)) return "it has no completion marker (an interrupted build, or one made by an older HwFlow)";
        string recorded;
        try
        {
            recorded = File.ReadAllText(Marker).Trim();
        }
        catch (IOException e)
        {
            return $"its completion marker cannot be read ({e.Message})";
        }
        string actual;
        try
        {
            actual = ContentHash(Folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"a file in it cannot be read ({e.Message})";
        }
        return recorded == actual ? null : "its files do not match the completion marker (damaged after it was built)";
    }

    /// <summary>Writes the marker into a finished staging folder, as its last file.</summary>
    public static void Seal(string staging) => File.WriteAllText(Path.Combine(staging, MarkerFile), ContentHash(staging) + "\n");

    /// <summary>Moves a bad entry out of the way; another process may have done it already.</summary>
    public void Discard()
    {
        var aside = Folder + $".bad-{Guid.NewGuid():N}";
        try
        {
            Directory.Move(Folder, aside);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return; // gone already, or being replaced by another process: the caller looks again
        }
        try
        {
            Directory.Delete(aside, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover .bad- folder is never used; the next clean of the cache takes it.
        }
    }

    /// <summary>
    /// Moves a sealed staging folder into place. When another process got there first with a good
    /// entry, that one is kept and the staging folder deleted; a bad one in the way is replaced.
    /// </summary>
    public void Commit(string staging)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                Directory.Move(staging, Folder);
                return;
            }
            catch (IOException) when (Directory.Exists(Folder) && attempt < 3)
            {
                if (Problem() is null)
                {
                    Directory.Delete(staging, recursive: true);
                    return;
                }
                Discard();
            }
        }
    }

    private static string ContentHash(string folder)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Where(f => f != MarkerFile)
            .Order(StringComparer.Ordinal);
        var buffer = new byte[1 << 16];
        foreach (var name in files)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(name));
            sha.AppendData([0]);
            using var stream = File.OpenRead(Path.Combine(folder, name));
            int read;
            while ((read = stream.Read(buffer)) > 0) sha.AppendData(buffer, 0, read);
            sha.AppendData([0]);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
