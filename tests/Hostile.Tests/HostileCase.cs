using System.Buffers.Binary;
using HwFlow.Cli.Tests;
using YamlDotNet.RepresentationModel;

namespace HwFlow.Hostile.Tests;

/// <summary>
/// One broken input from tests/hostile-cases/CLASS/NAME.yaml: what the README promises, how to
/// lay the input out in a fresh folder (copy an example model or build, edit a file, add a
/// link, a FIFO, a directory, an IDX pair with a defect), the command, and the one line it must
/// print. Every path in the file is relative to that folder; {dir} stands for it.
/// </summary>
public sealed class HostileCase
{
    public required string Class { get; init; }
    public required string Name { get; init; }
    public required string Promise { get; init; }
    public required IReadOnlyList<string> Command { get; init; }
    public required string Expect { get; init; }
    public required YamlSequenceNode Setup { get; init; }
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>Entries a failure may leave on purpose (a failed tool's log), relative to the folder.</summary>
    public IReadOnlyList<string> Leaves { get; init; } = [];

    public static string Folder => Path.Combine(CliProcess.RepoRoot, "tests", "hostile-cases");

    public static IEnumerable<string> Ids() =>
        Directory.EnumerateFiles(Folder, "*.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Folder, f)[..^".yaml".Length].Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    public static HostileCase Load(string id)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(Folder, id + ".yaml"))));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        string Text(string key) => ((YamlScalarNode)root[key]).Value!;
        YamlNode? Optional(string key) => root.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;
        return new HostileCase
        {
            Class = id.Split('/')[0],
            Name = id,
            Promise = Text("promise"),
            Command = ((YamlSequenceNode)root["command"]).Select(n => ((YamlScalarNode)n).Value!).ToList(),
            Expect = Text("expect"),
            Setup = Optional("setup") as YamlSequenceNode ?? new YamlSequenceNode(),
            Environment = (Optional("env") as YamlMappingNode)?.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value!)
                ?? new Dictionary<string, string>(),
            Leaves = (Optional("leaves") as YamlSequenceNode)?.Select(n => ((YamlScalarNode)n).Value!).ToList() ?? [],
        };
    }

    public static string Expand(string text, string dir) =>
        text.Replace("{dir}", dir, StringComparison.Ordinal).Replace("{repo}", CliProcess.RepoRoot, StringComparison.Ordinal);

    /// <summary>Lays the case's input out in <paramref name="dir"/>.</summary>
    public void Arrange(string dir)
    {
        foreach (var step in Setup.Cast<YamlMappingNode>())
        {
            string Get(string key) => Expand(((YamlScalarNode)step[key]).Value!, dir);
            string? Maybe(string key) => step.Children.TryGetValue(new YamlScalarNode(key), out var v) ? Expand(((YamlScalarNode)v).Value!, dir) : null;
            string At(string key) => Path.Combine(dir, Get(key));
            var op = ((YamlScalarNode)step.Children.Keys.First()).Value;
            switch (op)
            {
                case "example": CopyTree(CliProcess.Example(Get("example")), At("to")); break;
                case "compiled": CopyTree(CompiledExample(Get("compiled")), At("to")); break;
                case "fixture": CopyTree(Path.Combine(CliProcess.RepoRoot, "tests", "fixtures", Get("fixture")), At("to")); break;
                case "mkdir": Directory.CreateDirectory(At("mkdir")); break;
                case "copy": File.Copy(At("copy"), At("to")); break;
                case "delete": File.Delete(At("delete")); break;
                case "link": File.CreateSymbolicLink(At("link"), Get("to")); break;
                case "fifo": Mkfifo(At("fifo")); break;
                case "write": File.WriteAllText(At("write"), Get("text").Replace("\\n", "\n")); break;
                case "script":
                    File.WriteAllText(At("script"), Get("text").Replace("\\n", "\n"));
                    if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(At("script"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                    break;
                case "replace":
                    var text = File.ReadAllText(At("replace"));
                    var from = Get("from");
                    if (!text.Contains(from, StringComparison.Ordinal)) throw new InvalidOperationException($"{Name}: '{from}' is not in {Get("replace")}");
                    File.WriteAllText(At("replace"), text.Replace(from, Get("with").Replace("\\n", "\n"), StringComparison.Ordinal));
                    break;
                case "idx": WriteIdxPair(At("idx"), Get("prefix"), int.Parse(Get("count")), int.Parse(Maybe("labels") ?? Get("count"))); break;
                case "patch":
                    using (var file = new FileStream(At("patch"), FileMode.Open))
                    {
                        file.Position = long.Parse(Get("offset"));
                        file.Write(Convert.FromHexString(Get("hex")));
                    }
                    break;
                case "truncate":
                    using (var file = new FileStream(At("truncate"), FileMode.Open)) file.SetLength(long.Parse(Get("length")));
                    break;
                default: throw new InvalidOperationException($"{Name}: unknown setup step '{op}'");
            }
        }
    }

    /// <summary>An IDX image/label pair of 28x28 images, count images and labelCount labels.</summary>
    private static void WriteIdxPair(string folder, string prefix, int count, int labelCount)
    {
        Directory.CreateDirectory(folder);
        var images = new byte[16 + count * 784];
        BinaryPrimitives.WriteInt32BigEndian(images, 0x803);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), 28);
        for (int i = 16; i < images.Length; i++) images[i] = (byte)(i * 37);
        File.WriteAllBytes(Path.Combine(folder, $"{prefix}-images-idx3-ubyte"), images);
        var labels = new byte[8 + labelCount];
        BinaryPrimitives.WriteInt32BigEndian(labels, 0x801);
        BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), labelCount);
        for (int i = 0; i < labelCount; i++) labels[8 + i] = (byte)(i % 10);
        File.WriteAllBytes(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte"), labels);
    }

    private static readonly Dictionary<string, string> Compiled = [];
    private static readonly string CompiledRoot = Path.Combine(Path.GetTempPath(), "hwflow-hostile-builds-" + System.Environment.ProcessId);

    /// <summary>An example compiled by the real `hwflow compile`, once per test run (cases copy it, so each may break its copy).</summary>
    internal static string CompiledExample(string example)
    {
        lock (Compiled)
        {
            if (Compiled.TryGetValue(example, out var done)) return done;
            var folder = Path.Combine(CompiledRoot, example);
            var result = CliProcess.Run("compile", CliProcess.Example(example), "-o", folder, "--force");
            if (result.ExitCode != 0) throw new InvalidOperationException("compiling the example failed:\n" + result);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => { if (Directory.Exists(CompiledRoot)) Directory.Delete(CompiledRoot, recursive: true); };
            return Compiled[example] = folder;
        }
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static void Mkfifo(string path)
    {
        if (Native.mkfifo(path, 0x180) != 0) throw new IOException($"mkfifo {path} failed");
    }

    /// <summary>Everything under <paramref name="dir"/>, links not followed, for the nothing-left-behind check.</summary>
    public static List<string> Listing(string dir) =>
        new DirectoryInfo(dir).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(i => Path.GetRelativePath(dir, i.FullName).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    public override string ToString() => Name;
}

internal static partial class Native
{
    [System.Runtime.InteropServices.LibraryImport("libc", StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
    internal static partial int mkfifo(string path, uint mode);
}
