namespace HwFlow.Compiler.Hardware.Compression;

/// <summary>
/// The logic cell of the device family a design is generated for. It decides the shape of the
/// compressor trees (popcounts, add/subtract trees); bench/compressor-forms.cs compares the
/// forms per family in yosys.
/// </summary>
public enum LogicFabric
{
    /// <summary>4-input LUT plus carry (iCE40): 3:2 full-adder trees, then one carry adder.</summary>
    Lut4,

    /// <summary>6-input LUT plus carry chain (7 series): 3 XNOR/AND pairs per LUT, 6:3 counters, then one carry adder.</summary>
    Lut6,
}

public static class LogicFabrics
{
    /// <summary>Inputs of the widest lookup table a compressor of this fabric is built from.</summary>
    public static int TableInputs(this LogicFabric fabric) => fabric == LogicFabric.Lut6 ? 6 : 3;

    /// <summary>The text name (as in --fabric and the build manifest).</summary>
    public static string Name(this LogicFabric fabric) => fabric == LogicFabric.Lut6 ? "lut6" : "lut4";

    public static LogicFabric? Parse(string name) => name.ToLowerInvariant() switch
    {
        "lut4" => LogicFabric.Lut4,
        "lut6" => LogicFabric.Lut6,
        _ => null,
    };
}
