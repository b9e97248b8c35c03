using HwFlow.Runtime.Errors;

namespace HwFlow.Fpga;

/// <summary>
/// Runs a flow's yosys script and returns the mapped netlist, after the multiply-free check on
/// both sides of technology mapping. The script is kept as synth.ys, with the paths it will
/// have once the output folder is in place, so `yosys -s` reproduces the run.
/// </summary>
internal static class SynthesisStep
{
    public static YosysNetlist Run(FpgaTools tools, FlowWorkspace work, FpgaTarget target, string script, string top, string stepName)
    {
        var scriptPath = work.OutPath("synth.ys");
        File.WriteAllText(scriptPath, script);
        var run = work.Run(tools.Yosys, stepName, ["-q", "-l", work.Out("yosys.log"), "-s", work.Out("synth.ys")]);
        File.WriteAllText(scriptPath, work.AsFinal(script));
        if (!run.Succeeded)
        {
            var multipliers = work.OutPath(YosysScript.MultiplierReport);
            if (File.Exists(multipliers)) MultiplierCheck.Require(MultiplierCheck.ParseReport(File.ReadAllText(multipliers)), target.Name);
            throw work.Failure(target.Name, tools.Yosys, run, "failed on the design");
        }
        var netlist = YosysNetlist.Load(work.OutPath(YosysScript.NetlistJson), top);
        MultiplierCheck.Require(MultiplierCheck.InNetlist(netlist, top), target.Name);
        return netlist;
    }
}
