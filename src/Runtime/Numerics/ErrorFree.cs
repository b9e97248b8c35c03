namespace HwFlow.Runtime.Numerics;

/// <summary>
/// Error-free transformations (Knuth, Dekker): a sum or product of two doubles written exactly
/// as a rounded result plus its rounding error, the building blocks of double-double arithmetic.
/// </summary>
public static class ErrorFree
{
    /// <summary>a + b = sum + error exactly.</summary>
    public static double TwoSum(double a, double b, out double error)
    {
        double sum = a + b;
        double bVirtual = sum - a;
        error = (a - (sum - bVirtual)) + (b - bVirtual);
        return sum;
    }

    /// <summary>a + b = sum + error exactly, for |a| &gt;= |b| (or a = 0).</summary>
    public static double FastTwoSum(double a, double b, out double error)
    {
        double sum = a + b;
        error = b - (sum - a);
        return sum;
    }

    /// <summary>a * b = product + error exactly (barring underflow), with one fused multiply-add.</summary>
    public static double TwoProduct(double a, double b, out double error)
    {
        double product = a * b;
        error = Math.FusedMultiplyAdd(a, b, -product);
        return product;
    }
}
