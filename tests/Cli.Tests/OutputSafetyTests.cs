using HwFlow.Runtime.Tensors;

namespace HwFlow.Cli.Tests;

/// <summary>
/// No command destroys the user's data: an output that is an input, or holds one, is refused;
/// --force replaces only a folder HwFlow wrote (it carries .hwflow-output) or an empty one; a
/// command's own default folder is its to replace. Each refusal is one line naming the path,
/// exit code 2, nothing touched.
/// </summary>
public sealed class OutputSafetyTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly string[] QuickTraining = ["--arch", "784-8-10", "--epochs", "1", "--limit", "200", "--test-limit", "100"];

    /// <summary>A copy of examples/tiny-hbnn that the test may lose.</summary>
    private string Model()
    {
        var model = _dir.File("model");
        Directory.CreateDirectory(model);
        foreach (var file in Directory.GetFiles(CliProcess.Example("tiny-hbnn"))) File.Copy(file, Path.Combine(model, Path.GetFileName(file)));
        return model;
    }

    private static Dictionary<string, string> Snapshot(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => f, f => Convert.ToHexString(File.ReadAllBytes(f)));

    private static void AssertRefused(CliProcess.Result result, string path, string reason)
    {
        CliProcess.AssertUserError(result, $"{path}: {reason}");
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void Compile_into_its_own_model_folder_is_refused_even_with_force()
    {
        var model = Model();
        var before = Snapshot(model);
        AssertRefused(CliProcess.Run("compile", model, "-o", model, "--force"), model, $"is an input of this command");
        Assert.Equal(before, Snapshot(model));
    }

    [Fact]
    public void Compile_into_a_folder_that_holds_the_model_is_refused()
    {
        var model = Model();
        var before = Snapshot(model);
        AssertRefused(CliProcess.Run("compile", Path.Combine(model, "model.yaml"), "-o", _dir.Path, "--force"), _dir.Path, $"holds {model}, an input of this command");
        Assert.Equal(before, Snapshot(model));
    }

    [Fact]
    public void Compile_into_a_folder_that_holds_the_folding_file_is_refused()
    {
        var built = _dir.File("built");
        Assert.Equal(0, CliProcess.Run("compile", CliProcess.Example("tiny-hbnn"), "-o", built).ExitCode);
        var folding = Path.Combine(built, "folding.yaml");
        var before = Snapshot(built);
        AssertRefused(CliProcess.Run("compile", CliProcess.Example("tiny-hbnn"), "-o", built, "--force", "--folding", folding), built, $"holds {folding}, an input");
        Assert.Equal(before, Snapshot(built));
    }

    [Fact]
    public void Run_into_the_folder_of_its_input_is_refused()
    {
        var inputs = _dir.File("inputs");
        Directory.CreateDirectory(inputs);
        var input = Path.Combine(inputs, "x.npy");
        NpyFile.Write(input, NpyArray.FromBytes([784], new byte[784]));
        AssertRefused(CliProcess.Run("run", CliProcess.Example("tiny-hbnn"), "--input", input, "-o", inputs, "--force"), inputs, $"holds {input}");
        Assert.True(File.Exists(input));
    }

    [Fact]
    public void Train_into_its_dataset_folder_is_refused()
    {
        var data = _dir.File("data");
        Directory.CreateDirectory(data);
        foreach (var file in Directory.GetFiles("/usr/share/datasets/fashion-mnist", "*-ubyte.gz"))
            File.CreateSymbolicLink(Path.Combine(data, Path.GetFileName(file)), file);
        var before = Snapshot(data);
        AssertRefused(CliProcess.Run(["train", "--dataset", data, .. QuickTraining, "-o", data, "--force"]), data, "is an input of this command");
        Assert.Equal(before, Snapshot(data));
    }

    [Fact]
    public void Report_and_waveform_files_may_not_overwrite_an_input()
    {
        var model = Model();
        var yaml = Path.Combine(model, "model.yaml");
        AssertRefused(CliProcess.Run("eval", model, "--dataset", "mnist", "--count", "5", "--json-out", yaml), yaml, $"would overwrite a file inside {model}");

        var build = _dir.File("build");
        Assert.Equal(0, CliProcess.Run("compile", model, "-o", build).ExitCode);
        var before = Snapshot(build);
        var design = Path.Combine(build, "design.rtl");
        AssertRefused(CliProcess.Run("sim", build, "--dataset", "fashion-mnist", "--count", "2", "--vcd", design), design, "would overwrite a file inside");
        var manifest = Path.Combine(build, "hwflow-build.json");
        AssertRefused(CliProcess.Run("synth", build, "--target", "xc7", "--json-out", manifest), manifest, "would overwrite a file inside");
        Assert.Equal(before, Snapshot(build));
        Assert.Equal(before.Keys.Order(), Directory.GetFiles(build, "*", SearchOption.AllDirectories).Order());
    }

    public static TheoryData<string[]> CommandsWithAnOutputFolder => new()
    {
        { ["compile", CliProcess.Example("tiny-hbnn")] },
        { ["compile", CliProcess.Example("tiny-hbnn"), "--ir-only"] },
        { ["train", "--dataset", "fashion-mnist", .. QuickTraining] },
        { ["experiment", "angle", "--max-dim", "64", "--trials", "2"] },
        { ["experiment", "hbnn-vs-bnn", "--dataset", "mnist", "--seeds", "1", .. QuickTraining] },
        { ["experiment", "histograms", .. QuickTraining] },
        { ["bench", "gemm", "--min-size", "32", "--max-size", "32", "--max-naive", "32"] },
    };

    [Theory]
    [MemberData(nameof(CommandsWithAnOutputFolder))]
    public void Force_does_not_replace_a_folder_HwFlow_did_not_write(string[] command)
    {
        var mine = _dir.File("mine");
        Directory.CreateDirectory(mine);
        File.WriteAllText(Path.Combine(mine, "notes.txt"), "mine");
        AssertRefused(CliProcess.Run([.. command, "-o", mine, "--force"]), mine, "not replaced: it is not a folder HwFlow wrote (no .hwflow-output in it) and not empty");
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(mine).Select(Path.GetFileName));
        Assert.Equal(["mine"], Directory.GetFileSystemEntries(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Run_replaces_its_own_output_with_force()
    {
        var input = _dir.File("x.npy");
        NpyFile.Write(input, NpyArray.FromBytes([784], new byte[784]));
        var output = _dir.File("out");
        Assert.Equal(0, CliProcess.Run("run", CliProcess.Example("tiny-hbnn"), "--input", input, "-o", output).ExitCode);
        Assert.True(File.Exists(Path.Combine(output, ".hwflow-output")));
        CliProcess.AssertUserError(CliProcess.Run("run", CliProcess.Example("tiny-hbnn"), "--input", input, "-o", output), "exists already (use --force");
        var again = CliProcess.Run("run", CliProcess.Example("tiny-hbnn"), "--input", input, "-o", output, "--force", "--mode", "training");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.False(File.Exists(Path.Combine(output, "output.npy")));
        Assert.True(File.Exists(Path.Combine(output, "00-input.npy")));
    }

    [Theory]
    [InlineData("out/bench-gemm", "bench", "gemm", "--min-size", "32", "--max-size", "32", "--max-naive", "32")]
    [InlineData("out/angle", "experiment", "angle", "--max-dim", "64", "--trials", "2")]
    public void A_default_output_folder_is_replaced_by_the_next_run_but_a_chosen_one_needs_force(string folder, params string[] command)
    {
        var first = CliProcess.RunIn(_dir.Path, command);
        Assert.True(first.ExitCode == 0, first.ToString());
        var second = CliProcess.RunIn(_dir.Path, command);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.True(File.Exists(Path.Combine(_dir.Path, folder, ".hwflow-output")));

        CliProcess.AssertUserError(CliProcess.RunIn(_dir.Path, [.. command, "-o", folder]), "exists already (use --force");
        var forced = CliProcess.RunIn(_dir.Path, [.. command, "-o", folder, "--force"]);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal(["out"], Directory.GetFileSystemEntries(_dir.Path).Select(Path.GetFileName));
        Assert.Equal([Path.GetFileName(folder)], Directory.GetFileSystemEntries(Path.Combine(_dir.Path, "out")).Select(Path.GetFileName));
    }

    [Fact]
    public void No_example_model_is_an_output_folder()
    {
        // The examples are sources: a test or a command default that wrote an output into one
        // would leave HwFlow's marker there (and a later --force could replace the example).
        var marked = Directory.GetFiles(Path.Combine(CliProcess.RepoRoot, "examples"), ".hwflow-output", SearchOption.AllDirectories);
        Assert.Empty(marked);
    }
}
