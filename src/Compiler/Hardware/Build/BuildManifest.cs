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

    /// <summary>
    /// "bytes" (a byte per pixel) or "bits" (`--input-format bits`: a bit per pixel, bit = byte &gt;=
    /// <see cref="InputThreshold"/>, InputWidth pixels a beat, the first in bit 0; see <see cref="InputWire"/>).
    /// </summary>
    public string InputFormat { get; init; } = InputWire.Bytes;

    /// <summary>With bits: the threshold the host applies to each input byte; null with bytes.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public long? InputThreshold { get; init; }

    /// <summary>Pixels one input beat carries.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int PixelsPerBeat => InputFormat == InputWire.Bits ? InputWidth : BytesPerBeat;

    /// <summary>Beats one frame takes on s_axis (with bits, the last one may be partial).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int InputBeats => (InputBytes + PixelsPerBeat - 1) / PixelsPerBeat;

    /// <summary>Bytes of one frame as it travels on s_axis: InputBeats beats of BytesPerBeat bytes (<see cref="InputWire.Pack"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int WireBytes => InputBeats * BytesPerBeat;
    public int OutputWidth { get; init; }
    public long CyclesPerFrame { get; init; }
    public long LatencyCycles { get; init; }
    public double ClockMhz { get; init; }

    /// <summary>The logic fabric the compressor trees and memories were shaped for (lut4 or lut6).</summary>
    public string Fabric { get; init; } = "lut4";

    /// <summary>The device `compile --device` folded for, or null.</summary>
    public string? Device { get; init; }
}
