using HwFlow.Cli;
using HwFlow.Cli.Tests;

namespace HwFlow.Hostile.Tests;

/// <summary>
/// Every case of tests/hostile-cases: the command on the broken input exits with code 2, prints
/// one line that says where (file and line, or field, or option) and what was expected, no
/// stack trace, and leaves the folder exactly as it was (a failed tool's log excepted, when the
/// case names it). Cases run in this process, one at a time (they share the console); a case
/// that sets environment variables (a tool override) runs as its own `hwflow` process, since
/// the tool adapters read their overrides once per process.
/// </summary>
public sealed class HostileInputTests
{
    /// <summary>Held by whatever in this test process redirects the console or runs commands in it.</summary>
    internal static readonly Lock ConsoleLock = new();

    public static TheoryData<string> Cases() => [.. HostileCase.Ids()];

    [Fact]
    public void Every_class_of_promise_has_cases()
    {
        var classes = HostileCase.Ids().GroupBy(id => id.Split('/')[0]).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(new[] { "model", "tensor", "dataset", "folding", "build", "options", "tools", "onnx" }, c => Assert.True(classes.GetValueOrDefault(c) >= 3, $"{c}: {classes.GetValueOrDefault(c)} cases"));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_hostile_input_gets_one_located_line_exit_2_and_leaves_nothing(string id)
    {
        var hostile = HostileCase.Load(id);
        using var temp = new TempFolder();
        hostile.Arrange(temp.Path);
        var before = HostileCase.Listing(temp.Path);
        var args = hostile.Command.Select(a => HostileCase.Expand(a, temp.Path)).ToArray();

        var (exit, stderr) = hostile.Environment.Count == 0 ? InProcess(args) : AsProcess(args, hostile.Environment, temp.Path);

        var context = $"{hostile.Promise}\nhwflow {string.Join(' ', args)}\nexit {exit}\nstderr:\n{stderr}";
        Assert.True(exit == 2, context);
        // Progress lines ("synth ice40-up5k: 1/3") may come first; what HwFlow says about the failure is one line.
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("hwflow", StringComparison.Ordinal) || char.IsWhiteSpace(l[0])).ToList();
        Assert.True(lines.Count == 1, "expected one line\n" + context);
        Assert.StartsWith("hwflow: error: ", lines[0]);
        var expected = HostileCase.Expand(hostile.Expect, temp.Path);
        Assert.True(lines[0].Contains(expected, StringComparison.Ordinal), $"expected the line to contain\n{expected}\n{context}");
        Assert.DoesNotContain("Exception", stderr);
        Assert.DoesNotContain("   at ", stderr);
        var after = HostileCase.Listing(temp.Path);
        Assert.Equal(before.Concat(hostile.Leaves).Order(StringComparer.Ordinal), after);
    }

    private static (int Exit, string Stderr) InProcess(string[] args)
    {
        lock (ConsoleLock)
        {
            var (oldOut, oldError) = (Console.Out, Console.Error);
            var error = new StringWriter();
            Console.SetOut(TextWriter.Null);
            Console.SetError(error);
            try
            {
                // A read that blocks (a FIFO opened as input) would hang here: bounded, so it fails instead.
                var run = Task.Run(() => HwFlowCommand.Invoke(args));
                Assert.True(run.Wait(TimeSpan.FromMinutes(2)), $"hwflow {string.Join(' ', args)} did not finish in 2 minutes");
                return (run.Result, error.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldError);
            }
        }
    }

    private static (int Exit, string Stderr) AsProcess(string[] args, IReadOnlyDictionary<string, string> environment, string dir)
    {
        var expanded = environment.ToDictionary(p => p.Key, p => HostileCase.Expand(p.Value, dir));
        var result = CliProcess.RunWithEnvironment(expanded, args);
        return (result.ExitCode, result.Stderr);
    }
}
