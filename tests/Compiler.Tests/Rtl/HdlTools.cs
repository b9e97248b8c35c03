using HwFlow.Compiler.Rtl;
using HwFlow.Sim.Tools;

namespace HwFlow.Compiler.Tests.Rtl;

/// <summary>Runs Verilator, Icarus and Yosys over emitted designs; a missing tool fails the test with the package to install.</summary>
internal static class HdlTools
{
    public static ExternalTool Require(ExternalTool tool)
    {
        if (!tool.Available)
            Assert.Fail($"this test needs {tool.Executable}: install the Debian package {tool.DebianPackage} (./test.sh does) or set {tool.EnvironmentOverride}");
        tool.EnsureUsable();
        return tool;
    }

    /// <summary>Emits <paramref name="design"/> into <paramref name="folder"/> and returns the Verilog files, sorted.</summary>
    public static List<string> EmitInto(RtlDesign design, string folder)
    {
        VerilogEmitter.Write(design, folder);
        return [.. Directory.GetFiles(folder, "*.v").Order(StringComparer.Ordinal)];
    }

    public static void AssertVerilatorClean(string folder, string top)
    {
        var files = VerilogFiles(folder);
        var run = Require(Toolchain.Verilator).Run(["--lint-only", "-Wall", "--top-module", top, .. files], folder, TimeSpan.FromMinutes(2));
        Assert.True(run.Succeeded && run.Stderr.Trim().Length == 0, $"verilator --lint-only -Wall on {top} in {folder}:\n{run.Stderr}{run.Stdout}");
    }

    public static void AssertIcarusAccepts(string folder, string top)
    {
        var files = VerilogFiles(folder);
        var run = Require(Toolchain.Icarus).Run(["-g2005", "-Wall", "-s", top, "-o", Path.Combine(folder, "icarus.out"), .. files], folder, TimeSpan.FromMinutes(2));
        Assert.True(run.Succeeded && run.Stderr.Trim().Length == 0, $"iverilog -g2005 on {top} in {folder}:\n{run.Stderr}{run.Stdout}");
    }

    /// <summary>Reads every design (folder, top) into one Yosys process and elaborates it with hierarchy -check and proc.</summary>
    public static void AssertYosysAccepts(IReadOnlyList<(string Folder, string Top)> designs, string scratch)
    {
        var script = string.Join("\n", designs.Select(d =>
            $"read_verilog {string.Join(' ', VerilogFiles(d.Folder))}\nhierarchy -check -top {d.Top}\nproc\ncheck -assert\ndesign -reset"));
        var scriptPath = Path.Combine(scratch, "read.ys");
        File.WriteAllText(scriptPath, script + "\n");
        var run = Require(Toolchain.Yosys).Run(["-q", "-s", scriptPath], scratch, TimeSpan.FromMinutes(5));
        Assert.True(run.Succeeded, $"yosys read_verilog failed: {run.FirstError}\n{run.Stderr}");
    }

    /// <summary>Runs synth_ice40 and returns the cell counts of the top module's statistics.</summary>
    public static Dictionary<string, int> SynthIce40(string folder, string top)
    {
        var statPath = Path.Combine(folder, "stat.txt");
        var script = $"read_verilog {string.Join(' ', VerilogFiles(folder).Select(Path.GetFileName))}\nsynth_ice40 -top {top}\ntee -q -o stat.txt stat\n";
        var scriptPath = Path.Combine(folder, "synth.ys");
        File.WriteAllText(scriptPath, script);
        var run = Require(Toolchain.Yosys).Run(["-q", "-s", scriptPath], folder, TimeSpan.FromMinutes(5));
        Assert.True(run.Succeeded, $"yosys synth_ice40 failed: {run.FirstError}\n{run.Stderr}");
        var cells = new Dictionary<string, int>();
        foreach (var line in File.ReadAllLines(statPath))
        {
            var parts = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && int.TryParse(parts[1], out int count) && !parts[0].Contains(':')) cells[parts[0]] = count;
        }
        return cells;
    }

    private static List<string> VerilogFiles(string folder) => [.. Directory.GetFiles(folder, "*.v").Order(StringComparer.Ordinal)];
}
