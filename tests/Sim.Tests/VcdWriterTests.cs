using System.Numerics;
using HwFlow.Runtime.Errors;
using HwFlow.Sim.Streams;
using HwFlow.Sim.Tests.Support;
using HwFlow.Sim.Vcd;

namespace HwFlow.Sim.Tests;

public sealed class VcdWriterTests
{
    private static (string Text, List<Dictionary<string, BigInteger>> PerCycle) Record(IReadOnlyList<string> patterns, string path)
    {
        var sim = Simulator.Create(FrameSummer.Design());
        var perCycle = new List<Dictionary<string, BigInteger>>();
        using (var vcd = VcdWriter.Create(path, sim, patterns))
        {
            var driver = new StreamDriver(sim)
            {
                OnCycle = _ =>
                {
                    vcd.Sample();
                    perCycle.Add(vcd.Signals.ToDictionary(s => s.Name, sim.Peek));
                },
            };
            driver.Run(new StreamStimulus { Frames = StreamDriverTests.Frames(3, 2), Seed = 5, InputGapProbability = 0.3, OutputStallProbability = 0.3 });
        }
        return (File.ReadAllText(path), perCycle);
    }

    [Fact]
    public void The_dump_replays_to_the_simulated_values_with_instance_scopes()
    {
        using var temp = new TempFolder();
        var (text, perCycle) = Record(["s_axis_*", "m_axis_tdata", "summer.*"], temp.File("a.vcd"));
        var replayed = VcdReplay.Values(text, periodNs: 10);
        Assert.Equal(perCycle.Count, replayed.Count);
        for (int c = 0; c < perCycle.Count; c++)
            foreach (var (name, value) in perCycle[c])
                Assert.True(replayed[c][name] == value, $"cycle {c}: {name} is {replayed[c][name]} in the dump, {value} in the simulator");
        Assert.Contains("$scope module summer $end", text);
        Assert.Contains("$var wire 16 ", text);
        Assert.DoesNotContain("stage_sum", text); // not selected
        var times = text.Split('\n').Where(l => l.StartsWith('#')).Select(l => long.Parse(l[1..])).ToList();
        Assert.True(times.Zip(times.Skip(1)).All(p => p.Second > p.First), "time stamps must increase");
    }

    [Fact]
    public void The_same_run_gives_the_same_bytes()
    {
        using var temp = new TempFolder();
        var first = Record([], temp.File("a.vcd")).Text;
        var second = Record([], temp.File("b.vcd")).Text;
        Assert.Equal(first, second);
    }

    [Fact]
    public void A_pattern_that_matches_nothing_is_a_user_error()
    {
        var sim = Simulator.Create(FrameSummer.Design());
        var error = Assert.Throws<UserError>(() => new VcdWriter(TextWriter.Null, sim, ["nosuch*"]));
        Assert.Contains("'nosuch*' matches no signal", error.Message);
    }

    [Fact]
    public void A_dump_that_cannot_be_written_creates_nothing()
    {
        using var temp = new TempFolder();
        var sim = Simulator.Create(FrameSummer.Design());
        Assert.Contains("'nosuch*' matches no signal", Assert.Throws<UserError>(() => VcdWriter.Create(temp.File("a.vcd"), sim, ["nosuch*"])).Message);
        Assert.Contains("is a folder", Assert.Throws<UserError>(() => VcdWriter.Create(temp.Path, sim, [])).Message);
        Assert.Contains("cannot write the value change dump there", Assert.Throws<UserError>(() => VcdWriter.Create(temp.File("missing/a.vcd"), sim, [])).Message);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void The_dump_appears_under_its_name_only_when_closed()
    {
        using var temp = new TempFolder();
        var sim = Simulator.Create(FrameSummer.Design());
        var vcd = VcdWriter.Create(temp.File("a.vcd"), sim, []);
        vcd.Sample();
        Assert.False(File.Exists(temp.File("a.vcd")));
        vcd.Dispose();
        Assert.Equal(["a.vcd"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }
}
