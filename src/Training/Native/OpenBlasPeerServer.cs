using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace HwFlow.Training.Native;

/// <summary>
/// The child side of <see cref="OpenBlasPeer"/>: one request per line on input, one answer per
/// line on output ("ok [value]" or "error message"). Requests: load ID gemm M N K A B | load ID
/// gemv M N W X (float files), time ID THREADS REPEATS (answers wall and CPU seconds), save ID THREADS PATH, drop ID, quit.
/// </summary>
public static class OpenBlasPeerServer
{
    private sealed record Product(bool Gemv, int M, int N, int K, float[] First, float[] Second, float[] Output);

    public static void Serve(TextReader input, TextWriter output)
    {
        OpenBlas.EnsureAvailable();
        output.WriteLine($"ready\t{OpenBlas.CoreName}\t{OpenBlas.Config}");
        output.Flush();
        var products = new Dictionary<int, Product>();
        while (input.ReadLine() is { } line)
        {
            var words = line.Split(' ');
            if (words[0] == "quit") return;
            try
            {
                output.WriteLine("ok " + Handle(words, products));
            }
            catch (Exception e) when (e is FormatException or IOException or ArgumentException or KeyNotFoundException or IndexOutOfRangeException)
            {
                output.WriteLine($"error {e.Message.ReplaceLineEndings(" ")}");
            }
            output.Flush();
        }
    }

    private static string Handle(string[] words, Dictionary<int, Product> products)
    {
        int Int(int i) => int.Parse(words[i], CultureInfo.InvariantCulture);
        switch (words[0])
        {
            case "load" when words[2] == "gemm":
                products[Int(1)] = new Product(false, Int(3), Int(4), Int(5), Read(words[6]), Read(words[7]), new float[Int(3) * Int(4)]);
                return "";
            case "load" when words[2] == "gemv":
                products[Int(1)] = new Product(true, Int(3), Int(4), 0, Read(words[5]), Read(words[6]), new float[Int(3)]);
                return "";
            case "time":
            {
                var product = products[Int(1)];
                OpenBlas.Threads = Int(2);
                int repeats = Int(3);
                using var self = Process.GetCurrentProcess();
                var cpu = self.TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                for (int r = 0; r < repeats; r++) Run(product);
                double wall = watch.Elapsed.TotalSeconds;
                self.Refresh();
                return string.Create(CultureInfo.InvariantCulture, $"{wall:R} {(self.TotalProcessorTime - cpu).TotalSeconds:R}");
            }
            case "save":
            {
                var product = products[Int(1)];
                OpenBlas.Threads = Int(2);
                Run(product);
                File.WriteAllBytes(words[3], MemoryMarshal.AsBytes(product.Output.AsSpan()).ToArray());
                return "";
            }
            case "drop":
                products.Remove(Int(1));
                return "";
            default:
                throw new ArgumentException($"unknown request '{string.Join(' ', words)}'");
        }
    }

    private static void Run(Product p)
    {
        if (p.Gemv) OpenBlas.Sgemv(false, p.M, p.N, 1, p.First, p.Second, 0, p.Output);
        else OpenBlas.Sgemm(false, true, p.M, p.N, p.K, 1, p.First, p.Second, 0, p.Output);
    }

    private static float[] Read(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();
}
