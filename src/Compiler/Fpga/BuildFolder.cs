using System.Text.Json;
using HwFlow.Runtime.Errors;

namespace HwFlow.Compiler.Fpga;

/// <summary>What hwflow-build.json says about a compiled design (the build-folder contract).</summary>
public sealed record BuildManifest(
    string Model,
    string Top,
    IReadOnlyList<string> VerilogFiles,
    IReadOnlyList<string> MemoryFiles,
    int InputBytes,
    int OutputWidth,
    long CyclesPerFrame,
    long LatencyCycles,
    double ClockMhz);

/// <summary>
/// A build folder written by `hwflow compile`, opened and checked before any tool runs: the
/// manifest, and every Verilog and memory file it names. Tools run with the build folder as
/// their working directory, so `$readmemh` paths in the Verilog are relative to it (as in the
/// manifest's memoryFiles).
/// </summary>
public sealed class BuildFolder
{
    public const string ManifestName = "hwflow-build.json";
    public const string FormatTag = "hwflow-build/1";

    private BuildFolder(string path, BuildManifest manifest)
    {
        Path = path;
        Manifest = manifest;
    }

    /// <summary>Full path of the folder.</summary>
    public string Path { get; }

    public BuildManifest Manifest { get; }

    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    public static BuildFolder Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (System.IO.File.Exists(full))
            throw UserError.In(path, "is a file; expected a build folder written by hwflow compile");
        if (!Directory.Exists(full))
            throw UserError.In(path, "no such build folder (create one with hwflow compile MODEL -o FOLDER)");
        var manifestPath = System.IO.Path.Combine(full, ManifestName);
        if (!System.IO.File.Exists(manifestPath))
            throw UserError.In(path, $"not a hwflow build folder: it has no {ManifestName} (create one with hwflow compile)");
        var manifest = ReadManifest(manifestPath);
        foreach (var file in manifest.VerilogFiles.Concat(manifest.MemoryFiles))
        {
            if (!System.IO.File.Exists(System.IO.Path.Combine(full, file)))
                throw UserError.In(manifestPath, $"names {file}, which is missing from the build folder");
        }
        return new BuildFolder(full, manifest);
    }

    private static BuildManifest ReadManifest(string manifestPath)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(System.IO.File.ReadAllText(manifestPath));
        }
        catch (JsonException e)
        {
            throw UserError.In(manifestPath, $"malformed JSON ({e.Message})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw UserError.In(manifestPath, $"cannot read it ({e.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw UserError.In(manifestPath, "expected a JSON object");
            var fields = new ManifestFields(root, manifestPath);
            var format = fields.String("format");
            if (format != FormatTag)
                throw UserError.In(manifestPath, $"format is '{format}', expected '{FormatTag}' (rebuild with this hwflow's compile)");
            return new BuildManifest(
                Model: fields.String("model"),
                Top: fields.Identifier("top"),
                VerilogFiles: fields.RelativePaths("verilogFiles", allowEmpty: false),
                MemoryFiles: fields.RelativePaths("memoryFiles", allowEmpty: true),
                InputBytes: (int)fields.Integer("inputBytes", 1, int.MaxValue),
                OutputWidth: (int)fields.Integer("outputWidth", 1, 64),
                CyclesPerFrame: fields.Integer("cyclesPerFrame", 1, long.MaxValue),
                LatencyCycles: fields.Integer("latencyCycles", 1, long.MaxValue),
                ClockMhz: fields.PositiveNumber("clockMhz"));
        }
    }

    /// <summary>Typed access to the manifest's fields, each failure a one-line error naming the field.</summary>
    private readonly struct ManifestFields(JsonElement root, string file)
    {
        private JsonElement Required(string name, JsonValueKind kind, string expected)
        {
            if (!root.TryGetProperty(name, out var value))
                throw UserError.In(file, $"the field '{name}' is missing");
            if (value.ValueKind != kind)
                throw UserError.In(file, $"the field '{name}' must be {expected}");
            return value;
        }

        public string String(string name)
        {
            var text = Required(name, JsonValueKind.String, "a string").GetString()!;
            if (text.Length == 0) throw UserError.In(file, $"the field '{name}' is empty");
            return text;
        }

        public string Identifier(string name)
        {
            var text = String(name);
            if (!(char.IsAsciiLetter(text[0]) || text[0] == '_') || !text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                throw UserError.In(file, $"the field '{name}' must be a Verilog module name, not '{text}'");
            return text;
        }

        public long Integer(string name, long min, long max)
        {
            var value = Required(name, JsonValueKind.Number, "an integer");
            if (!value.TryGetInt64(out var number) || number < min || number > max)
                throw UserError.In(file, $"the field '{name}' must be an integer from {min} to {max}, not {value.GetRawText()}");
            return number;
        }

        public double PositiveNumber(string name)
        {
            var number = Required(name, JsonValueKind.Number, "a number").GetDouble();
            if (!(number > 0) || double.IsInfinity(number))
                throw UserError.In(file, $"the field '{name}' must be a positive number, not {number}");
            return number;
        }

        public IReadOnlyList<string> RelativePaths(string name, bool allowEmpty)
        {
            var array = Required(name, JsonValueKind.Array, "an array of file paths");
            var paths = new List<string>();
            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 } path)
                    throw UserError.In(file, $"the field '{name}' must hold file paths (strings)");
                if (System.IO.Path.IsPathRooted(path) || path.Replace('\\', '/').Split('/').Contains(".."))
                    throw UserError.In(file, $"'{path}' in '{name}' must be a path inside the build folder");
                if (path.Any(c => char.IsWhiteSpace(c) || c is ';' or '#' or '"' or '\''))
                    throw UserError.In(file, $"'{path}' in '{name}' must not contain spaces, quotes, ';' or '#' (tool scripts take paths verbatim)");
                paths.Add(path);
            }
            if (paths.Count == 0 && !allowEmpty)
                throw UserError.In(file, $"the field '{name}' is empty");
            return paths;
        }
    }
}
