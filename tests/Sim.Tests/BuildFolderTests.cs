using System.Text.Json.Nodes;
using HwFlow.Runtime.Errors;
using HwFlow.Compiler.Hardware.Build;
using HwFlow.Sim.Streams;
using HwFlow.Sim.Tests.Support;
using HwFlow.Sim.Verilator;

namespace HwFlow.Sim.Tests;

/// <summary>The design side of build folders (the manifest checks are tested with the FPGA flow in Fpga.Tests).</summary>
public sealed class BuildFolderTests
{
    private static string Written(TempFolder temp, SummerFault fault = SummerFault.None)
    {
        var folder = temp.File("build");
        BuildFolder.Write(folder, FrameSummer.Design(fault), new BuildManifest { Model = "summer", HwflowVersion = "0.1.0", InputBytes = 40, OutputWidth = FrameSummer.OutputWidth, CyclesPerFrame = 40, LatencyCycles = 42, ClockMhz = 100 });
        return folder;
    }

    private static void EditManifest(string folder, Action<JsonObject> edit)
    {
        var path = Path.Combine(folder, BuildFolder.ManifestFile);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    [Fact]
    public void A_written_build_folder_loads_and_cosimulates()
    {
        using var temp = new TempFolder();
        var build = BuildFolder.Open(Written(temp));
        Assert.Equal("hwflow_top", build.Manifest.Top);
        Assert.Contains("rtl/hwflow_top.v", build.Manifest.VerilogFiles);
        Assert.Single(build.Manifest.MemoryFiles);
        var frames = StreamDriverTests.Frames(10, 8);
        var result = Cosimulation.Stream(Simulator.Create(build.Design), build.StreamModel(), new StreamStimulus { Frames = frames, InputGapProbability = 0.2, OutputStallProbability = 0.2 });
        Assert.True(result.Agree, result.Mismatch?.Message);
        Assert.Equal(frames.Select(FrameSummer.Expected), result.Trace!.Outputs.Select(o => o.Data));
    }

    [Fact]
    public void A_top_that_breaks_the_port_contract_is_refused()
    {
        using var temp = new TempFolder();
        var folder = Written(temp);
        EditManifest(folder, json => json["outputWidth"] = 8);
        var error = Assert.Throws<UserError>(() => BuildFolder.Open(folder).Design);
        Assert.Contains("port m_axis_tdata of hwflow_top must be a 8-bit output, is a 16-bit output", error.Message);
    }

    [Fact]
    public void A_broken_design_file_is_reported_with_its_position()
    {
        using var temp = new TempFolder();
        var folder = Written(temp);
        File.WriteAllText(Path.Combine(folder, BuildFolder.DesignFile), "this is not rtl\n");
        var error = Assert.Throws<UserError>(() => BuildFolder.Open(folder).Design);
        Assert.Contains("design.rtl:1:", error.Message);
    }
}

public sealed class BuildFolderCheckTests
{
    [Fact]
    public void A_design_file_with_invalid_rtl_is_reported_as_a_user_error()
    {
        using var temp = new TempFolder();
        var folder = temp.File("build");
        BuildFolder.Write(folder, FrameSummer.Design(), new BuildManifest { Model = "summer", HwflowVersion = "0.1.0", InputBytes = 40, OutputWidth = FrameSummer.OutputWidth, CyclesPerFrame = 40, LatencyCycles = 42, ClockMhz = 100 });
        var m = new HwFlow.Compiler.Rtl.ModuleBuilder("hwflow_top");
        var address = m.Input("a", 5); // a 5-word memory needs a 3-bit address
        var q = m.Ram("mem", 8, 5, address, null, address, m.Const(0, 8), m.Const(0, 1));
        m.Assign(m.Output("q", 8), q);
        File.WriteAllText(Path.Combine(folder, BuildFolder.DesignFile), HwFlow.Compiler.Rtl.RtlPrinter.Print(new HwFlow.Compiler.Rtl.RtlDesign([m.Build()], "hwflow_top")));
        var error = Assert.Throws<UserError>(() => BuildFolder.Open(folder).Design);
        Assert.Contains("design.rtl: ", error.Message);
        Assert.Contains("address", error.Message);
    }
}
