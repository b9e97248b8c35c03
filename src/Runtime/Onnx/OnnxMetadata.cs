namespace HwFlow.Runtime.Onnx;

/// <summary>The metadata_props keys `hwflow export` writes, so that importing the file gives back the same model.</summary>
public static class OnnxMetadata
{
    /// <summary>real input = raw byte * this scale (the ONNX input takes the real values).</summary>
    public const string InputScale = "hwflow.input.scale";

    public const string Name = "hwflow.name";

    /// <summary>"class" (argmax of the output) or "scores".</summary>
    public const string Output = "hwflow.output";
}
