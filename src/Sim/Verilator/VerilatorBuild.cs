using System.Security.Cryptography;
using System.Text;
using HwFlow.Sim.Tools;
using HwFlow.Runtime.Errors;

namespace HwFlow.Sim.Verilator;

/// <summary>
/// HwFlow's one Verilator adapter: it alone knows Verilator's flags, and keeps the models it
/// builds (<c>verilator --cc --exe --build -O3</c>) in a cache folder named by a content hash of
/// the Verilog, the memory files, the harness, the flags and the Verilator version, so an
/// unchanged design is never rebuilt. A model is driven either by a generated C++ harness
/// (<see cref="Ensure"/>) or by a self-running Verilog testbench (<see cref="EnsureTestbench"/>,
/// the FPGA flow's gate-level check). A build is made in a temporary folder and moved into place
/// only when it succeeded, sealed by a completion marker (<see cref="CacheEntry"/>) that is
/// checked before every use: a damaged entry is rebuilt, saying so. The cache lives in $HWFLOW_CACHE/verilator (default
/// ~/.cache/hwflow/verilator). The version floor is <see cref="Toolchain.Verilator"/>'s.
/// </summary>
public static class VerilatorBuild
{
    /// <summary>
    /// Verilator's fastest model, the one place that knows how it is built: -O3 and X handling
    /// without randomisation (--x-assign/--x-initial fast; every register the generators emit is
    /// reset, so results do not change), and the C++ at -O3 (Verilator's default -Os runs the
    /// fmnist-hbnn-mlp model at half the speed). Measured against -O2, -march=native and GCC
    /// profile-guided builds in BENCHMARKS.md: those were no faster (within 3%, or slower).
    /// </summary>
    public static readonly IReadOnlyList<string> ModelFlags = ["-O3", "--x-assign", "fast", "--x-initial", "fast", "-MAKEFLAGS", "OPT_FAST=-O3 OPT_GLOBAL=-O3"];

    private static readonly string[] Flags = ["--cc", "--exe", "--build", .. ModelFlags, "-Wno-fatal", "-j", "2"];

    /// <summary>The model flags as a command line, for reports.</summary>
    public static string FlagsText => string.Join(' ', ModelFlags.Select(f => f.Contains(' ') ? $"\"{f}\"" : f));

    /// <summary>
    /// A testbench with delays and $finish runs on Verilator's own main loop and timing engine
    /// (what --binary adds to the flags above). Cell libraries and netlists are full of width and
    /// style warnings that say nothing about the behaviour; errors still stop the build.
    /// </summary>
    private static readonly string[] TestbenchFlags = ["--main", "--timing", "-Wno-lint", "-Wno-style", "-Wno-TIMESCALEMOD"];

