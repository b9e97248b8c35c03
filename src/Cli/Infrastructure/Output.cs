using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HwFlow.Cli.Infrastructure;

/// <summary>
/// Where a command's numbers go: with --json, exactly one JSON object on stdout and nothing
/// else there; otherwise tables and text for people. Progress and notes always go to stderr.
/// </summary>
public sealed class Output(bool json)
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

    public static Option<bool> JsonOption() =>
        new("--json") { Description = "Print exactly one JSON object with the results on stdout" };

    public static Output From(ParseResult parse, Option<bool> jsonOption) => new(parse.GetValue(jsonOption));

    /// <summary>Prints <paramref name="result"/> as JSON, or calls <paramref name="human"/>.</summary>
    public void Report<T>(T result, Action<T> human)
    {
        if (Json) Console.Out.WriteLine(JsonSerializer.Serialize(result, JsonOptions));
        else human(result);
    }

    /// <summary>A note for people, on stderr so it never mixes with JSON.</summary>
    public static void Note(string text) => Console.Error.WriteLine(text);
}
