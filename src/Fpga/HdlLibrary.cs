using System.Reflection;

namespace HwFlow.Fpga;

/// <summary>
/// The hand-written Verilog of the repository's hdl/ folder (board shells, UART, FIFO, pin
/// files), embedded in this assembly so the installed tool can write them next to a build.
/// </summary>
public static class HdlLibrary
{
    private static readonly Assembly Self = typeof(HdlLibrary).Assembly;

    /// <summary>File names of everything embedded, e.g. "uart_rx.v", "icebreaker.pcf".</summary>
    public static IReadOnlyList<string> Files { get; } = Self.GetManifestResourceNames()
        .Where(n => n.StartsWith("hdl/", StringComparison.Ordinal))
        .Select(n => n["hdl/".Length..])
        .Order(StringComparer.Ordinal)
        .ToList();

    public static string Text(string file)
    {
        using var stream = Self.GetManifestResourceStream("hdl/" + file)
            ?? throw new ArgumentException($"hdl/{file} is not embedded in {Self.GetName().Name}", nameof(file));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Writes the named files into <paramref name="folder"/> and returns their paths.</summary>
    public static IReadOnlyList<string> WriteTo(string folder, IEnumerable<string> files)
    {
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        foreach (var file in files)
        {
            var path = Path.Combine(folder, file);
            File.WriteAllText(path, Text(file));
            written.Add(path);
        }
        return written;
    }
}
