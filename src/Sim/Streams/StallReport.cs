namespace HwFlow.Sim.Streams;

/// <summary>Where a stream is stuck: every valid/ready pair in the design (signals named *valid next to *ready) and its state.</summary>
public static class StallReport
{
    /// <summary>Pairs with valid high and ready low (a producer waiting), then pairs with ready high and valid low (a consumer starving).</summary>
    public static string Describe(Simulator sim)
    {
        var waiting = new List<string>();
        var starving = new List<string>();
        foreach (var valid in sim.Signals.Where(s => s.Width == 1 && s.Name.EndsWith("valid", StringComparison.Ordinal)))
        {
            var ready = sim.TryFindSignal(valid.Name[..^"valid".Length] + "ready");
            if (ready is not { Width: 1 }) continue;
            bool v = sim.PeekUInt64(valid) != 0, r = sim.PeekUInt64(ready) != 0;
            if (v && !r) waiting.Add($"{valid.Name}=1 {ready.Name}=0");
            else if (r && !v) starving.Add($"{ready.Name}=1 {valid.Name}=0");
        }
        return $"waiting: {(waiting.Count == 0 ? "none" : string.Join(", ", waiting))}; starving: {(starving.Count == 0 ? "none" : string.Join(", ", starving))}";
    }
}
