using System.Text.Json.Nodes;
using HwFlow.Fpga;
using HwFlow.Runtime.Errors;
using HwFlow.Compiler.Hardware.Build;

namespace HwFlow.Fpga.Tests;

public sealed class BuildFolderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Opens_the_test_core_and_reads_every_manifest_field()
    {
        var build = TestBuilds.SumMod10(_temp);
        var m = build.Manifest;
        Assert.Equal("test-sum-mod10", m.Model);
        Assert.Equal("hwflow_top", m.Top);
        Assert.Equal(["rtl/hwflow_top.v", "rtl/mod10_rom.v"], m.VerilogFiles);
        Assert.Equal(["rtl/mod10.hex"], m.MemoryFiles);
        Assert.Equal((784, 8, 785L, 786L, 24.0), (m.InputBytes, m.OutputWidth, m.CyclesPerFrame, m.LatencyCycles, m.ClockMhz));
    }

    [Fact]
    public void A_missing_folder_or_a_file_is_not_a_build()
    {
        var missing = _temp.File("nope");
        Assert.Equal($"{missing}: no such build folder (make one with: hwflow compile MODEL -o FOLDER)",
            Assert.Throws<UserError>(() => BuildFolder.Open(missing)).Message);
        File.WriteAllText(_temp.File("file"), "x");
        Assert.Contains("is a file; expected a build folder", Assert.Throws<UserError>(() => BuildFolder.Open(_temp.File("file"))).Message);
    }

    [Fact]
    public void A_folder_without_a_manifest_is_not_a_hwflow_build()
    {
        Directory.CreateDirectory(_temp.File("empty"));
        Assert.Contains("not a build folder: hwflow-build.json is missing",
            Assert.Throws<UserError>(() => BuildFolder.Open(_temp.File("empty"))).Message);
    }

    [Theory]
    [InlineData("{ not json", "malformed JSON")]
    [InlineData("[1, 2]", "expected a JSON object")]
    public void Malformed_manifests_are_rejected(string text, string expected)
    {
        var folder = TestBuilds.SumMod10(_temp).Path;
        File.WriteAllText(Path.Combine(folder, BuildFolder.ManifestFile), text);
        var error = Assert.Throws<UserError>(() => BuildFolder.Open(folder));
        Assert.StartsWith(Path.Combine(folder, BuildFolder.ManifestFile) + ": " + expected, error.Message);
    }

    public static TheoryData<string, string?, string> BadFields => new()
    {
        { "format", "\"hwflow-build/2\"", "the build is of format 'hwflow-build/2'; this HwFlow reads 'hwflow-build/1': compile the model again" },
        { "format", null, "the field 'format' is missing" },
        { "top", "\"hwflow top\"", "the field 'top' must be a Verilog module name, not 'hwflow top'" },
        { "inputBytes", "0", "the field 'inputBytes' must be an integer from 1 to" },
        { "inputBytes", "\"784\"", "the field 'inputBytes' must be an integer" },
        { "outputWidth", "1048577", "the field 'outputWidth' must be an integer from 1 to 1048576, not 1048577" },
        { "clockMhz", "-5", "the field 'clockMhz' must be a positive number, not -5" },
        { "verilogFiles", "[]", "the field 'verilogFiles' is empty" },
        { "verilogFiles", "[\"../outside.v\"]", "'../outside.v' in 'verilogFiles' must be a path inside the build folder" },
        { "verilogFiles", "[\"rtl/my top.v\"]", "'rtl/my top.v' in 'verilogFiles' must not contain spaces" },
        { "verilogFiles", "[\"rtl/missing.v\"]", "names rtl/missing.v, which is missing from the build folder" },
        { "memoryFiles", "[\"rtl/gone.hex\"]", "names rtl/gone.hex, which is missing from the build folder" },
        { "device", "35", "the field 'device' must be a string" },
        { "device", "\"\"", "the field 'device' is empty" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public void Each_bad_field_is_named(string field, string? json, string expected)
    {
        var folder = TestBuilds.Custom(_temp, "bad", "module hwflow_top; endmodule", manifest =>
        {
            if (json is null) manifest.Remove(field);
            else manifest[field] = JsonNode.Parse(json);
        });
        var error = Assert.Throws<UserError>(() => BuildFolder.Open(folder));
        Assert.StartsWith(Path.Combine(folder, BuildFolder.ManifestFile) + ": ", error.Message);
        Assert.Contains(expected, error.Message);
    }
}
