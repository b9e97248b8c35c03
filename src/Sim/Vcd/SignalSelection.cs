using System.IO.Enumeration;
using HwFlow.Runtime.Errors;

namespace HwFlow.Sim.Vcd;

/// <summary>
/// Picks signals by glob patterns over their flattened names (<c>*</c> any run of characters,
/// including the '.' of instance paths; <c>?</c> one character), e.g. <c>m_axis_*</c> or
/// <c>layer0.*acc*</c>. No pattern means every signal.
/// </summary>
public static class SignalSelection
{
    public static IReadOnlyList<SimSignal> Select(Simulator sim, IReadOnlyList<string> patterns)
    {
        if (patterns.Count == 0) return sim.Signals;
        foreach (var pattern in patterns)
            if (!sim.Signals.Any(s => Matches(pattern, s.Name)))
                throw new UserError($"the signal pattern '{pattern}' matches no signal of {sim.Module.Name} (patterns are globs over names such as m_axis_tdata or summer.acc_0)");
        return [.. sim.Signals.Where(s => patterns.Any(p => Matches(p, s.Name)))];
    }

    public static bool Matches(string pattern, string name) => FileSystemName.MatchesSimpleExpression(pattern, name, ignoreCase: false);
}
