namespace HwFlow.Runtime.Tests.Graph;

/// <summary>Test access to internal integer arithmetic.</summary>
internal static class IntegerOpsAccess
{
    public static long PwlSigmoid(long x, int inFrac, int frac) => Runtime.Graph.IntegerOps.PwlSigmoid(x, inFrac, frac);
}