    public static string CacheRoot =>
        Environment.GetEnvironmentVariable("HWFLOW_CACHE") is { Length: > 0 } root
            ? Path.Combine(root, "verilator")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "hwflow", "verilator");

    /// <summary>Throws a user error naming the Debian package when Verilator is missing or older than HwFlow needs.</summary>
    public static void EnsureUsable() => Toolchain.Verilator.EnsureUsable();

    /// <summary>
    /// The model for <paramref name="top"/> from the given Verilog and memory (.hex) files and
    /// harness source, built now or taken from the cache.
    /// </summary>
    /// <param name="memoryPathPrefix">The folder, relative to where the model runs, that the design's $readmemh paths name ("" or "rtl/").</param>
    public static VerilatorModel Ensure(string top, IReadOnlyList<string> verilogFiles, IReadOnlyList<string> memoryFiles, string harness, CancellationToken cancel = default, string memoryPathPrefix = "") =>
        Build(top, verilogFiles, memoryFiles, harness, Flags, cancel, memoryPathPrefix);

    /// <summary>
    /// A self-running Verilog testbench <paramref name="top"/> over <paramref name="verilogFiles"/>
    /// (with <paramref name="defines"/> set), built now or taken from the cache: a program that
    /// simulates until the bench calls $finish. It takes the bench's plusargs, and reads any
    /// $readmemh or $fopen files relative to the folder it is started in, so they are not part of
    /// the build and a bench that takes its stimulus at run time is built once.
    /// </summary>
    public static VerilatorModel EnsureTestbench(string top, IReadOnlyList<string> verilogFiles, IReadOnlyList<string> defines, CancellationToken cancel = default) =>
        Build(top, verilogFiles, [], harness: null, [.. Flags, .. TestbenchFlags, .. defines.Select(d => "-D" + d)], cancel, "");

    private static VerilatorModel Build(string top, IReadOnlyList<string> verilogFiles, IReadOnlyList<string> memoryFiles, string? harness,
        IReadOnlyList<string> flags, CancellationToken cancel, string memoryPathPrefix)
    {
        var tool = Toolchain.Verilator;
        tool.EnsureUsable();
        var sources = verilogFiles.Concat(memoryFiles).Select(p => (Name: Path.GetFileName(p), Path: p)).ToList();
        foreach (var (_, path) in sources)
            if (!File.Exists(path)) throw UserError.In(path, "the file does not exist (is the build folder complete?)");
        var duplicate = sources.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new UserError($"two input files are both named {duplicate.Key}; Verilator needs them in one folder");

        string hash = Hash(top, tool.Version?.ToString() ?? "?", flags, (harness ?? "") + "\n" + memoryPathPrefix, sources);
        string folder = Path.Combine(CacheRoot, hash);
        string binary = Path.Combine(folder, CppHarness.ModelClass(top));
        var entry = new CacheEntry(folder);
        var problem = entry.Problem();
        if (problem is null && File.Exists(binary)) return new VerilatorModel(binary, folder, FromCache: true);
        if (problem != "missing")
        {
            // One line, so a user knows why this cosim takes a build's time again.
            Console.Error.WriteLine($"hwflow: the cached Verilator model of {top} in {folder} is unusable ({problem ?? "its program is missing"}); rebuilding it");
            entry.Discard();
        }

        Directory.CreateDirectory(CacheRoot);
        string staging = Path.Combine(CacheRoot, $".building-{hash}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        foreach (var (name, path) in sources)
        {
            bool memory = memoryFiles.Contains(path);
            var target = Path.Combine(staging, memory ? memoryPathPrefix + name : name);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(path, target);
        }
        var arguments = new List<string>(flags) { "--top-module", top, "-Mdir", "obj", "-o", Path.Combine("..", CppHarness.ModelClass(top)) };
        if (harness is not null)
        {
            File.WriteAllText(Path.Combine(staging, "harness.cpp"), harness);
            arguments.Add("harness.cpp");
        }
        arguments.AddRange(verilogFiles.Select(Path.GetFileName)!);
        var run = tool.Run(arguments, staging, ExternalTool.DefaultTimeout, cancel);
        if (!run.Succeeded || !File.Exists(Path.Combine(staging, CppHarness.ModelClass(top))))
        {
            // The failed build stays for a look (its sources, the generated C++), never in the cache's place.
            string failed = Path.Combine(CacheRoot, $"failed-{hash}");
            if (Directory.Exists(failed)) Directory.Delete(failed, recursive: true);
            Directory.Move(staging, failed);
            throw ToolFailure.Report($"the Verilator build of {top}: ", tool, run, Path.Combine(failed, "build.log"), []);
        }
        Directory.Delete(Path.Combine(staging, "obj"), recursive: true); // the object files are large and never reused
        CacheEntry.Seal(staging);
        entry.Commit(staging); // keeps another process's good entry if it finished first
        return new VerilatorModel(binary, folder, FromCache: false, Repaired: problem is not "missing");
    }

    private static string Hash(string top, string version, IReadOnlyList<string> flags, string harness, List<(string Name, string Path)> sources)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(text));
            sha.AppendData([0]);
        }
        Add("hwflow-verilator/1");
        Add(version);
        Add(string.Join(' ', flags));
        Add(top);
        Add(harness);
        foreach (var (name, path) in sources.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            Add(name);
            sha.AppendData(File.ReadAllBytes(path));
            sha.AppendData([0]);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..24];
    }
}
