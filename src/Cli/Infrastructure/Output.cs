using System.Text.Json;
using System.Text.Json.Serialization;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.IO;

namespace HwFlow.Cli.Infrastructure;

/// <summary>
/// Where a command's numbers go: with --json, exactly one JSON object on stdout and nothing
/// else there; otherwise tables and text for people. --json-out FILE writes the same JSON object
/// to a file as well (so one run gives both the table and the numbers). Progress and notes always
/// go to stderr.
/// </summary>
public sealed class Output(bool json, string? jsonFile)
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public bool Json { get; } = json;

    /// <summary>Prints <paramref name="result"/> as JSON, or calls <paramref name="human"/>; with --json-out also writes the JSON there.</summary>
    public void Report<T>(T result, Action<T> human)
    {
        // Serialized only when asked for: the serializer's first use costs a short command tens of milliseconds.
        var text = Json || jsonFile is not null ? JsonSerializer.Serialize(result, JsonOptions) : null;
        if (jsonFile is not null) WriteFile(jsonFile, text + "\n");
        if (Json) Console.Out.WriteLine(text);
        else human(result);
    }

    /// <summary>A note for people, on stderr so it never mixes with JSON (above the progress bar when one is on screen).</summary>
    public static void Note(string text) => ProgressDisplay.Line(text);

    /// <summary>Written beside and moved into place, so a reader never sees half a file.</summary>
    private static void WriteFile(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var partial = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.partial-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(partial, text);
            File.Move(partial, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(partial)) File.Delete(partial);
            throw UserError.In(path, $"cannot write the JSON report there ({e.Message})");
        }
    }
}

/// <summary>--json and --json-out, defined once for every command that reports numbers.</summary>
public sealed class ReportOptions
{
    private readonly Option<bool> _json = new("--json") { Description = "Print exactly one JSON object with the results on stdout" };
    private readonly Option<string?> _jsonOut = new("--json-out") { Description = "Also write that JSON object to this file (the table still prints)" };

    public void AddTo(Command command)
    {
        command.Options.Add(_json);
        command.Options.Add(_jsonOut);
    }

    /// <summary>The output for this run; a --json-out file that would land on one of <paramref name="inputs"/> is refused before any work.</summary>
    public Output Read(ParseResult parse, IEnumerable<string?> inputs)
    {
        var file = parse.GetValue(_jsonOut);
        if (file is not null) OutputPaths.CheckFile(file, inputs);
        return new Output(parse.GetValue(_json), file);
    }
}
