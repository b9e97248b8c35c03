using HwFlow.Runtime.IO;
using HwFlow.Runtime.Tensors;
using YamlDotNet.RepresentationModel;

namespace HwFlow.Runtime.Model;

/// <summary>Resolves tensor paths named in model.yaml (never outside the model folder) and loads them.</summary>
internal sealed class TensorFiles(YamlNodes nodes, string folder)
{
    public Tensor Load(YamlNode pathNode, string what)
    {
        var relative = nodes.Scalar(pathNode, what);
        if (string.IsNullOrWhiteSpace(relative)) throw nodes.ErrorAt(pathNode, $"{what} needs a file name");
        if (Path.IsPathRooted(relative))
            throw nodes.ErrorAt(pathNode, $"tensor path '{relative}' must be relative to the model folder");
        var full = Path.GetFullPath(Path.Combine(folder, relative));
        if (!IsInside(full, folder))
            throw nodes.ErrorAt(pathNode, $"tensor path '{relative}' leaves the model folder");
        // Checked before anything opens the file: a link in any component may point anywhere,
        // and a FIFO or device given as a tensor would block or never end.
        var kind = InputFile.KindOf(full);
        if (kind != FileKind.Missing && (InputFile.RealPath(full) is not { } real || !IsInside(real, RealFolder)))
            throw nodes.ErrorAt(pathNode, $"tensor path '{relative}' leads outside the model folder through a symbolic link (to {InputFile.RealPath(full) ?? "?"})");
        if (InputFile.Problem(kind) is { } problem)
            throw nodes.ErrorAt(pathNode, $"tensor file '{relative}' {problem}");

        Tensor tensor;
        try
        {
            tensor = NpyFile.Read(full).ToTensor();
        }
        catch (Errors.UserError e)
        {
            throw nodes.ErrorAt(pathNode, $"{what} '{relative}': {e.Message.Replace(full + ": ", "")}");
        }
        for (int i = 0; i < tensor.Length; i++)
        {
            if (!float.IsFinite(tensor.Data[i]))
                throw nodes.ErrorAt(pathNode, $"{what} '{relative}' holds {tensor.Data[i]} at flat index {i} (every parameter must be finite)");
        }
        return tensor;
    }

    /// <summary>The model folder with its own links resolved (a model may be reached through a link).</summary>
    private string RealFolder => _realFolder ??= InputFile.RealPath(folder) ?? folder;
    private string? _realFolder;

    private static bool IsInside(string full, string root) =>
        full.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
