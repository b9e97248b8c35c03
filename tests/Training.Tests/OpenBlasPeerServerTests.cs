using System.Globalization;
using System.Runtime.InteropServices;
using HwFlow.Training.Native;

namespace HwFlow.Training.Tests;

/// <summary>The peer's request protocol, served in this process (the kernel choice itself is the bench command's test).</summary>
public sealed class OpenBlasPeerServerTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void LoadsTimesAndSavesAProductAndReportsBadRequests()
    {
        // C = A . B^T for A = [[1, 2], [3, 4]], B^T = [[1, 0], [1, 1]]: [[1, 3], [3, 7]].
        string a = _dir.File("a.bin"), b = _dir.File("b.bin"), c = _dir.File("c.bin"), x = _dir.File("x.bin"), y = _dir.File("y.bin");
        File.WriteAllBytes(a, MemoryMarshal.AsBytes<float>([1, 2, 3, 4]).ToArray());
        File.WriteAllBytes(b, MemoryMarshal.AsBytes<float>([1, 0, 1, 1]).ToArray());
        File.WriteAllBytes(x, MemoryMarshal.AsBytes<float>([1, -1]).ToArray());
        var requests = string.Join('\n', $"load 1 gemm 2 2 2 {a} {b}", "time 1 1 3", $"save 1 1 {c}", $"load 2 gemv 2 2 {a} {x}", $"save 2 1 {y}",
            "drop 1", "time 1 1 1", "frobnicate", "quit", "time 2 1 1");
        var output = new StringWriter();
        OpenBlasPeerServer.Serve(new StringReader(requests), output);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"ready\t{OpenBlas.CoreName}\t", lines[0]);
        Assert.Equal("ok ", lines[1]);
        var times = lines[2][3..].Split(' ').Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        Assert.True(times[0] > 0 && times[1] >= 0, lines[2]);
        Assert.Equal([1f, 3f, 3f, 7f], MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(c)).ToArray());
        Assert.Equal([-1f, -1f], MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(y)).ToArray());
        Assert.StartsWith("error ", lines[7]);
        Assert.Equal("error unknown request 'frobnicate'", lines[8]);
        Assert.Equal(9, lines.Length);
    }
}
