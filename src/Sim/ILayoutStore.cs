namespace HwFlow.Sim;

/// <summary>
/// Where the compiled simulator may keep the layout and activity plan it derived from a netlist
/// (lane analysis, storage layout, partitions: a fifth of a second on the largest designs), so the
/// next simulator of the same netlist reads them instead. The store answers only for the netlist it
/// was made for (the caller keys it by the netlist's content), and <paramref name="parameters"/>
/// names the rest (lanes, lane inputs, what is stored). What it returns is checked and a
/// damaged one derived again; it is never needed for a result.
/// </summary>
public interface ILayoutStore
{
    byte[]? Load(string parameters);

    void Store(string parameters, byte[] layout);
}
