using HwFlow.Runtime.Errors;
using HwFlow.Runtime.IO;

namespace HwFlow.Runtime.Tests.IO;

/// <summary>The one place that decides what an output folder may replace: only HwFlow's own output or an empty folder, never an input.</summary>
public sealed class StagedFolderTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private string UserFolder(string name)
    {
        var folder = _dir.File(name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "keep.txt"), "mine");
        return folder;
    }

    private static void Write(OutputFolder output, params string[] inputs)
    {
        using var staged = StagedFolder.Begin(output, "test", inputs);
        File.WriteAllText(staged.File("result.txt"), "new");
        staged.Commit();
    }

    [Fact]
    public void A_committed_folder_carries_the_marker_and_can_be_replaced_with_force()
    {
        var target = _dir.File("out");
        Write(OutputFolder.Chosen(target, force: false));
        Assert.True(OutputMarker.IsMarked(target));
        Assert.Equal("test", OutputMarker.CommandOf(target));
        File.WriteAllText(Path.Combine(target, "result.txt"), "old");

        var refused = Assert.Throws<UserError>(() => Write(OutputFolder.Chosen(target, force: false)));
        Assert.Contains("exists already (use --force", refused.Message);
        Assert.Equal("old", File.ReadAllText(Path.Combine(target, "result.txt")));

        Write(OutputFolder.Chosen(target, force: true));
        Assert.Equal("new", File.ReadAllText(Path.Combine(target, "result.txt")));
        Assert.Equal([".hwflow-output", "result.txt"], Directory.GetFileSystemEntries(_dir.Path).SelectMany(Directory.GetFiles).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Force_never_replaces_a_folder_HwFlow_did_not_write()
    {
        var user = UserFolder("mine");
        var e = Assert.Throws<UserError>(() => Write(OutputFolder.Chosen(user, force: true)));
        Assert.StartsWith(user + ": not replaced: it is not a folder HwFlow wrote", e.Message);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(user, "keep.txt")));
        Assert.Equal(["mine"], Directory.GetFileSystemEntries(_dir.Path).Select(Path.GetFileName));

        // A command's own default place is no different: it replaces only what carries the marker.
        Assert.Throws<UserError>(() => Write(OutputFolder.Default(user)));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(user, "keep.txt")));

        // A marker file that is not HwFlow's does not count.
        File.WriteAllText(Path.Combine(user, OutputMarker.FileName), "not json");
        Assert.Throws<UserError>(() => Write(OutputFolder.Chosen(user, force: true)));
    }

    [Fact]
    public void An_empty_folder_may_be_replaced_with_force_and_a_default_place_without()
    {
        var empty = _dir.File("empty");
        Directory.CreateDirectory(empty);
        Assert.Throws<UserError>(() => Write(OutputFolder.Chosen(empty, force: false)));
        Write(OutputFolder.Chosen(empty, force: true));
        Assert.True(File.Exists(Path.Combine(empty, "result.txt")));

        var own = _dir.File("own");
        Write(OutputFolder.Default(own));
        Write(OutputFolder.Default(own));
        Assert.True(OutputMarker.IsMarked(own));
    }

    [Fact]
    public void An_output_that_is_or_holds_an_input_is_refused_even_when_HwFlow_wrote_it()
    {
        var model = _dir.File("model");
        Write(OutputFolder.Chosen(model, force: false));
        var e = Assert.Throws<UserError>(() => Write(OutputFolder.Chosen(model, force: true), model));
        Assert.Equal($"{model}: is an input of this command ({model}); choose another output folder", e.Message);

        var input = Path.Combine(model, "result.txt");
        var holds = Assert.Throws<UserError>(() => Write(OutputFolder.Chosen(model, force: true), input));
        Assert.Contains($"holds {input}, an input of this command", holds.Message);
        Assert.Equal("new", File.ReadAllText(input));

        // Beside or inside an input is fine: nothing of the input is replaced.
        Write(OutputFolder.Chosen(Path.Combine(model, "sub"), force: false), model);
        Write(OutputFolder.Chosen(_dir.File("beside"), force: false), model);
    }

    [Fact]
    public void A_symbolic_link_does_not_hide_an_input()
    {
        var model = UserFolder("model");
        var link = _dir.File("link");
        Directory.CreateSymbolicLink(link, model);
        Assert.Throws<UserError>(() => Write(OutputFolder.Chosen(link, force: true), model));
        var parentLink = _dir.File("parent-link");
        Directory.CreateSymbolicLink(parentLink, _dir.Path);
        Assert.Throws<UserError>(() => Write(OutputFolder.Chosen(parentLink, force: true), model));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(model, "keep.txt")));
    }

    [Fact]
    public void An_abandoned_folder_leaves_nothing_behind_not_even_the_parents_it_created()
    {
        var target = Path.Combine(_dir.Path, "new", "parents", "out");
        using (var staged = StagedFolder.Begin(OutputFolder.Chosen(target, force: false), "test", []))
        {
            File.WriteAllText(staged.File("half.txt"), "half");
        }
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    [Fact]
    public void An_output_file_may_not_overwrite_an_input()
    {
        var model = UserFolder("model");
        var keep = Path.Combine(model, "keep.txt");
        Assert.Contains("is an input of this command", Assert.Throws<UserError>(() => OutputPaths.CheckFile(keep, [keep])).Message);
        Assert.Contains($"would overwrite a file inside {model}", Assert.Throws<UserError>(() => OutputPaths.CheckFile(keep, [model])).Message);
        Assert.Contains("is a folder", Assert.Throws<UserError>(() => OutputPaths.CheckFile(model, [])).Message);
        OutputPaths.CheckFile(Path.Combine(model, "new.json"), [model]);
        OutputPaths.CheckFile(_dir.File("report.json"), [model]);
    }
}
