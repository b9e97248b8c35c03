using System.Globalization;

namespace HwFlow.Cli.Infrastructure;

public static class Units
{
    /// <summary>A bit count as B, KiB or MiB.</summary>
    public static string Bits(long bits)
    {
        double bytes = bits / 8.0;
        return bytes switch
        {
            < 1024 => bytes.ToString("0.#", CultureInfo.InvariantCulture) + " B",
            < 1024 * 1024 => (bytes / 1024).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
            _ => (bytes / 1024 / 1024).ToString("0.00", CultureInfo.InvariantCulture) + " MiB",
        };
    }

    public static string Percent(double fraction) => (100 * fraction).ToString("0.00", CultureInfo.InvariantCulture) + "%";
}
