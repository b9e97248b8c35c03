using System.Runtime.InteropServices;
using HwFlow.Runtime.Errors;

namespace HwFlow.Runtime.IO;

/// <summary>What a path names once every link is followed.</summary>
public enum FileKind { Missing, Regular, Directory, Fifo, CharacterDevice, BlockDevice, Socket, Other }

/// <summary>
/// Looks at an input path before anything opens it: what it is (with links followed) and its
/// real path (every link in every component resolved). Opening a FIFO for reading blocks until
/// a writer appears, and a device such as /dev/zero never ends, so user input is read only
/// once it is known to be a regular file. .NET exposes neither the file type nor realpath(3),
/// hence libc: statx has one struct layout on every Linux architecture.
/// </summary>
public static partial class InputFile
{
    /// <summary>The kind of file <paramref name="path"/> names, following links.</summary>
    public static FileKind KindOf(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, 0, StatxType, ref MemoryMarshal.GetReference(buffer)) != 0) return FileKind.Missing;
        int mode = BitConverter.ToUInt16(buffer[28..30]) & 0xF000;
        return mode switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Other,
        };
    }

    /// <summary>The absolute path with every symbolic link resolved, or null when some component does not exist.</summary>
    public static string? RealPath(string path)
    {
        var resolved = RealPathNative(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero) return null;
        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Free(resolved);
        }
    }

    /// <summary>
    /// Refuses anything but a regular file, in the words a user needs ("is a directory", "is a
    /// FIFO, not a regular file"), without opening it. <paramref name="shownAs"/> is how the
    /// message names the file.
    /// </summary>
    public static void RequireRegular(string path, string shownAs)
    {
        var problem = Problem(KindOf(path));
        if (problem is not null) throw UserError.In(shownAs, problem);
    }

    /// <summary>Why a file of this kind cannot be read as input, or null for a regular file.</summary>
    public static string? Problem(FileKind kind) => kind switch
    {
        FileKind.Regular => null,
        FileKind.Missing => "does not exist",
        FileKind.Directory => "is a directory, not a file",
        FileKind.Fifo => "is a FIFO (named pipe), not a regular file; reading it could wait forever",
        FileKind.CharacterDevice or FileKind.BlockDevice => "is a device, not a regular file",
        FileKind.Socket => "is a socket, not a regular file",
        _ => "is not a regular file",
    };

    /// <summary>Reads a whole input file after checking that it is a regular file.</summary>
    public static byte[] ReadAllBytes(string path)
    {
        RequireRegular(path, path);
        return File.ReadAllBytes(path);
    }

    /// <summary>Reads a whole input text file after checking that it is a regular file.</summary>
    public static string ReadAllText(string path)
    {
        RequireRegular(path, path);
        return File.ReadAllText(path);
    }

    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr RealPathNative(string path, IntPtr resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(IntPtr pointer);
}
