namespace HwFlow.Runtime.IO;

/// <summary>
/// A file in a cache, which is never needed for a result: reading one that is missing or
/// unreadable gives null, and writing is best effort, to a temporary file moved into place so no
/// reader ever sees half of one (racing writers each move a whole file; the last wins).
/// </summary>
public static class CacheFile
{
    public static byte[]? TryRead(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>; false (and nothing left behind) when it could not.</summary>
    public static bool TryWrite(string path, ReadOnlySpan<byte> bytes)
    {
        string partial = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.partial";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            using (var file = File.Create(partial)) file.Write(bytes);
            File.Move(partial, path, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(partial);
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException)
            {
                // nothing was cached; the result is still right
            }
            return false;
        }
    }
}
