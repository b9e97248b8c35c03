namespace HwFlow.Fpga;

/// <summary>One row of the utilisation table: a kind of resource, the cell that implements it, used and available.</summary>
public sealed record ResourceUse(string Name, string Cell, double Used, double? Available)
{
    public double? Fraction => Available is > 0 ? Used / Available.Value : null;
}

/// <summary>The critical path by its endpoints: "cell.port (net, file:line)".</summary>
public sealed record CriticalPathSummary(string From, string To, double DelayNs);

/// <summary>
/// Everything `hwflow synth` learned about a build on one target: area, timing, throughput, the
/// multiply-free proof, and how it was produced. Written as synth.json and synth.md; holds no
/// wall-clock times or absolute paths, so the same build gives byte-identical files.
/// </summary>
public sealed record SynthReport
{
    public const string FormatTag = "hwflow-synth/1";

    public string Format { get; init; } = FormatTag;
    public required string Target { get; init; }
    public required string Device { get; init; }
    public required string Model { get; init; }
    public required string Top { get; init; }
    public string? Shell { get; init; }

    /// <summary>True when the numbers come from place and route; false for synthesis-only estimates (xc7).</summary>
    public required bool PlacedAndRouted { get; init; }

    public required double ClockMhz { get; init; }
    public double? FmaxMhz { get; init; }
    public bool? TimingMet { get; init; }
    public required long CyclesPerFrame { get; init; }
    public required long LatencyCycles { get; init; }

    /// <summary>Fmax / cycles per frame: what the core sustains at its best clock.</summary>
    public double? FramesPerSecond { get; init; }

    /// <summary>Clock / cycles per frame at the requested clock.</summary>
    public required double FramesPerSecondAtClock { get; init; }

    public double? LatencyMicroseconds { get; init; }
    public required IReadOnlyList<ResourceUse> Resources { get; init; }

    /// <summary>Multiplier cells in the netlist: always 0 in a written report, since the flow fails otherwise.</summary>
    public int MultiplierCells { get; init; }

    public CriticalPathSummary? CriticalPath { get; init; }

    /// <summary>Where the cells went: per layer instance, the argmax and the top level, beside the compiler's estimate (null for a board shell build).</summary>
    public IReadOnlyList<LayerUse>? Layers { get; init; }
    public required IReadOnlyDictionary<string, string> ToolVersions { get; init; }

    /// <summary>The files of the synth folder, by name.</summary>
    public required IReadOnlyList<string> Files { get; init; }

    /// <summary>The commands that produced them, run in the build folder.</summary>
    public required IReadOnlyList<string> Commands { get; init; }

    public required IReadOnlyList<string> Notes { get; init; }

    public ResourceUse? Resource(string name) => Resources.FirstOrDefault(r => r.Name == name);
}
