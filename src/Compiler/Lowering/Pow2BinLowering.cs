using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Lowering;

/// <summary>BinLayer lowering for power-of-two chunk scales (shifts only).</summary>
public static class Pow2BinLowering
{
    public static bool Lower(Passes.PassContext context, Node bin) =>
        throw new UserError($"{ModelImporter.Describe(bin)}: --scales pow2 lowering is being built");
}
