using System.Numerics;
using System.Text;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Errors;

namespace HwFlow.Sim.Vcd;

/// <summary>
/// Writes a Value Change Dump (IEEE 1364 §18) that GTKWave opens. Call <see cref="Sample"/>
/// once per cycle after the inputs are set (before the clock edge): the values of cycle c are
/// shown from time c * period, and clk rises at c * period + period / 2, in the middle of that
/// stable window. Instance paths in flattened names ('.') become nested scopes. Only changes
/// are written; the header has no date so the same run gives the same bytes.
/// </summary>
public sealed class VcdWriter : IDisposable
{
    private readonly TextWriter _out;
    private readonly Simulator _sim;
    private readonly SimSignal[] _signals;
    private readonly string[] _codes;
    private readonly string _clockCode;
    private readonly BigInteger[] _last;
    private readonly bool[] _written;
    private readonly int _period;
    private readonly StringBuilder _line = new();
    private bool _started;
    private bool _disposed;
    private long _lastCycle;

    private readonly (string Partial, string Target)? _file;

    public VcdWriter(TextWriter output, Simulator sim, IReadOnlyList<string> patterns, int periodNs = 10)
        : this(output, sim, [.. SignalSelection.Select(sim, patterns)], periodNs, file: null)
    {
    }

    private VcdWriter(TextWriter output, Simulator sim, SimSignal[] signals, int periodNs, (string Partial, string Target)? file)
    {
        _out = output;
        _sim = sim;
        _file = file;
        _period = Math.Max(2, periodNs);
        _signals = signals;
        _codes = [.. _signals.Select((_, i) => Code(i + 1))];
        _clockCode = Code(0);
        _last = new BigInteger[_signals.Length];
        _written = new bool[_signals.Length];
        Header();
    }

    /// <summary>
    /// A dump written to a hidden file beside <paramref name="path"/> and moved into place on
    /// Dispose, so a crash leaves no half-written dump under the user's name. The patterns are
    /// checked before anything is created.
    /// </summary>
    public static VcdWriter Create(string path, Simulator sim, IReadOnlyList<string> patterns, int periodNs = 10)
    {
        SimSignal[] signals = [.. SignalSelection.Select(sim, patterns)];
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw UserError.In(path, "is a folder; give a file name for the value change dump");
        var partial = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.partial-{Environment.ProcessId}");
        try
        {
            var output = new StreamWriter(partial, append: false, new UTF8Encoding(false)) { NewLine = "\n" };
            return new VcdWriter(output, sim, signals, periodNs, (partial, full));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw UserError.In(path, $"cannot write the value change dump there ({e.Message})");
        }
    }

    public IReadOnlyList<SimSignal> Signals => _signals;

    public void Sample()
    {
        if (_started && _sim.Cycle == _lastCycle) return; // one sample per cycle keeps the time stamps increasing
        _lastCycle = _sim.Cycle;
        long time = _sim.Cycle * _period;
        _out.Write('#');
        _out.Write(time);
        _out.Write('\n');
        bool first = !_started;
        _started = true;
        if (first) _out.Write("$dumpvars\n");
        _out.Write('0');
        _out.Write(_clockCode);
        _out.Write('\n');
        for (int i = 0; i < _signals.Length; i++)
        {
            var value = _signals[i].Width <= 64 ? _sim.PeekUInt64(_signals[i]) : _sim.Peek(_signals[i]);
            if (_written[i] && value == _last[i]) continue;
            _written[i] = true;
            _last[i] = value;
            WriteValue(_signals[i].Width, value, _codes[i]);
        }
        if (first) _out.Write("$end\n");
        _out.Write('#');
        _out.Write(time + (_period / 2));
        _out.Write('\n');
        _out.Write('1');
        _out.Write(_clockCode);
        _out.Write('\n');
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _out.Write('#');
        _out.Write(Math.Max(_sim.Cycle * _period, (_lastCycle * _period) + _period));
        _out.Write('\n');
        _out.Dispose();
        if (_file is var (partial, target)) File.Move(partial, target, overwrite: true);
    }

    private void Header()
    {
        _out.Write("$version HwFlow cycle simulator $end\n$timescale 1ns $end\n");
        _out.Write($"$scope module {_sim.Module.Name} $end\n");
        _out.Write($"$var wire 1 {_clockCode} {RtlModule.Clock} $end\n");
        var open = new List<string>();
        foreach (var (signal, index) in _signals.Select((s, i) => (s, i)).OrderBy(p => string.Join('\u0001', Scope(p.s.Name)), StringComparer.Ordinal))
        {
            var scope = Scope(signal.Name);
            int common = 0;
            while (common < open.Count && common < scope.Count && open[common] == scope[common]) common++;
            for (int i = open.Count - 1; i >= common; i--) _out.Write("$upscope $end\n");
            open.RemoveRange(common, open.Count - common);
            for (int i = common; i < scope.Count; i++)
            {
                _out.Write($"$scope module {scope[i]} $end\n");
                open.Add(scope[i]);
            }
            var leaf = signal.Name[(signal.Name.LastIndexOf(RtlFlattener.PathSeparator) + 1)..];
            _out.Write($"$var wire {signal.Width} {_codes[index]} {leaf}{(signal.Width > 1 ? $" [{signal.Width - 1}:0]" : "")} $end\n");
        }
        for (int i = 0; i < open.Count; i++) _out.Write("$upscope $end\n");
        _out.Write("$upscope $end\n$enddefinitions $end\n");
    }

    private static List<string> Scope(string name) => [.. name.Split(RtlFlattener.PathSeparator).SkipLast(1)];

    private void WriteValue(int width, BigInteger value, string code)
    {
        _line.Clear();
        if (width == 1) _line.Append(value.IsZero ? '0' : '1');
        else
        {
            _line.Append('b');
            int top = (int)Math.Max(0, value.GetBitLength() - 1);
            for (int bit = top; bit >= 0; bit--) _line.Append(((value >> bit) & 1).IsZero ? '0' : '1');
            _line.Append(' ');
        }
        _line.Append(code).Append('\n');
        _out.Write(_line);
    }

    /// <summary>Identifier codes: base 94 over the printable characters '!'..'~'.</summary>
    private static string Code(int index)
    {
        var code = new StringBuilder();
        do
        {
            code.Append((char)('!' + (index % 94)));
            index /= 94;
        }
        while (index > 0);
        return code.ToString();
    }
}
