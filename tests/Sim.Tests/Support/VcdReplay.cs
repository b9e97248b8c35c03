using System.Numerics;

namespace HwFlow.Sim.Tests.Support;

/// <summary>A minimal VCD reader for tests: the value of every variable (by dotted path under the top scope) at each cycle's sample time.</summary>
public static class VcdReplay
{
    public static List<Dictionary<string, BigInteger>> Values(string text, int periodNs)
    {
        var names = new Dictionary<string, string>();
        var scopes = new List<string>();
        var current = new Dictionary<string, BigInteger>();
        var cycles = new List<Dictionary<string, BigInteger>>();
        long time = -1;
        void Flush(long upTo)
        {
            // Values at time c * period are the sample of cycle c.
            while (time >= 0 && cycles.Count * (long)periodNs <= time && cycles.Count * (long)periodNs < upTo)
                cycles.Add(new Dictionary<string, BigInteger>(current));
        }
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (line.StartsWith("$scope", StringComparison.Ordinal)) scopes.Add(words[2]);
            else if (line.StartsWith("$upscope", StringComparison.Ordinal)) scopes.RemoveAt(scopes.Count - 1);
            else if (line.StartsWith("$var", StringComparison.Ordinal)) names[words[3]] = string.Join('.', scopes.Skip(1).Append(words[4]));
            else if (line.StartsWith('#'))
            {
                long next = long.Parse(line[1..]);
                Flush(next);
                time = next;
            }
            else if (line.StartsWith('b')) current[names[words[1]]] = Binary(words[0][1..]);
            else if (line.Length >= 2 && (line[0] == '0' || line[0] == '1')) current[names[line[1..]]] = line[0] - '0';
        }
        return cycles;
    }

    private static BigInteger Binary(string bits)
    {
        var value = BigInteger.Zero;
        foreach (var c in bits) value = (value << 1) | (c - '0');
        return value;
    }
}
