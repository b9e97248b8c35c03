namespace HwFlow.Compiler.Hardware.Build;

/// <summary>
/// hwflow-build.json: what `hwflow compile` says about a build folder. File paths are relative to
/// the build folder, and tools run with it as their working directory ($readmemh paths too).
/// </summary>
public sealed record BuildManifest
{
    public const string CurrentFormat = "hwflow-build/1";

    public string Format { get; init; } = CurrentFormat;
    public string HwflowVersion { get; init; } = "";
    public string Model { get; init; } = "";
    public string Top { get; init; } = "";
    public IReadOnlyList<string> VerilogFiles { get; init; } = [];
    public IReadOnlyList<string> MemoryFiles { get; init; } = [];
    public int InputBytes { get; init; }

    /// <summary>Bits of s_axis_tdata: InputWidth / 8 input bytes a beat, the frame's first byte in the low bits.</summary>
    public int InputWidth { get; init; } = 8;

    /// <summary>Bytes one input beat carries.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int BytesPerBeat => InputWidth / 8;

    /// <summary>Beats one frame takes on s_axis.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int InputBeats => InputBytes / BytesPerBeat;
    public int OutputWidth { get; init; }
    public long CyclesPerFrame { get; init; }
    public long LatencyCycles { get; init; }
    public double ClockMhz { get; init; }

    /// <summary>The logic fabric the compressor trees and memories were shaped for (lut4 or lut6).</summary>
    public string Fabric { get; init; } = "lut4";

    /// <summary>The device `compile --device` folded for, or null.</summary>
    public string? Device { get; init; }
}
