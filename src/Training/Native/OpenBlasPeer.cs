using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using HwFlow.Runtime.Errors;

namespace HwFlow.Training.Native;

/// <summary>
/// OpenBLAS measured at its own best, in a child process. OpenBLAS picks its kernel set when the
/// library loads, honouring OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (this machine's environment
/// forces the Haswell AVX2 kernels with them); so the peer runs in a process started without those
/// variables, where OpenBLAS picks by CPUID (its AVX-512 kernels here), while this process, tests
/// and CI keep the environment as it is. The child (<see cref="OpenBlasPeerServer"/>) takes inputs
/// as files and answers timing requests one line at a time, so its runs interleave with this
/// process's contenders.
/// </summary>
public sealed class OpenBlasPeer : IDisposable
{
    /// <summary>The variables that make OpenBLAS pick other kernels than its CPUID choice.</summary>
    public static readonly IReadOnlyList<string> KernelVariables = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"];

    private readonly Process _process;
    private readonly string _folder;
    private int _next;

    private OpenBlasPeer(Process process, string folder, string coreName, string config)
    {
        _process = process;
        _folder = folder;
        CoreName = coreName;
        Config = config;
    }

    /// <summary>The kernel set the child's OpenBLAS runs (openblas_get_corename).</summary>
    public string CoreName { get; }

    public string Config { get; }

    /// <summary>Starts the child: <paramref name="command"/> is the program and arguments that run <see cref="OpenBlasPeerServer.Serve"/>.</summary>
    public static OpenBlasPeer Start(IReadOnlyList<string> command)
    {
        OpenBlas.EnsureAvailable();
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1)) start.ArgumentList.Add(argument);
        foreach (var name in KernelVariables) start.Environment.Remove(name);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start the OpenBLAS peer ({command[0]})");
        var hello = process.StandardOutput.ReadLine();
        var parts = hello?.Split('\t') ?? [];
        if (parts.Length != 3 || parts[0] != "ready")
        {
            if (!process.HasExited) process.Kill();
            process.Dispose();
            throw new InvalidOperationException($"the OpenBLAS peer answered '{hello}' instead of its kernel name");
        }
        return new OpenBlasPeer(process, Directory.CreateTempSubdirectory("hwflow-openblas-peer-").FullName, parts[1], parts[2]);
    }

    /// <summary>The command that re-runs this program with <paramref name="arguments"/> (the apphost, or dotnet and the entry assembly).</summary>
    public static List<string> SelfCommand(params string[] arguments)
    {
        string program = Environment.ProcessPath ?? throw new InvalidOperationException("the running program's path is unknown");
        var command = new List<string> { program };
        if (Path.GetFileNameWithoutExtension(program) == "dotnet")
            command.Add(System.Reflection.Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("no entry assembly"));
        command.AddRange(arguments);
        return command;
    }

    /// <summary>Hands the child C = A . B^T's inputs (A is m x k, B^T is n x k); returns the product's id.</summary>
    public int LoadGemm(float[] a, float[] bTransposed, int m, int n, int k) =>
        Load($"gemm {m} {n} {k}", a, bTransposed);

    /// <summary>Hands the child y = W x's inputs (W is m x n); returns the product's id.</summary>
    public int LoadGemv(float[] w, float[] x, int m, int n) => Load($"gemv {m} {n}", w, x);

    /// <summary>Wall and CPU seconds for <paramref name="repeats"/> runs of the product in a row, timed in the child.</summary>
    public (double Wall, double Cpu) Time(int id, int threads, int repeats)
    {
        var parts = Ask($"time {id} {threads} {repeats}").Split(' ');
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>The product's result, as the child computes it.</summary>
    public float[] Output(int id, int threads)
    {
        string path = Path.Combine(_folder, $"out{id}.bin");
        Ask($"save {id} {threads} {path}");
        var result = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();
        File.Delete(path);
        return result;
    }

    public void Drop(int id) => Ask($"drop {id}");

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine("quit");
                _process.StandardInput.Flush();
                if (!_process.WaitForExit(TimeSpan.FromSeconds(10))) _process.Kill();
            }
        }
        catch (IOException)
        {
            // The child is gone already.
        }
        _process.Dispose();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private int Load(string what, float[] first, float[] second)
    {
        int id = ++_next;
        string firstPath = Path.Combine(_folder, $"in{id}a.bin"), secondPath = Path.Combine(_folder, $"in{id}b.bin");
        File.WriteAllBytes(firstPath, MemoryMarshal.AsBytes(first.AsSpan()).ToArray());
        File.WriteAllBytes(secondPath, MemoryMarshal.AsBytes(second.AsSpan()).ToArray());
        Ask($"load {id} {what} {firstPath} {secondPath}");
        File.Delete(firstPath);
        File.Delete(secondPath);
        return id;
    }

    private string Ask(string request)
    {
        _process.StandardInput.WriteLine(request);
        _process.StandardInput.Flush();
        var answer = Answer();
        if (answer.StartsWith("error ", StringComparison.Ordinal))
            throw new InvalidOperationException($"the OpenBLAS peer failed on '{request}': {answer[6..]}");
        if (!answer.StartsWith("ok", StringComparison.Ordinal))
            throw new InvalidOperationException($"the OpenBLAS peer answered '{answer}' to '{request}'");
        return answer.Length > 3 ? answer[3..] : "";
    }

    private string Answer() =>
        _process.StandardOutput.ReadLine() ?? throw new UserError($"the OpenBLAS peer process exited (code {(_process.HasExited ? _process.ExitCode : -1)}) without answering");
}
