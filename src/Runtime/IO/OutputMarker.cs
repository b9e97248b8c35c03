using System.Text.Json;

namespace HwFlow.Runtime.IO;

/// <summary>
/// The file every output folder HwFlow writes carries (<c>.hwflow-output</c>: which command
/// wrote it, and HwFlow's version). It is what makes a folder HwFlow's to replace: --force never
/// deletes a folder without it unless the folder is empty. No time stamp, so outputs stay
/// byte-identical across runs.
/// </summary>
public static class OutputMarker
{
    public const string FileName = ".hwflow-output";

    public const string Format = "hwflow-output/1";

    public static void Write(string folder, string command)
    {
        // Written field by field: no reflection, so trimmed and AOT-compiled callers (file-based scripts) can write it too.
        using (var stream = File.Create(Path.Combine(folder, FileName)))
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteString("command", command);
            json.WriteString("version", HwFlowVersion.Text);
            json.WriteEndObject();
        }
        File.AppendAllText(Path.Combine(folder, FileName), "\n");
    }

    /// <summary>Whether <paramref name="folder"/> holds a marker in HwFlow's format.</summary>
    public static bool IsMarked(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return false;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("format", out var format) && format.GetString() == Format;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The command recorded in <paramref name="folder"/>'s marker, or null.</summary>
    public static string? CommandOf(string folder)
    {
        if (!IsMarked(folder)) return null;
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, FileName)));
        return json.RootElement.TryGetProperty("command", out var command) ? command.GetString() : null;
    }
}
