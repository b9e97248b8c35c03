using System.Text;

namespace HwFlow.Runtime.Graph;

/// <summary>
/// The canonical text form of a graph. One node per line (tensor attributes wrap, 16 numbers a
/// line); attributes in their stored order; numbers in shortest round-trip form. Printing the
/// parse of a printed graph gives the same text.
/// </summary>
public static class GraphPrinter
{
    private const int NumbersPerLine = 16;

    public static string Print(Graph graph)
    {
        var text = new StringBuilder();
        text.Append("graph ").Append(Quote(graph.Name)).Append(" {\n");
        foreach (var node in graph.Nodes) PrintNode(text, node);
        text.Append("}\n");
        return text.ToString();
    }

    private static void PrintNode(StringBuilder text, Node node)
    {
        text.Append("  %").Append(node.Name).Append(" = ").Append(node.Op);
        for (int i = 0; i < node.Operands.Count; i++) text.Append(i == 0 ? " %" : ", %").Append(node.Operands[i]);
        if (node.Attrs.Count > 0)
        {
            text.Append(" {");
            for (int i = 0; i < node.Attrs.Count; i++)
            {
                if (i > 0) text.Append(", ");
                text.Append(node.Attrs[i].Key).Append('=');
                PrintAttr(text, node.Attrs[i].Value);
            }
            text.Append('}');
        }
        text.Append(" : ").Append(node.Type).Append('\n');
    }

    private static void PrintAttr(StringBuilder text, Attr attr)
    {
        switch (attr)
        {
            case IntAttr i: text.Append(AttrText.Int(i.Value)); break;
            case RealAttr r: text.Append(AttrText.Real(r.Value)); break;
            case BoolAttr b: text.Append(b.Value ? "true" : "false"); break;
            case SymbolAttr s: text.Append(s.Value); break;
            case IntTensorAttr t: PrintTensor(text, "i64", t.Shape, t.Data.Length, i => AttrText.Int(t.Data[i])); break;
            case RealTensorAttr t: PrintTensor(text, "f64", t.Shape, t.Data.Length, i => AttrText.Real(t.Data[i])); break;
            default: throw new InvalidOperationException($"unknown attribute kind {attr.GetType().Name}");
        }
    }

    private static void PrintTensor(StringBuilder text, string kind, int[] shape, int count, Func<int, string> element)
    {
        text.Append(kind).Append('[').Append(string.Join(",", shape)).Append("]{");
        bool wrap = count > NumbersPerLine;
        for (int i = 0; i < count; i++)
        {
            if (wrap && i % NumbersPerLine == 0) text.Append(i == 0 ? "\n      " : ",\n      ");
            else if (i > 0) text.Append(", ");
            text.Append(element(i));
        }
        if (wrap) text.Append("\n    ");
        text.Append('}');
    }

    public static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
