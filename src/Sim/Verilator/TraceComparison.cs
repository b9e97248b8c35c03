namespace HwFlow.Sim.Verilator;

/// <summary>Where two engines first disagree: the cycle, the signal, and both values.</summary>
public sealed record CosimMismatch(long Cycle, string Signal, string Expected, string Actual)
{
    public string Message => $"first difference at cycle {Cycle}: {Signal} is {Expected} in the C# simulator but {Actual} in Verilator";
}

/// <summary>
/// Compares transcripts line by line: stream traces ("O cycle data" per output transaction,
/// "END status cycles") and vector transcripts ("C cycle value..." per cycle, one value per
/// output port). Verilator's STALL diagnostic line is not part of the comparison.
/// </summary>
public static class TraceComparison
{
    public static CosimMismatch? Compare(IReadOnlyList<string> expected, IReadOnlyList<string> actual, IReadOnlyList<string>? columns = null)
    {
        var e = expected.Where(l => !l.StartsWith("STALL", StringComparison.Ordinal)).ToList();
        var a = actual.Where(l => !l.StartsWith("STALL", StringComparison.Ordinal)).ToList();
        int transaction = 0;
        for (int i = 0; i < Math.Max(e.Count, a.Count); i++)
        {
            var x = i < e.Count ? e[i].Split(' ') : ["(nothing)"];
            var y = i < a.Count ? a[i].Split(' ') : ["(nothing)"];
            if (x.SequenceEqual(y))
            {
                if (x[0] == "O") transaction++;
                continue;
            }
            return (x[0], y[0]) switch
            {
                ("C", "C") when x[1] == y[1] => Column(x, y, columns),
                ("O", "O") when x[1] == y[1] => new CosimMismatch(long.Parse(x[1]), $"m_axis_tdata of output transaction #{transaction}", x[2], y[2]),
                ("O", "O") => new CosimMismatch(Math.Min(long.Parse(x[1]), long.Parse(y[1])), $"output transaction #{transaction} (m_axis_tvalid && m_axis_tready)",
                    $"at cycle {x[1]} with data {x[2]}", $"at cycle {y[1]} with data {y[2]}"),
                ("O", _) => new CosimMismatch(long.Parse(x[1]), $"output transaction #{transaction} (m_axis_tvalid && m_axis_tready)", $"at cycle {x[1]} with data {x[2]}", $"none ({string.Join(' ', y)})"),
                (_, "O") => new CosimMismatch(long.Parse(y[1]), $"output transaction #{transaction} (m_axis_tvalid && m_axis_tready)", $"none ({string.Join(' ', x)})", $"at cycle {y[1]} with data {y[2]}"),
                _ => new CosimMismatch(Cycle(x, y), "end of run", string.Join(' ', x), string.Join(' ', y)),
            };
        }
        return null;
    }

    private static CosimMismatch Column(string[] x, string[] y, IReadOnlyList<string>? columns)
    {
        for (int c = 2; c < Math.Max(x.Length, y.Length); c++)
        {
            string ex = c < x.Length ? x[c] : "(missing)", ac = c < y.Length ? y[c] : "(missing)";
            if (ex != ac)
                return new CosimMismatch(long.Parse(x[1]), columns is not null && c - 2 < columns.Count ? columns[c - 2] : $"output {c - 2}", "0x" + ex, "0x" + ac);
        }
        throw new InvalidOperationException("lines differ but no column does");
    }

    private static long Cycle(string[] x, string[] y) =>
        x.Length > 2 && long.TryParse(x[^1], out var cx) ? cx : y.Length > 2 && long.TryParse(y[^1], out var cy) ? cy : 0;
}
