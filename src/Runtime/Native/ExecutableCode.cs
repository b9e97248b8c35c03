using System.Runtime.InteropServices;
using Iced.Intel;

namespace HwFlow.Runtime.Native;

/// <summary>
/// Machine code placed in memory the CPU may execute: mapped writable, filled, then switched to
/// read + execute (never both at once). Kept for the life of the process; kernels are generated
/// once. Linux x86-64 only (the System V calling convention the generated code follows).
/// </summary>
internal static unsafe partial class ExecutableCode
{
    private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4;
    private const int MapPrivate = 0x02, MapAnonymous = 0x20;

    /// <summary>True where generated kernels can run: Linux on x86-64.</summary>
    public static bool Supported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <summary>Assembles <paramref name="assembler"/>'s code (position-independent: labels only) and places it.</summary>
    public static nint Place(Assembler assembler)
    {
        using var stream = new MemoryStream();
        assembler.Assemble(new StreamCodeWriter(stream), 0);
        return Place(stream.ToArray());
    }

    /// <summary>Copies <paramref name="code"/> into fresh executable pages and returns its address.</summary>
    public static nint Place(ReadOnlySpan<byte> code)
    {
        if (!Supported) throw new PlatformNotSupportedException("generated kernels need Linux on x86-64");
        nuint size = (nuint)((code.Length + 4095) & ~4095);
        nint memory = mmap(0, size, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (memory == -1) throw new InvalidOperationException($"mmap of {size} bytes for generated code failed (errno {Marshal.GetLastPInvokeError()})");
        code.CopyTo(new Span<byte>((void*)memory, code.Length));
        if (mprotect(memory, size, ProtRead | ProtExec) != 0)
            throw new InvalidOperationException($"mprotect to read+execute failed (errno {Marshal.GetLastPInvokeError()})");
        return memory;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mprotect(nint address, nuint length, int protection);
}
