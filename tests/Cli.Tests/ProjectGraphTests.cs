using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace HwFlow.Cli.Tests;

/// <summary>
/// Pins the layering of ARCHITECTURE.md: which project may reference which. A new
/// ProjectReference fails here until the table below and the diagram are changed together, so
/// the layers cannot rot one convenient reference at a time.
/// </summary>
public sealed class ProjectGraphTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        // src: Runtime <- Compiler <- Sim <- Fpga <- Flow <- Cli, and Runtime <- Training <- Flow
        ["HwFlow.Runtime"] = [],
        ["HwFlow.Compiler"] = ["HwFlow.Runtime"],
        ["HwFlow.Sim"] = ["HwFlow.Compiler"],
        ["HwFlow.Fpga"] = ["HwFlow.Sim"],
        ["HwFlow.Training"] = ["HwFlow.Runtime"],
        ["HwFlow.Flow"] = ["HwFlow.Fpga", "HwFlow.Training"],
        ["HwFlow.Cli"] = ["HwFlow.Flow"],
        // tests mirror src; the Compiler's tests run the emitted Verilog through the external
        // tools, whose adapters (Sim/Tools) live in Sim, and Sim's tests reuse the Compiler's
        // random models and designs.
        ["HwFlow.Runtime.Tests"] = ["HwFlow.Runtime"],
        ["HwFlow.Compiler.Tests"] = ["HwFlow.Compiler", "HwFlow.Sim"],
        ["HwFlow.Sim.Tests"] = ["HwFlow.Sim", "HwFlow.Compiler.Tests"],
        ["HwFlow.Fpga.Tests"] = ["HwFlow.Fpga"],
        ["HwFlow.Training.Tests"] = ["HwFlow.Training"],
        // Flow's tests build the CLI without referencing it: bench gemm's OpenBLAS peer is `hwflow bench openblas-peer`.
        ["HwFlow.Flow.Tests"] = ["HwFlow.Flow", "HwFlow.Cli"],
        ["HwFlow.Cli.Tests"] = ["HwFlow.Cli"],
        // the hostile-input suite runs the commands as a user does, in this process or as `hwflow`
        ["HwFlow.Hostile.Tests"] = ["HwFlow.Cli"],
        // bench: BenchmarkDotNet over the packed kernels and their OpenBLAS peer; the simulator benchmark
        ["HwFlow.Bench"] = ["HwFlow.Training"],
        ["SimBench"] = ["HwFlow.Sim"],
    };

    private static string Root => CliProcess.RepoRoot;

    private static IEnumerable<string> ProjectFiles() =>
        new[] { "src", "tests", "bench" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(Root, folder), "*.csproj", SearchOption.AllDirectories))
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal);

    private static string Name(string projectPath) => Path.GetFileNameWithoutExtension(projectPath);

    [Fact]
    public void Every_project_references_only_the_projects_its_layer_allows()
    {
        var actual = ProjectFiles().ToDictionary(Name, path => XDocument.Load(path).Descendants("ProjectReference")
            .Select(reference => Name(reference.Attribute("Include")!.Value.Replace('\\', '/')))
            .Order(StringComparer.Ordinal)
            .ToArray());
        Assert.Equal(Allowed.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        var wrong = actual
            .Where(p => !p.Value.SequenceEqual(Allowed[p.Key].Order(StringComparer.Ordinal)))
            .Select(p => $"{p.Key} references [{string.Join(", ", p.Value)}]; the layering allows [{string.Join(", ", Allowed[p.Key])}]")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong) + "\n(change ARCHITECTURE.md and this test together)");
    }

    [Fact]
    public void Every_project_is_in_the_solution_that_test_sh_builds()
    {
        var solution = File.ReadAllText(Path.Combine(Root, "HwFlow.sln"));
        var listed = Regex.Matches(solution, @"""([^""]+\.csproj)""").Select(m => m.Groups[1].Value.Replace('\\', '/')).ToHashSet();
        var missing = ProjectFiles().Select(p => Path.GetRelativePath(Root, p).Replace('\\', '/')).Where(p => !listed.Contains(p)).ToList();
        Assert.True(missing.Count == 0, "not in HwFlow.sln (add with dotnet sln add): " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_script_names_a_project_that_exists()
    {
        var scripts = new[] { "bench", "examples" }.SelectMany(folder => Directory.EnumerateFiles(Path.Combine(Root, folder), "*.cs")).ToList();
        Assert.NotEmpty(scripts);
        var broken = scripts
            .SelectMany(script => File.ReadLines(script)
                .Where(line => line.StartsWith("#:project ", StringComparison.Ordinal))
                .Select(line => (Script: Path.GetRelativePath(Root, script), Project: line["#:project ".Length..].Trim())))
            .Where(d => !File.Exists(Path.Combine(Path.GetDirectoryName(Path.Combine(Root, d.Script))!, d.Project)))
            .Select(d => $"{d.Script}: #:project {d.Project}")
            .ToList();
        Assert.True(broken.Count == 0, "scripts naming a missing project: " + string.Join(", ", broken));
    }
}
