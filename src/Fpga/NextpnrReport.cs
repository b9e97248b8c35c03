using System.Text.Json;

namespace HwFlow.Fpga;

/// <summary>How much of one kind of device resource the design uses.</summary>
public sealed record ResourceCount(int Used, int Available);

/// <summary>The frequency a clock reached, and the one it was asked for.</summary>
public sealed record ClockResult(string Clock, double AchievedMhz, double ConstraintMhz)
{
    public bool Met => AchievedMhz >= ConstraintMhz;
}

/// <summary>One end of a timing path: a cell's port, and the net it drives or receives.</summary>
public sealed record PathEnd(string Cell, string Port, string? Net);

/// <summary>A clock-to-clock timing path: where it starts, where it ends, and its total delay.</summary>
public sealed record TimingPath(string FromClock, string ToClock, PathEnd Source, PathEnd Sink, double DelayNs);

/// <summary>
/// nextpnr's JSON report (--report): utilisation per bel type, Fmax per clock, and the critical
/// path of each clock domain pair. Written after packing (with --pack-only) and after routing,
/// including when routing missed the timing target.
/// </summary>
public sealed class NextpnrReport
{
    private NextpnrReport(IReadOnlyDictionary<string, ResourceCount> utilization, IReadOnlyList<ClockResult> clocks, IReadOnlyList<TimingPath> paths)
    {
        Utilization = utilization;
        Clocks = clocks;
        CriticalPaths = paths;
    }

    /// <summary>Used and available count per nextpnr bel type (ICESTORM_LC, ICESTORM_RAM, ...).</summary>
    public IReadOnlyDictionary<string, ResourceCount> Utilization { get; }

    public IReadOnlyList<ClockResult> Clocks { get; }

    public IReadOnlyList<TimingPath> CriticalPaths { get; }

    public ResourceCount Resource(string belType) => Utilization.GetValueOrDefault(belType) ?? new ResourceCount(0, 0);

    /// <summary>The critical path from a clock back to itself, the one that sets its Fmax.</summary>
    public TimingPath? CriticalPathOf(string clock) =>
        CriticalPaths.FirstOrDefault(p => p.FromClock == "posedge " + clock && p.ToClock == "posedge " + clock)
        ?? CriticalPaths.FirstOrDefault(p => p.FromClock.EndsWith(clock, StringComparison.Ordinal) && p.ToClock.EndsWith(clock, StringComparison.Ordinal));

    /// <summary>A clock net's name as the user wrote it: nextpnr calls the port clk "clk$SB_IO_IN_$glb_clk".</summary>
    public static string UserClockName(string clock)
    {
        var dollar = clock.IndexOf('$');
        return dollar > 0 ? clock[..dollar] : clock;
    }

    public static NextpnrReport Load(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;

        var utilization = new Dictionary<string, ResourceCount>(StringComparer.Ordinal);
        if (root.TryGetProperty("utilization", out var util))
        {
            foreach (var bel in util.EnumerateObject())
                utilization[bel.Name] = new ResourceCount(bel.Value.GetProperty("used").GetInt32(), bel.Value.GetProperty("available").GetInt32());
        }

        var clocks = new List<ClockResult>();
        if (root.TryGetProperty("fmax", out var fmax))
        {
            foreach (var clock in fmax.EnumerateObject())
                clocks.Add(new ClockResult(clock.Name, clock.Value.GetProperty("achieved").GetDouble(), clock.Value.GetProperty("constraint").GetDouble()));
        }

        var paths = new List<TimingPath>();
        if (root.TryGetProperty("critical_paths", out var critical))
        {
            foreach (var entry in critical.EnumerateArray())
            {
                var steps = entry.GetProperty("path").EnumerateArray().ToList();
                if (steps.Count == 0) continue;
                var nets = steps.Where(s => s.TryGetProperty("net", out _)).Select(s => s.GetProperty("net").GetString()).ToList();
                // A path starts at a register's output: the "to" end of the clock-to-output step
                // (its "from" end names the clock input, on a cell nextpnr does not always get right).
                var first = steps[0].GetProperty("type").GetString() == "clk-to-q" ? steps[0].GetProperty("to") : steps[0].GetProperty("from");
                var last = steps[^1].GetProperty("to");
                paths.Add(new TimingPath(
                    entry.GetProperty("from").GetString()!,
                    entry.GetProperty("to").GetString()!,
                    new PathEnd(first.GetProperty("cell").GetString()!, first.GetProperty("port").GetString()!, nets.FirstOrDefault()),
                    new PathEnd(last.GetProperty("cell").GetString()!, last.GetProperty("port").GetString()!, nets.LastOrDefault()),
                    steps.Sum(s => s.GetProperty("delay").GetDouble())));
            }
        }
        return new NextpnrReport(utilization, clocks, paths);
    }
}
