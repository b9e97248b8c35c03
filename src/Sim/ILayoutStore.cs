namespace HwFlow.Sim;

/// <summary>
/// Where the compiled simulator may keep what it derived from a netlist: the layout and activity
/// plan (lane analysis, storage layout, partitions: a fifth of a second on the largest designs) and
/// its kernels as a saved assembly (IL emission: another 0.15-0.27 s), so the next simulator of the
/// same netlist reads them and only JIT-compiles. The store answers only for the netlist it was made
/// for (the caller keys it by the netlist's content and the HwFlow assemblies, which emit the
/// kernels), and <c>parameters</c> names the rest (lanes, lane inputs, lane operations' form, what is
/// stored). What it returns is checked (positions, and a hash over the kernels) and a damaged one
/// derived again; it is never needed for a result.
/// </summary>
public interface ILayoutStore
{
    byte[]? Load(string parameters);

    void Store(string parameters, byte[] layout);
}
