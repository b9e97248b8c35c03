using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Onnx;
using HwFlow.Tests.Onnx;

namespace HwFlow.Runtime.Tests.Onnx;

/// <summary>Every bad ONNX input is one UserError line naming the file, the node or tensor, and what was expected.</summary>
public sealed class OnnxBadInputTests
{
    public static TheoryData<string> Cases() => [.. BadOnnxModels.All.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void RefusedWithTheFileTheNodeAndWhatWasExpected(string name)
    {
        using var temp = new TempFolder();
        var bad = BadOnnxModels.All.Single(c => c.Name == name);
        var path = bad.Write(temp.Path);
        var error = Assert.Throws<UserError>(() => OnnxImport.Load(path));
        Assert.StartsWith(path + ": ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        foreach (var fragment in bad.Expected) Assert.Contains(fragment, error.Message);
    }

    [Fact]
    public void TheValidModelTheBadOnesStartFromImports()
    {
        using var temp = new TempFolder();
        var model = OnnxImport.Load(BadOnnxModels.SmallValidModel().Save(temp.File("valid.onnx")));
        Assert.Equal(["BipolarQuant", "QuantLinear"], model.Layers.Select(l => l.Type));
    }
}
