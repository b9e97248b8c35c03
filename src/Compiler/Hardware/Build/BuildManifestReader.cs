using System.Text.Json;
using HwFlow.Runtime.Errors;

namespace HwFlow.Compiler.Hardware.Build;

/// <summary>Reads hwflow-build.json strictly: every field present, of the right kind and range, every path inside the folder.</summary>
public static class BuildManifestReader
{
    public static BuildManifest Read(string manifestPath)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(HwFlow.Runtime.IO.InputFile.ReadAllText(manifestPath));
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
            if (format != BuildManifest.CurrentFormat)
                throw UserError.In(manifestPath, $"the build is of format '{format}'; this HwFlow reads '{BuildManifest.CurrentFormat}': compile the model again");
            bool bits = IsBits(root, manifestPath);
            return new BuildManifest
            {
                Format = format,
                HwflowVersion = root.TryGetProperty("hwflowVersion", out var version) && version.ValueKind == JsonValueKind.String ? version.GetString()! : "",
                Model = fields.String("model"),
                Top = fields.Identifier("top"),
                VerilogFiles = fields.RelativePaths("verilogFiles", allowEmpty: false),
                MemoryFiles = fields.RelativePaths("memoryFiles", allowEmpty: true),
                InputBytes = (int)fields.Integer("inputBytes", 1, int.MaxValue),
                InputWidth = root.TryGetProperty("inputWidth", out _) ? InputWidth(fields, manifestPath, (int)fields.Integer("inputBytes", 1, int.MaxValue), bits) : 8, // builds before --input-width took bytes
                InputFormat = bits ? InputWire.Bits : InputWire.Bytes,
                InputThreshold = bits ? fields.Integer("inputThreshold", long.MinValue, long.MaxValue) : null,
                OutputWidth = (int)fields.Integer("outputWidth", 1, 1 << 20),
                CyclesPerFrame = fields.Integer("cyclesPerFrame", 1, long.MaxValue),
                LatencyCycles = fields.Integer("latencyCycles", 1, long.MaxValue),
                ClockMhz = fields.PositiveNumber("clockMhz"),
                Device = root.TryGetProperty("device", out var device) && device.ValueKind != JsonValueKind.Null ? fields.String("device") : null, // builds without --device write null (older ones nothing)
            };
        }
    }

    /// <summary>Whether the build takes a bit per pixel ("inputFormat": "bits"); builds before --input-format have no field and take bytes.</summary>
    private static bool IsBits(JsonElement root, string file)
    {
        if (!root.TryGetProperty("inputFormat", out var format)) return false;
        return format.ValueKind == JsonValueKind.String && format.GetString() is InputWire.Bytes or InputWire.Bits
            ? format.GetString() == InputWire.Bits
            : throw UserError.In(file, $"the field 'inputFormat' must be \"{InputWire.Bytes}\" or \"{InputWire.Bits}\"");
    }

    private static int InputWidth(ManifestFields fields, string file, int inputBytes, bool bits)
    {
        int width = (int)fields.Integer("inputWidth", 8, 64);
        if (bits && width % 8 != 0)
            throw UserError.In(file, $"the field 'inputWidth' must be a whole number of bytes, is {width}");
        if (!bits && (width % 8 != 0 || inputBytes % (width / 8) != 0))
            throw UserError.In(file, $"the field 'inputWidth' must be a whole number of bytes that divides the {inputBytes}-byte frame into beats, is {width}");
        return width;
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
