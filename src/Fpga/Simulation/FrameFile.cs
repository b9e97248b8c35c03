using System.Text;

namespace HwFlow.Fpga.Simulation;

/// <summary>Frames of input bytes as a `$readmemh` file: one byte per line, frame after frame.</summary>
public static class FrameFile
{
    public static void Write(string path, IReadOnlyList<byte[]> frames, int inputBytes)
    {
        var text = new StringBuilder();
        foreach (var frame in frames)
        {
            if (frame.Length != inputBytes)
                throw new ArgumentException($"every frame must hold {inputBytes} bytes; one holds {frame.Length}", nameof(frames));
            foreach (var b in frame) text.Append(b.ToString("x2")).Append('\n');
        }
        File.WriteAllText(path, text.ToString());
    }

    /// <summary>A path as a Verilog string literal.</summary>
    public static string VerilogString(string path) => "\"" + path.Replace("\\", "/").Replace("\"", "\\\"") + "\"";
}
