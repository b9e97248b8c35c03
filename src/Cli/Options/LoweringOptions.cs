using System.CommandLine;
using HwFlow.Compiler.Lowering;
using HwFlow.Runtime.Model;

namespace HwFlow.Cli.Options;

/// <summary>The integer-lowering options shared by compile and eval.</summary>
public sealed class LoweringOptions
{
    private readonly Option<string?> _scales = new("--scales") { Description = "Chunk scales: exact (fixed-point shift-add) or pow2 (shifts only); default: the model's own" };
    private readonly Option<int> _firstLayerBits = new("--first-layer-bits") { Description = "Bits of the quantized constant weights of a LinearLayer", DefaultValueFactory = _ => new CompileOptions().FirstLayerBits };
    private readonly Option<int> _coefBits = new("--coef-bits") { Description = "Bits of the fixed-point chunk-scale coefficients", DefaultValueFactory = _ => new CompileOptions().CoefBits };
    private readonly Option<int> _activationBits = new("--activation-bits") { Description = "Cap on activation widths before Hadamard binarization", DefaultValueFactory = _ => new CompileOptions().ActivationBits };

    public LoweringOptions()
    {
        _scales.AcceptOnlyFromAmong("exact", "pow2");
    }

    public void AddTo(Command command)
    {
        command.Options.Add(_scales);
        command.Options.Add(_firstLayerBits);
        command.Options.Add(_coefBits);
        command.Options.Add(_activationBits);
    }

    public CompileOptions Read(ParseResult parse) => new()
    {
        Scales = parse.GetValue(_scales) switch
        {
            "pow2" => ScaleMode.Pow2,
            "exact" => ScaleMode.Exact,
            _ => null,
        },
        FirstLayerBits = parse.GetValue(_firstLayerBits),
        CoefBits = parse.GetValue(_coefBits),
        ActivationBits = parse.GetValue(_activationBits),
    };
}
