namespace HwFlow.Flow;

/// <summary>What a step is asked to do. Its inputs are listed so that no output (a folder, --json-out, --vcd) can land on one.</summary>
public interface IFlowRequest
{
    /// <summary>Files and folders the step reads (model folders, build folders, datasets, folding files, ...).</summary>
    IReadOnlyList<string> Inputs { get; }
}
