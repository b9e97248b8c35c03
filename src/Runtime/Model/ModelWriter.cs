using System.Globalization;
using System.Text;
using HwFlow.Runtime.IO;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Runtime.Model;

/// <summary>
/// Writes a model folder: model.yaml in the layout of DESIGN.md plus one float32 .npy per tensor.
/// The YAML is written by hand rather than through a serializer so that the flow-style layer
/// lines stay exactly as people write them, and the bytes are stable across runs.
/// </summary>
public static class ModelWriter
{
    /// <summary>Writes the model into <paramref name="folder"/> (which must exist and may hold other files).</summary>
    public static void WriteInto(ModelSpec model, string folder)
    {
        var yaml = new StringBuilder();
        yaml.Append("format: ").Append(ModelSpec.FormatTag).Append('\n');
        yaml.Append("name: ").Append(Quote(model.Name)).Append('\n');
        yaml.Append("input: { shape: [").Append(string.Join(", ", model.Input.Shape))
            .Append("], type: ").Append(model.Input.Type)
            .Append(", scale: ").Append(Number(model.Input.Scale)).Append(" }\n");
        yaml.Append("binAggression: ").Append(model.BinAggression).Append('\n');
        if (model.Scales == ScaleMode.Pow2) yaml.Append("scales: pow2\n");
        yaml.Append("layers:\n");
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            var fields = new List<string> { $"type: {layer.Type}" };
            foreach (var (key, tensor) in layer.Tensors())
            {
                var file = $"{TensorPrefix(key)}{i}.npy";
                NpyFile.Write(Path.Combine(folder, file), tensor);
                fields.Add($"{key}: {file}");
            }
            if (layer is BatchNorm norm) fields.Add($"eps: {Number(norm.Eps)}");
            if (layer.BinAggression is { } k) fields.Add($"binAggression: {k}");
            yaml.Append("  - { ").Append(string.Join(", ", fields)).Append(" }\n");
        }
        yaml.Append("output: ").Append(model.Output == OutputKind.Class ? "class" : "scores").Append('\n');
        File.WriteAllText(Path.Combine(folder, ModelLoader.FileName), yaml.ToString());
    }

    /// <summary>Writes a complete model folder atomically (with --force semantics: only HwFlow's own folder or an empty one is replaced).</summary>
    public static void Write(ModelSpec model, string folder, bool force)
    {
        using var staged = StagedFolder.Begin(OutputFolder.Chosen(folder, force), "write-model", inputs: []);
        WriteInto(model, staged.Path);
        staged.Commit();
    }

    private static string TensorPrefix(string key) => key switch
    {
        "weights" => "w",
        "bias" => "b",
        "mean" => "m",
        "var" => "v",
        "gamma" => "g",
        "beta" => "beta",
        _ => key,
    };

    internal static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string text) =>
        text.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.') ? text : "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
