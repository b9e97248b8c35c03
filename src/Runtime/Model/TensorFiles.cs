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
        if (!IsInside(full))
            throw nodes.ErrorAt(pathNode, $"tensor path '{relative}' leaves the model folder");
        if (!File.Exists(full))
            throw nodes.ErrorAt(pathNode, $"tensor file '{relative}' does not exist");
        // A symbolic link may point anywhere; its final target has to stay inside too.
        var target = new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true);
        if (target is not null && !IsInside(target.FullName))
            throw nodes.ErrorAt(pathNode, $"tensor path '{relative}' is a link that leaves the model folder");

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

    private bool IsInside(string full) =>
        full.StartsWith(folder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
