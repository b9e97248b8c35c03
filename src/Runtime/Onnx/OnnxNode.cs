using System.Text;
using Onnx;

namespace HwFlow.Runtime.Onnx;

/// <summary>An ONNX node with typed attribute access; errors name the attribute.</summary>
internal sealed class OnnxNode(NodeProto node, int index)
{
    public NodeProto Proto { get; } = node;

    public string OpType => Proto.OpType;

    public string Domain => Proto.Domain;

    /// <summary>The node's name, or its position and first output when it has none.</summary>
    public string Name => Proto.Name.Length > 0 ? Proto.Name : $"#{index} (output '{Proto.Output.FirstOrDefault()}')";

    public string Describe => $"node {Name} ({OpType})";

    public IReadOnlyList<string> Inputs => Proto.Input;

    public IReadOnlyList<string> Outputs => Proto.Output;

    private AttributeProto? Find(string name) => Proto.Attribute.FirstOrDefault(a => a.Name == name);

    public bool Has(string name) => Find(name) is not null;

    public long Int(string name, long fallback) => Find(name) is { } a ? a.I : fallback;

    public double Float(string name, double fallback) => Find(name) is { } a ? a.F : fallback;

    public string Text(string name, string fallback) => Find(name) is { } a ? Encoding.UTF8.GetString(a.S.Span) : fallback;

    public long[]? Ints(string name) => Find(name) is { } a ? a.Ints.ToArray() : null;

    public TensorProto? Tensor(string name) => Find(name)?.T;

    /// <summary>The attribute names, for checking a Constant node's form.</summary>
    public IEnumerable<string> AttributeNames => Proto.Attribute.Select(a => a.Name);
}
