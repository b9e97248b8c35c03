using Onnx;

namespace HwFlow.Runtime.Onnx;

/// <summary>
/// Tensors stored outside the .onnx file (ONNX external data: location, offset, length). The
/// location is relative to the model's folder and may not leave it, not even through a link.
/// </summary>
internal static class ExternalData
{
    public static byte[] Read(TensorProto tensor, string modelFolder)
    {
        var entries = tensor.ExternalData.ToDictionary(e => e.Key, e => e.Value);
        if (!entries.TryGetValue("location", out var location) || string.IsNullOrWhiteSpace(location))
            throw new OnnxGraphError($"tensor '{tensor.Name}' is stored as external data without a location");
        if (Path.IsPathRooted(location))
            throw new OnnxGraphError($"tensor '{tensor.Name}': external data path '{location}' must be relative to the model's folder");
        var folder = Path.GetFullPath(modelFolder).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(folder, location));
        if (!full.StartsWith(folder, StringComparison.Ordinal))
            throw new OnnxGraphError($"tensor '{tensor.Name}': external data path '{location}' leaves the model's folder");
        if (!File.Exists(full))
            throw new OnnxGraphError($"tensor '{tensor.Name}': external data file '{location}' does not exist");
        var target = new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true);
        if (target is not null && !target.FullName.StartsWith(folder, StringComparison.Ordinal))
            throw new OnnxGraphError($"tensor '{tensor.Name}': external data path '{location}' is a link that leaves the model's folder");

        long offset = Number(entries, "offset", tensor.Name) ?? 0;
        using var stream = File.OpenRead(full);
        long length = Number(entries, "length", tensor.Name) ?? stream.Length - offset;
        if (offset < 0 || length < 0 || offset + length > stream.Length)
            throw new OnnxGraphError($"tensor '{tensor.Name}': external data range {offset}+{length} lies outside '{location}' ({stream.Length} bytes)");
        var bytes = new byte[length];
        stream.Seek(offset, SeekOrigin.Begin);
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static long? Number(Dictionary<string, string> entries, string key, string tensor)
    {
        if (!entries.TryGetValue(key, out var text)) return null;
        return long.TryParse(text, out var value) ? value : throw new OnnxGraphError($"tensor '{tensor}': external data {key} '{text}' is not a number");
    }
}
